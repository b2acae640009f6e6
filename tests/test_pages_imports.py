"""The import pages: entities per role, templates, an upload with its counts and reject report
(masked, downloadable by its uploader only), errors of the file next to the file field, CSRF
and roles (no browser: ``TestClient``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook

from matching.imports import SPECS, write_template
from tests.referral_city import KINDS, City, city_of_kind
from tests.test_pages_session import log_in, page_csrf

BAD_ID = "371502199001011239"  # a full number that fails its checksum: never echoed whole


@pytest.fixture(
    scope="module", params=[KINDS[0], pytest.param(KINDS[1], marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    with city_of_kind(request.param, tmp_path_factory.mktemp("import-pages")) as served:
        yield served


def persons_csv(tmp_path: Path) -> bytes:
    """The persons template: its example row, and the same row with a bad ID number."""
    path = tmp_path / "persons.csv"
    write_template(SPECS["persons"], path)
    header, example = path.read_text(encoding="utf-8-sig").splitlines()[:2]
    columns = header.split(",")
    bad = example.split(",")
    bad[columns.index("身份证号")] = BAD_ID
    return "\n".join([header, example, ",".join(bad)]).encode("utf-8-sig")


def upload(
    client: TestClient, entity: str, name: str, content: bytes, csrf: str | None = None
) -> Response:
    form = {"entity": entity, "csrf_token": page_csrf(client) if csrf is None else csrf}
    answer: Response = client.post("/imports", data=form, files={"file": (name, content)})
    return answer


def test_a_counselor_sees_the_entities_of_the_county_and_their_templates(city: City) -> None:
    log_in(city.client, "county_a")
    page = city.client.get("/imports").text
    assert 'href="/imports" aria-current="page">数据导入' in page
    for entity in ("persons", "assessments", "employers", "vacancies"):
        assert f'href="/imports/{entity}/template.xlsx"' in page
    assert "/imports/courses/template" not in page
    assert city.client.get("/imports/courses/template.xlsx").status_code == 404
    answer = city.client.get("/imports/persons/template.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    assert headers == [field.zh for field in SPECS["persons"].fields]
    csv = city.client.get("/imports/vacancies/template.csv")
    assert csv.status_code == 200 and "filename*=UTF-8''" in csv.headers["content-disposition"]
    log_in(city.client, "admin")
    assert "/imports/courses/template.xlsx" in city.client.get("/imports").text


def test_an_upload_shows_counts_and_the_masked_reject_report(city: City, tmp_path: Path) -> None:
    log_in(city.client, "county_a")
    before = len(city.audit_rows("import"))
    answer = upload(city.client, "persons", "人员.csv", persons_csv(tmp_path))
    assert answer.status_code == 200, answer.text
    text = answer.text
    assert "导入结果" in text and "<caption>问题清单" in text
    assert re.search(r"有问题 <strong>1</strong> 行", text)
    assert "第3行" in text and "身份证号" in text
    assert BAD_ID not in text
    assert len(city.audit_rows("import")) == before + 1
    link = re.search(r'href="(/imports/reports/[^"]+)"', text)
    assert link
    report = city.client.get(link.group(1).replace("&amp;", "&"))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    body = report.content.decode("utf-8-sig")
    assert body.startswith("行号,列,原因代码,说明") and "身份证号" in body
    assert BAD_ID not in body
    log_in(city.client, "county_b")  # another user cannot fetch it with that link
    assert city.client.get(link.group(1).replace("&amp;", "&")).status_code == 404
    name = link.group(1).split("/")[-1].split("?")[0]
    assert city.client.get(f"/imports/reports/{name}").status_code == 404


def test_file_errors_are_said_next_to_the_file_field(
    city: City, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log_in(city.client, "county_a")
    answer = upload(city.client, "persons", "人员.xlsx", b"not a spreadsheet at all")
    assert answer.status_code == 422
    assert 'id="f-file-error"' in answer.text and 'role="alert"' in answer.text
    assert city.audit_rows("import_refused")
    vacancies = tmp_path / "vacancies.csv"
    write_template(SPECS["vacancies"], vacancies)  # the wrong entity's template
    answer = upload(city.client, "persons", "岗位.csv", vacancies.read_bytes())
    assert answer.status_code == 422 and 'id="f-file-error"' in answer.text
    monkeypatch.setattr("matching.records.uploads.MAX_FILE_BYTES", 100)
    answer = upload(city.client, "persons", "人员.csv", persons_csv(tmp_path))
    assert answer.status_code == 413 and "文件过大" in answer.text
    answer = upload(city.client, "persons", "", b"")
    assert answer.status_code == 422 and "请选择要上传的文件" in answer.text
    answer = upload(city.client, "courses", "课程.csv", b"x")  # not the county's to import
    assert answer.status_code == 422 and 'id="f-entity-error"' in answer.text


def test_uploads_need_the_csrf_token_and_an_importing_role(city: City, tmp_path: Path) -> None:
    log_in(city.client, "county_a")
    before = len(city.audit_rows("import"))
    answer = upload(city.client, "persons", "人员.csv", persons_csv(tmp_path), csrf="forged")
    assert answer.status_code == 403
    assert len(city.audit_rows("import")) == before
    for username in ("worker_a", "analyst", "organiser"):
        log_in(city.client, username)
        assert city.client.get("/imports").status_code == 403
        assert city.client.get("/imports/persons/template.csv").status_code == 403
        assert "数据导入" not in city.client.get("/").text

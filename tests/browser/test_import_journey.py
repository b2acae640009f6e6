"""Journey 4 (counselor import): the import page, a template downloaded, the filled file uploaded,
the counts and the reject report on the page and downloaded; a file that is no spreadsheet is
refused next to the file field. Every page passes axe-core and is saved as a screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.checks import check_page
from tests.browser.conftest import log_in

BAD_ID = "371502199001011239"  # fails its checksum: rejected, never shown whole


def test_counselor_imports_persons_and_reads_the_reject_report(page: Page, tmp_path: Path) -> None:
    log_in(page, "county_a")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="数据导入").click()
    expect(page.locator("h1")).to_have_text("数据导入")
    check_page(page, "counselor-imports")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载求职登记人员CSV模板").click()
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    header, example = template.read_text(encoding="utf-8-sig").splitlines()[:2]
    bad = example.split(",")
    bad[header.split(",").index("身份证号")] = BAD_ID
    filled = tmp_path / "人员.csv"
    filled.write_text("\n".join([header, example, ",".join(bad)]), encoding="utf-8-sig")

    page.get_by_label("数据类型").select_option(label="求职登记人员")
    page.get_by_label("导入文件").set_input_files(filled)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_role("status")).to_contain_text("1行有问题未导入")
    table = page.locator("table", has=page.locator("caption", has_text="问题清单"))
    expect(table.locator("tbody tr").first).to_contain_text("第3行")
    expect(table).not_to_contain_text(BAD_ID)
    check_page(page, "counselor-import-result")

    with page.expect_download() as report:
        page.get_by_role("link", name="下载问题清单（CSV，可用Excel打开）").click()
    text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("行号,列,原因代码,说明") and "身份证号" in text and BAD_ID not in text

    junk = tmp_path / "人员.xlsx"
    junk.write_bytes(b"this is not a spreadsheet")
    page.get_by_label("数据类型").select_option(label="求职登记人员")
    page.get_by_label("导入文件").set_input_files(junk)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#f-file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-file-error")).to_be_visible()
    check_page(page, "counselor-import-refused")

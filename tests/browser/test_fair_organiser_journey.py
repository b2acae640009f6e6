"""Journey 5 (fair organiser): the fairs list, a new fair (first with a mistake, said at the
field), booths, candidates registered by upload, the pre-match as a background job (its page
reloads itself until the job is done, then links the result: reached with the keyboard), the
views per candidate and per booth with times, the Excel. Every page passes axe-core and is saved
as a screenshot.

The fair is the test's own (the live server is shared by every browser test)."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from matching.fair_plans import SHEETS
from tests.api_city import COUNTY_A, COUNTY_B, persons_of
from tests.browser.checks import check_page, tab_to
from tests.browser.conftest import log_in
from tests.test_api_fairs import FAIR_DAY, open_vacancies, seekers


def candidate_file(folder: Path) -> Path:
    """A CSV of 16 seekers' ID numbers and one number that is not valid."""
    wanted = set(seekers(COUNTY_A, 10) + seekers(COUNTY_B, 6))
    people = persons_of(COUNTY_A).vstack(persons_of(COUNTY_B))
    numbers = [n for i, n in zip(people["id"], people["id_number"], strict=True) if i in wanted]
    path = folder / "求职者名单.csv"
    path.write_text("身份证号\n" + "\n".join(numbers) + "\n3715021990\n", encoding="utf-8")
    return path


def test_organiser_runs_a_fair_from_creation_to_the_excel(page: Page, tmp_path: Path) -> None:
    log_in(page, "organiser")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="招聘会").click()
    expect(page.locator("h1")).to_have_text("招聘会")
    check_page(page, "organiser-fairs")

    page.get_by_role("link", name="新建招聘会").click()
    check_page(page, "organiser-fair-new")
    page.get_by_label("招聘会名称").fill("东昌府区助残就业专场招聘会")
    page.get_by_label("举办地点").fill("东昌府区残疾人综合服务中心一楼大厅")
    page.get_by_label("所属县（市、区）").select_option(COUNTY_A)
    page.get_by_label("无障碍通道").check()
    page.get_by_label("无障碍卫生间").check()
    page.get_by_role("button", name="创建招聘会").click()  # no date yet
    expect(page.get_by_role("alert")).to_contain_text("请填写举办日期")
    expect(page.locator("#f-held_on")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("无障碍通道")).to_be_checked()  # what was chosen stays
    check_page(page, "organiser-fair-new-errors")
    page.get_by_label("举办日期").fill(FAIR_DAY.isoformat())
    page.get_by_role("button", name="创建招聘会").click()
    expect(page.locator("h1")).to_have_text("东昌府区助残就业专场招聘会")
    expect(page.get_by_role("status")).to_contain_text("招聘会已创建")
    check_page(page, "organiser-fair-created")

    vacancies = open_vacancies(COUNTY_A, 5) + open_vacancies(COUNTY_B, 3)
    lines = "\n".join(f"{v} A{i + 1:02d}" for i, v in enumerate(vacancies))
    page.get_by_label("添加或修改参会岗位").fill(lines)
    page.get_by_role("button", name="保存参会岗位").click()
    expect(page.get_by_role("status")).to_contain_text("已添加8个岗位")
    expect(page.get_by_role("table", name=re.compile("参会岗位"))).to_contain_text("A08")

    page.get_by_label("上传求职者名单").set_input_files(candidate_file(tmp_path))
    page.get_by_role("button", name="上传并登记").click()
    expect(page.get_by_role("status")).to_contain_text("新登记16人")
    rejects = page.get_by_role("table", name=re.compile("未能登记的行"))
    expect(rejects).to_contain_text("第18行")
    check_page(page, "organiser-fair-registered")

    page.get_by_label("面试开始时间").fill("09:30")
    page.get_by_role("button", name="开始预匹配").click()
    expect(page.locator("h1")).to_contain_text("招聘会预匹配（后台任务")
    if page.get_by_text("本页每3秒自动刷新").count():  # caught before the job ended
        check_page(page, "organiser-prematch-job-running")
    # the live server's jobs run on a LocalCluster it starts at this first job
    done = page.get_by_role("status").filter(has_text="任务已完成")
    expect(done).to_be_visible(timeout=120_000)
    expect(page.get_by_text("本页每3秒自动刷新")).to_have_count(0)
    check_page(page, "organiser-prematch-job-done")
    tab_to(page, "a[href$='/prematch?done=1']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("预匹配结果")
    expect(page.get_by_role("status")).to_contain_text("预匹配已完成")
    plans = page.get_by_role("table", name=re.compile("求职者面试安排"))
    expect(plans).to_contain_text("已安排面试")
    expect(plans).to_contain_text("09:30–09:50")
    expect(plans).not_to_contain_text(str(persons_of(COUNTY_A)["id_number"][0]))
    check_page(page, "organiser-prematch-candidates")

    page.get_by_role("link", name=re.compile("按展位查看")).click()
    first_booth = page.get_by_role("table", name=re.compile("展位A01"))
    expect(first_booth).to_contain_text("第1位")
    expect(first_booth).to_contain_text(re.compile(r"\d\d:\d\d–\d\d:\d\d"))
    check_page(page, "organiser-prematch-booths")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="下载预匹配结果（Excel）").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == list(SHEETS)

    page.get_by_role("link", name=re.compile("返回东昌府区助残就业专场招聘会")).click()
    expect(page.get_by_role("table", name=re.compile("比较"))).to_contain_text("预匹配（本系统）")
    expect(page.get_by_text("最近一次预匹配任务：已完成")).to_be_visible()
    page.get_by_role("link", name=re.compile("查看预匹配任务")).click()
    expect(page.locator("h1")).to_contain_text("后台任务")
    page.get_by_role("link", name="全部后台任务").click()
    expect(page.get_by_role("table", name=re.compile("后台任务"))).to_contain_text("招聘会预匹配")
    check_page(page, "organiser-jobs")
    page.go_back()
    page.go_back()
    check_page(page, "organiser-fair-prematched")

"""The progress charts: Chinese labels drawn with a CJK font (no empty boxes), an SVG with its
title and text alternative and its words as text, months not begun and groups without a figure
said in words, and the table beside each chart holding the same numbers."""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from matching.progress import Figure, GroupProgress, MeasureProgress, ProgressReport, Unit
from matching.progress.definitions import Reason, not_begun
from matching.progress.targets import TargetLine
from serving.reports.charts import (
    chart_png,
    chart_svg,
    cjk_family,
    groups_chart,
    placements_chart,
)
from serving.reports.content import MonthPoint

TARGET = TargetLine(1200.0, "test", "测试目标", "测试")
NO_DENOMINATOR = Reason("no_denominator", "nobody", "该组没有人员")


def months() -> list[MonthPoint]:
    return [
        MonthPoint(1, 40.0, 40.0, 100.0, None),
        MonthPoint(2, 70.0, 110.0, 200.0, None),
        MonthPoint(3, None, None, 300.0, not_begun(date(2026, 3, 1))),
    ]


def report(groups: list[GroupProgress]) -> ProgressReport:
    measure = MeasureProgress(
        key="newly_employed", name_zh="新增就业人数", name="newly employed", unit=Unit.PERSONS,
        rule_zh="", month=None, year_to_date=Figure(30.0, listed=30), target=None,
        target_reason=None, pace=None, month_link=None, link=None, groups=groups,
    )  # fmt: skip
    return ProgressReport(
        year=2026, month=None, county=None, county_zh="全市", today=date(2026, 2, 28),
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        through=date(2026, 2, 28), complete=False, breakdown="category", working_age=(16, 59),
        plan_note="", plan_note_zh="", measures=[measure],
    )  # fmt: skip


def groups() -> list[GroupProgress]:
    return [
        GroupProgress("1", "视力", None, Figure(12.0, listed=12), None),
        GroupProgress("2", "听力", None, Figure(18.0, listed=18), None),
        GroupProgress("7", "多重", None, Figure(None, reason=NO_DENOMINATOR), None),
    ]


def missing_glyphs(family: str | None) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart_png(placements_chart(months(), TARGET, "全市", 2026), family)
    assert png.startswith(b"\x89PNG")
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.mark.skipif(cjk_family() is None, reason="no CJK font installed (fonts-noto-cjk)")
def test_chinese_labels_are_drawn_with_the_cjk_font_not_as_empty_boxes() -> None:
    assert missing_glyphs(None) == []
    # Without the CJK font matplotlib says each Chinese glyph is missing: the check above can fail.
    assert missing_glyphs("DejaVu Sans")


def test_the_svg_carries_its_title_and_text_alternative_and_words_as_text() -> None:
    spec = placements_chart(months(), TARGET, "全市", 2026)
    svg = chart_svg(spec)
    assert "<svg" in svg and 'role="img"' in svg
    assert f"<title>{spec.title_zh}</title>" in svg
    assert f"<desc>{spec.summary_zh}</desc>" in svg
    assert "截至2月累计110人，进度线应达200人" in spec.summary_zh
    # Text stays text (svg.fonttype none): month names, the legend's words and "not yet begun".
    for word in ("1月", "3月", "累计新增（实线、圆点）", "进度线（虚线、方点）", "未到"):
        assert word in svg, word


def test_the_months_table_holds_the_numbers_and_says_why_one_is_missing() -> None:
    spec = placements_chart(months(), TARGET, "全市", 2026)
    assert spec.headers == ("月份", "当月新增", "累计", "进度线")
    assert spec.rows[0] == ("1月", "40人", "40人", "100人")
    assert spec.rows[1] == ("2月", "70人", "110人", "200人")
    assert spec.rows[2][0] == "3月" and spec.rows[2][1].startswith(
        "无法计算：统计期自2026-03-01开始"
    )
    no_pace = [MonthPoint(p.month, p.value, p.cumulative, None, p.reason) for p in months()]
    without = placements_chart(no_pace, None, "全市", 2026)
    assert "进度线（虚线、方点）" not in chart_svg(without)
    assert without.rows[0][3] == "—" and "未设定目标" in without.summary_zh


def test_a_group_without_a_figure_says_so_instead_of_zero() -> None:
    spec = groups_chart(report(groups()), "category")
    assert spec.title_zh == "全市2026年新增就业人数：按残疾类别"
    assert spec.rows == (("视力", "12人"), ("听力", "18人"), ("多重", "无法计算：该组没有人员"))
    assert "最多的是听力（18人）" in spec.summary_zh
    assert "无法计算" in chart_svg(spec)

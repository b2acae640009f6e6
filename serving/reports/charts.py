"""The progress charts, drawn with matplotlib (Agg, no pyplot state): persons newly employed month
by month against the pace line, and by group (county, disability category).

A chart is a ``ChartSpec``: its Chinese title, a one-sentence text alternative, the table of its
numbers (pages show it beside the chart; the workbook has the same rows on its own sheets) and a
drawing function. ``chart_png`` renders it for Excel, ``chart_svg`` for the pages: text stays text
(``svg.fonttype`` none, so it is small and the reader's CJK font draws it) and the SVG carries a
``<title>`` and ``<desc>``. Nothing is told by colour alone: bars, a solid line with round marks and
a dashed line with square marks, a legend that names each, and the figures written on the bars.

Chinese labels need a CJK font: ``cjk_family`` looks for one installed (fonts-noto-cjk on Debian,
installed by .ci/install-browser); without one the PNG would show empty boxes, so a warning says
what to install, and the charts still render.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO, StringIO
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from matching.progress import ProgressReport, TargetLine
from serving.reports.content import BREAKDOWN_ZH, PLACEMENTS, MonthPoint

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FAMILIES",
    "ChartSpec",
    "chart_png",
    "chart_svg",
    "cjk_family",
    "groups_chart",
    "number_zh",
    "placements_chart",
]

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)
"""CJK sans-serif families, preferred first (the pages' CSS font stack, plus Linux fonts)."""
# Dark, print-safe colours; each series also differs in shape (bar, solid, dashed).
BAR = "#5b7fa6"
LINE = "#1d3557"
PACE = "#9a3412"
DPI = 120


@dataclass(frozen=True)
class ChartSpec:
    """A chart and its text alternative: ``headers``/``rows`` are its numbers as a table."""

    key: str
    title_zh: str
    summary_zh: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    draw: Callable[[Figure], None]
    size: tuple[float, float] = (8.0, 5.0)


@cache
def cjk_family() -> str | None:
    """The first installed family of ``CJK_FAMILIES``; None (and a warning) when none is."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FAMILIES if name in installed), None)
    if found is None:
        log.warning("no CJK font found: chart labels will not render (install fonts-noto-cjk)")
    return found


def number_zh(value: float | None, unit: str = "人") -> str:
    """A count as the office writes it (1,234人); "—" for none."""
    return "—" if value is None else f"{round(value):,}{unit}"


def placements_chart(
    months: Sequence[MonthPoint], target: TargetLine | None, scope_zh: str, year: int
) -> ChartSpec:
    """Persons newly employed in each month (bars), their running total (solid line) and the
    pace line of the year's target (dashed), January to the period's end."""
    title = f"{scope_zh}{year}年新增就业人数：逐月与进度线"
    counted = [p for p in months if p.cumulative is not None]
    last = counted[-1] if counted else None
    if last is None:
        summary = f"{title}。各月均无法计算：{_reason_zh(months[0].reason)}"
    else:
        pace = f"，进度线应达{number_zh(last.pace)}" if last.pace is not None else "，未设定目标"
        summary = f"{title}。截至{last.month}月累计{number_zh(last.cumulative)}{pace}。"
    if target is not None:
        summary += f"全年目标{number_zh(target.value)}。"
    rows = tuple(
        (
            f"{p.month}月",
            number_zh(p.value) if p.value is not None else _why(p),
            number_zh(p.cumulative),
            number_zh(p.pace),
        )
        for p in months
    )

    def draw(figure: Figure) -> None:
        # Two panels sharing the months: the running total against the pace line above, the
        # month's own figure below (on one axis the months' bars would vanish under the line).
        above, below = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        x = [p.month for p in months]
        known = [p for p in months if p.cumulative is not None]
        above.plot(
            [p.month for p in known],
            [p.cumulative for p in known],
            color=LINE,
            marker="o",
            linewidth=2,
            label="累计新增（实线、圆点）",
        )
        if target is not None:
            above.plot(
                x,
                [p.pace for p in months],
                color=PACE,
                marker="s",
                linestyle="--",
                linewidth=2,
                label="进度线（虚线、方点）",
            )
        above.set_ylabel("累计人数")
        above.set_ylim(bottom=0)
        above.legend(loc="upper left", frameon=False)
        bars = below.bar(x, [p.value or 0.0 for p in months], color=BAR, width=0.6)
        labels = [number_zh(p.value, "") if p.value is not None else _short(p) for p in months]
        below.bar_label(bars, labels=labels, padding=2, fontsize=9)
        below.set_ylabel("当月新增")
        below.margins(y=0.3)
        below.set_xticks(x, [f"{m}月" for m in x])

    return ChartSpec(
        "placements_by_month", title, summary, ("月份", "当月新增", "累计", "进度线"), rows, draw
    )


def groups_chart(report: ProgressReport, breakdown: str) -> ChartSpec:
    """Persons newly employed in the period (year to date) per group of ``breakdown``; a group
    whose figure cannot be computed says so on the chart and in the table."""
    measure = report.measure(PLACEMENTS)
    group_zh = BREAKDOWN_ZH[breakdown]
    title = f"{report.county_zh}{_period_zh(report)}新增就业人数：按{group_zh}"
    groups = measure.groups
    rows = tuple(
        (
            g.label_zh,
            number_zh(g.year_to_date.value)
            if g.year_to_date.value is not None
            else _reason_zh(g.year_to_date.reason),
        )
        for g in groups
    )
    known = [g for g in groups if g.year_to_date.value is not None]
    if known:
        top = max(known, key=lambda g: g.year_to_date.value or 0.0)
        summary = f"{title}。最多的是{top.label_zh}（{number_zh(top.year_to_date.value)}）。"
    else:
        summary = f"{title}。无法计算。"

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        names = [g.label_zh for g in groups][::-1]
        values = [g.year_to_date.value for g in groups][::-1]
        bars = axes.barh(names, [v or 0.0 for v in values], color=BAR, height=0.6)
        axes.bar_label(
            bars,
            labels=[number_zh(v, "") if v is not None else "无法计算" for v in values],
            padding=3,
            fontsize=9,
        )
        axes.set_xlabel("人数（年初至今）")
        axes.margins(x=0.15)

    height = max(2.5, 0.45 * len(groups) + 1.2)
    return ChartSpec(
        f"placements_by_{breakdown}", title, summary, (group_zh, "新增就业"), rows, draw,
        (8.0, height),
    )  # fmt: skip


def chart_png(spec: ChartSpec, family: str | None = None) -> bytes:
    """The chart as PNG bytes (for the workbook); ``family`` overrides the CJK font found."""
    buffer = BytesIO()
    _render(spec, family, buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def chart_svg(spec: ChartSpec) -> str:
    """The chart as an SVG document with ``<title>`` and ``<desc>`` (for the pages)."""
    buffer = StringIO()
    _render(spec, None, buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    opening = re.search(r"<svg\b[^>]*>", text)
    assert opening is not None
    label = f"<title>{escape(spec.title_zh)}</title><desc>{escape(spec.summary_zh)}</desc>"
    tag = opening.group(0)[:-1] + ' role="img">'
    return text[: opening.start()] + tag + label + text[opening.end() :]


def _render(spec: ChartSpec, family: str | None, out: BytesIO | StringIO, **save: Any) -> None:
    """Draw and save inside one rc context: the SVG writer reads its settings when saving."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    chosen = family or cjk_family()
    fonts = [chosen, "DejaVu Sans"] if chosen else ["DejaVu Sans"]
    with rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": fonts,
            "axes.unicode_minus": False,
            "svg.fonttype": "none",
            "svg.hashsalt": "jobmatch",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=spec.size, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(spec.title_zh, x=0.01, horizontalalignment="left", fontsize=12)
        spec.draw(figure)
        figure.savefig(out, **save)


def _short(point: MonthPoint) -> str:
    """What a month without a figure shows on its bar: not yet begun, or cannot be computed."""
    begun = point.reason is None or point.reason.code != "period_not_begun"
    return "无法计算" if begun else "未到"


def _why(point: MonthPoint) -> str:
    return _reason_zh(point.reason)


def _reason_zh(reason: Any) -> str:
    return f"无法计算：{reason.message_zh}" if reason is not None else "—"


def _period_zh(report: ProgressReport) -> str:
    if report.month:
        return f"{report.year}年1—{report.month}月"
    return f"{report.year}年"

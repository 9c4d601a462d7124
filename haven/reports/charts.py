"""Charts of the report as server-side SVG: one code path for the web page and the PDF.

Plain string building: every label is escaped, presentation attributes only (no ``style``,
no script), a fixed viewBox, ``role="img"`` with a title and a description. Colours differ in
lightness as well as hue, so that a chart printed in black and white still reads; a second
line series is also dashed. A suppressed value (``"<5"``, a count from 1 to 4 hidden for the
national picture) is drawn hatched at its upper bound, 4, and labelled ``<5``.
"""

import itertools
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SUPPRESSED = "<5"
# A suppressed count lies between 1 and 4: drawn at its upper bound.
SUPPRESSED_DRAWN = 4

Value = int | float | str | None

WIDTH = 640
FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
INK = "#222222"
GRID = "#c8c8c8"
# Alternating dark and light, so that neighbours in a stack differ in greyscale too.
PALETTE = (
    "#08306b",
    "#f0a202",
    "#2a9d8f",
    "#f4a6b7",
    "#5c2a7a",
    "#9ecae1",
    "#7f4f24",
    "#f6d55c",
    "#3d3d3d",
    "#b8e0b0",
)
LINE_DASHES = ("", "6 4", "2 3", "10 3 2 3")
LEGEND_COLUMNS = 3
LABEL_CHARACTERS = 30


def _e(text: object) -> str:
    """Text for XML content or a double-quoted attribute."""
    return escape(str(text), quote=True)


def _short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _is_suppressed(value: Value) -> bool:
    return value == SUPPRESSED


def _drawn(value: Value) -> float | None:
    """The height a value is drawn at: None for no value (a gap)."""
    if _is_suppressed(value):
        return SUPPRESSED_DRAWN
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def number(value: Value, *, percent: bool = False) -> str:
    """A value as the charts and tables show it: grouped digits, one decimal for a
    non-integer, a rate as a percentage, ``<5`` as such, nothing measured as a dash."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if percent:
        # Through the decimal text, so that 0.6285 shows 62.9 % as a reader rounds it.
        hundredths = Decimal(str(value)).scaleb(2).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{formats.number_format(hundredths, 1, force_grouping=True)}\u00a0%"
    if isinstance(value, float):
        return str(formats.number_format(value, 1, force_grouping=True))
    return str(formats.number_format(value, force_grouping=True))


def _nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most ``ticks`` steps."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _scale_top(values: Sequence[float], *, integers: bool) -> tuple[float, float]:
    top = max([v for v in values if v is not None] or [0.0])
    if top <= 0:
        top = 1.0
    step = _nice_step(top)
    if integers:
        step = max(1.0, math.ceil(step))
    return step * math.ceil(top / step), step


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="haven-chart" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{_e(chart_id)}-t {_e(chart_id)}-d" {FONT} '
        f'font-size="12" fill="{INK}">',
        f'<title id="{_e(chart_id)}-t">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-d">{_e(desc)}</desc>',
        f'<defs><pattern id="{_e(chart_id)}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern></defs>',
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text went through _e


def _empty(chart_id: str, title: str, desc: str) -> SafeString:
    parts = _open(chart_id, title, desc, 60)
    parts.append(f'<text x="{WIDTH / 2:.0f}" y="34" text-anchor="middle">{_e(_("No data"))}</text>')
    return _close(parts)


def _legend(
    parts: list[str], chart_id: str, items: Sequence[tuple[str, str, str]], top: float
) -> float:
    """Swatches with labels in rows below the plot; returns the height used. An item is
    (label, fill, dash): a dash draws a line sample instead of a box."""
    column = (WIDTH - 32) / LEGEND_COLUMNS
    for index, (label, fill, dash) in enumerate(items):
        x = 16 + (index % LEGEND_COLUMNS) * column
        y = top + (index // LEGEND_COLUMNS) * 20
        if dash is None or dash == "box":
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="12" fill="{_e(fill)}" '
                f'stroke="{INK}" stroke-width="0.5"/>'
            )
        else:
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y + 6:.1f}" x2="{x + 14:.1f}" y2="{y + 6:.1f}" '
                f'stroke="{_e(fill)}" stroke-width="2.5"{dashing}/>'
            )
        parts.append(f'<text x="{x + 20:.1f}" y="{y + 11:.1f}">{_e(_short(label))}</text>')
    rows = math.ceil(len(items) / LEGEND_COLUMNS)
    return rows * 20


def _hatch_legend(chart_id: str) -> tuple[str, str, str]:
    return (_("fewer than 5 (hidden)"), f"url(#{chart_id}-hatch)", "box")


class _Frame:
    """The plot area of a chart with years along the x axis and counts up the y axis."""

    left, right, top, height = 56.0, 16.0, 22.0, 200.0

    def __init__(self, years: Sequence[str], top_value: float, step: float, percent: bool):
        self.years = list(years)
        self.top_value, self.step, self.percent = top_value, step, percent
        self.width = WIDTH - self.left - self.right
        self.slot = self.width / max(1, len(self.years))

    def x(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)

    def y(self, value: float) -> float:
        return self.top + self.height - value / self.top_value * self.height

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def axes(self, parts: list[str]) -> None:
        ticks = round(self.top_value / self.step)
        for tick in range(ticks + 1):
            value = tick * self.step
            y = self.y(value)
            parts.append(
                f'<line x1="{self.left:.1f}" y1="{y:.1f}" x2="{WIDTH - self.right:.1f}" '
                f'y2="{y:.1f}" stroke="{GRID}" stroke-width="{1 if tick else 1.5}"/>'
            )
            label = f"{number(round(value * 100))}\u00a0%" if self.percent else number(round(value))
            parts.append(
                f'<text x="{self.left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">'
                f"{_e(label)}</text>"
            )
        every = max(1, math.ceil(len(self.years) / 12))
        for index, year in enumerate(self.years):
            if index % every and index != len(self.years) - 1:
                continue
            parts.append(
                f'<text x="{self.x(index):.1f}" y="{self.bottom + 16:.1f}" '
                f'text-anchor="middle">{_e(year)}</text>'
            )


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[tuple[str, dict[str, Value]]],
    percent: bool = False,
) -> SafeString:
    """One or more series over years: ``series`` is [(label, {year: value})]. A gap where a
    value is None; a suppressed point hollow, at 4, labelled ``<5``, joined by dashes."""
    years = sorted({year for _label, values in series for year in values})
    if not years:
        return _empty(chart_id, title, desc)
    drawn = [_drawn(v) for _label, values in series for v in values.values()]
    known = [v for v in drawn if v is not None]
    top_value, step = _percent_scale(known) if percent else _scale_top(known, integers=True)
    frame = _Frame(years, top_value, step, percent)
    legend = len(series) > 1
    suppressed = any(_is_suppressed(v) for _label, values in series for v in values.values())
    items = (
        [
            (label, PALETTE[i * 2 % len(PALETTE)], LINE_DASHES[i % 4])
            for i, (label, _v) in enumerate(series)
        ]
        if legend
        else []
    )
    if suppressed:
        items.append(_hatch_legend(chart_id))
    legend_height = math.ceil(len(items) / LEGEND_COLUMNS) * 20
    parts = _open(chart_id, title, desc, frame.bottom + 28 + legend_height + (8 if items else 0))
    frame.axes(parts)
    for number_, (_label, values) in enumerate(series):
        colour = PALETTE[number_ * 2 % len(PALETTE)]
        dash = LINE_DASHES[number_ % 4]
        points = [(i, values.get(year)) for i, year in enumerate(years)]
        for (i, a), (j, b) in itertools.pairwise(points):
            ya, yb = _drawn(a), _drawn(b)
            if ya is None or yb is None:
                continue
            dashing = dash or ("3 3" if _is_suppressed(a) or _is_suppressed(b) else "")
            dash_attr = f' stroke-dasharray="{dashing}"' if dashing else ""
            parts.append(
                f'<line x1="{frame.x(i):.1f}" y1="{frame.y(ya):.1f}" x2="{frame.x(j):.1f}" '
                f'y2="{frame.y(yb):.1f}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        for i, value in points:
            y = _drawn(value)
            if y is None:
                continue
            if _is_suppressed(value):
                parts.append(
                    f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(y):.1f}" r="4" '
                    f'fill="url(#{_e(chart_id)}-hatch)" stroke="{colour}" stroke-width="1.5"/>'
                    f'<text x="{frame.x(i):.1f}" y="{frame.y(y) - 8:.1f}" text-anchor="middle" '
                    f'font-size="10">{_e(SUPPRESSED)}</text>'
                )
            else:
                parts.append(
                    f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(y):.1f}" r="3" fill="{colour}"/>'
                )
    if len(years) <= 12 and len(series) == 1:
        values = series[0][1]
        for i, year in enumerate(years):
            value = values.get(year)
            y = _drawn(value)
            if y is None or _is_suppressed(value):
                continue
            parts.append(
                f'<text x="{frame.x(i):.1f}" y="{frame.y(y) - 8:.1f}" text-anchor="middle" '
                f'font-size="10">{_e(number(value, percent=percent))}</text>'
            )
    if items:
        _legend(parts, chart_id, items, frame.bottom + 32)
    return _close(parts)


def _percent_scale(values: Sequence[float]) -> tuple[float, float]:
    """The scale of rates (0 to 1) in round percentages, up to 100 % for rates up to 1."""
    top = max([*values, 0.0])
    if top <= 0:
        return 1.0, 0.25
    top_value, step = _scale_top([top * 100], integers=True)
    if top <= 1 and top_value > 100:
        top_value, step = 100.0, 25.0
    return top_value / 100, step / 100


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    years: Sequence[str],
    stacks: Sequence[tuple[str, dict[str, Value]]],
) -> SafeString:
    """Vertical bars per year, stacked when there is more than one series: ``stacks`` is
    [(label, {year: value})], bottom first. A suppressed segment is hatched, at 4."""
    if not years:
        return _empty(chart_id, title, desc)
    totals = [sum(_drawn(values.get(year)) or 0.0 for _label, values in stacks) for year in years]
    top_value, step = _scale_top(totals, integers=True)
    frame = _Frame(years, top_value, step, False)
    suppressed = any(_is_suppressed(v) for _label, values in stacks for v in values.values())
    items: list[tuple[str, str, str]] = []
    if len(stacks) > 1:
        items = [(label, PALETTE[i % len(PALETTE)], "box") for i, (label, _v) in enumerate(stacks)]
    if suppressed:
        items.append(_hatch_legend(chart_id))
    legend_height = math.ceil(len(items) / LEGEND_COLUMNS) * 20
    parts = _open(chart_id, title, desc, frame.bottom + 28 + legend_height + (8 if items else 0))
    frame.axes(parts)
    bar = min(48.0, frame.slot * 0.7)
    for i, year in enumerate(years):
        base = 0.0
        labels_suppressed = False
        for number_, (_label, values) in enumerate(stacks):
            value = values.get(year)
            height = _drawn(value)
            if not height:
                continue
            fill = (
                f"url(#{_e(chart_id)}-hatch)"
                if _is_suppressed(value)
                else PALETTE[number_ % len(PALETTE)]
            )
            labels_suppressed = labels_suppressed or _is_suppressed(value)
            y_top = frame.y(base + height)
            parts.append(
                f'<rect x="{frame.x(i) - bar / 2:.1f}" y="{y_top:.1f}" width="{bar:.1f}" '
                f'height="{frame.y(base) - y_top:.1f}" fill="{fill}" stroke="#ffffff" '
                f'stroke-width="0.75"/>'
            )
            base += height
        if len(years) <= 15:
            if len(stacks) == 1:
                label = number(stacks[0][1].get(year))
            else:
                label = SUPPRESSED if labels_suppressed and not base else ""
                if not labels_suppressed:
                    label = number(int(base)) if base else ""
            if label:
                parts.append(
                    f'<text x="{frame.x(i):.1f}" y="{frame.y(base) - 4:.1f}" '
                    f'text-anchor="middle" font-size="10">{_e(label)}</text>'
                )
    if items:
        _legend(parts, chart_id, items, frame.bottom + 32)
    return _close(parts)


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Value]],
    total: int | None = None,
) -> SafeString:
    """Horizontal bars for a breakdown, each with its value and, given the total, its
    share. ``rows`` is [(label, value)] in the order shown."""
    if not rows:
        return _empty(chart_id, title, desc)
    label_width, row_height, top = 220.0, 22.0, 8.0
    value_width = 110.0
    plot = WIDTH - label_width - value_width - 16
    drawn = [_drawn(v) or 0.0 for _label, v in rows]
    top_value = max([*drawn, 1.0])
    suppressed = any(_is_suppressed(v) for _label, v in rows)
    legend_height = 28.0 if suppressed else 0.0
    parts = _open(chart_id, title, desc, top + row_height * len(rows) + 8 + legend_height)
    axis_x = label_width + 8
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        parts.append(
            f'<text x="{label_width:.1f}" y="{y + 15:.1f}" text-anchor="end">'
            f"{_e(_short(label, 34))}</text>"
        )
        length = (_drawn(value) or 0.0) / top_value * plot
        fill = f"url(#{_e(chart_id)}-hatch)" if _is_suppressed(value) else PALETTE[0]
        if length:
            parts.append(
                f'<rect x="{axis_x:.1f}" y="{y + 4:.1f}" width="{length:.1f}" height="14" '
                f'fill="{fill}" stroke="{INK}" stroke-width="0.5"/>'
            )
        text = number(value)
        if total and isinstance(value, int) and not isinstance(value, bool):
            text = f"{text} ({number(value / total, percent=True)})"
        parts.append(f'<text x="{axis_x + length + 6:.1f}" y="{y + 15:.1f}">{_e(text)}</text>')
    bottom = top + row_height * len(rows)
    parts.append(
        f'<line x1="{axis_x:.1f}" y1="{top:.1f}" x2="{axis_x:.1f}" y2="{bottom:.1f}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    if suppressed:
        _legend(parts, chart_id, [_hatch_legend(chart_id)], bottom + 12)
    return _close(parts)

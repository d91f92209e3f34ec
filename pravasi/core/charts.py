"""Bar charts drawn on the server: the geometry of an inline SVG (bars, labels, axis ticks) and the data table that follows it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# One coordinate system for every chart: the SVG scales to its container (width 100%), so text stays
# legible from a 360 px phone (about 0.8 of this size) to a half-width column at 1280 px (about 1.4).
WIDTH = 360
FONT = 14
SMALL = 13
TEXT = "#212529"
AXIS = "#6c757d"
GRID = "#dee2e6"
# Fills have at least 3:1 contrast against white (non-text contrast); numbers are printed beside the
# bars in dark text, never on them, so no text sits on a coloured fill.
BLUE = "#0a58ca"
GREY = "#495057"
RED = "#b02a37"
AMBER = "#a15c07"
GREEN = "#146c43"
PLOT_HEIGHT = 200
CHAR = 0.56  # average glyph width as a share of the font size, to fit labels without measuring text


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    fill: str = BLUE
    fills: Sequence[str] = ()  # one per bar, when each bar has a meaning of its own (red, amber, green)

    def fill_at(self, index: int) -> str:
        return self.fills[index] if index < len(self.fills) else self.fill


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int = 0
    rects: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    table_headings: list[str] = field(default_factory=list)
    table_rows: list[list] = field(default_factory=list)

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:,.2f}"


def _r(value: float) -> float:
    return round(value, 1)


def ticks(top: float, *, most: int = 5, whole: bool = True) -> list[float]:
    """Axis values from 0 to at least `top` in steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, round(step))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _fit(label: str, room: float, size: int = FONT) -> str:
    most = max(4, int(room / (size * CHAR)))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _lines(label: str, room: float) -> list[str]:
    """A label on one line, or on two split at a space when one is too narrow (then cut if still too long)."""
    if len(label) * FONT * CHAR <= room or " " not in label:
        return [_fit(label, room)]
    words = label.split(" ")
    best = min(range(1, len(words)), key=lambda k: max(len(" ".join(words[:k])), len(" ".join(words[k:]))))
    return [_fit(" ".join(words[:best]), room), _fit(" ".join(words[best:]), room)]


def _describe(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    parts = []
    for i, label in enumerate(labels):
        if len(series) == 1:
            parts.append(f"{label}: {_number(series[0].values[i])}")
        else:
            parts.append(f"{label}: " + ", ".join(f"{s.name} {_number(s.values[i])}" for s in series))
    return f"{title}. " + "; ".join(parts) + "." if parts else title


def _legend(chart: Chart, series: Sequence[Series], y: float) -> float:
    """A row of swatches and names above the plot; returns the height it takes."""
    if len(series) < 2:
        return 0
    x = 0.0
    for s in series:
        chart.rects.append({"x": _r(x), "y": _r(y), "width": SMALL, "height": SMALL, "fill": s.fill})
        chart.texts.append({"x": _r(x + SMALL + 4), "y": _r(y + SMALL - 1), "anchor": "start", "size": SMALL, "text": s.name})
        x += SMALL + 4 + len(s.name) * SMALL * CHAR + 16
    return SMALL + 10


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label_heading: str,
    horizontal: bool = False,
    description: str = "",
    label_every: int = 1,
    whole: bool = True,
) -> Chart:
    """The geometry of a bar chart: vertical bars (grouped when there are several series) or horizontal
    bars with each label above its bar (so long labels fit on a phone). `description` goes into the
    SVG's <desc> before a sentence listing every value; the same values fill the table."""
    labels = [str(label) for label in labels]
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(labels)} labels")
    summary = _describe(title, labels, series)
    chart = Chart(id=chart_id, title=title, description=f"{description} {summary}".strip() if description else summary, width=WIDTH)
    chart.table_headings = [label_heading, *[s.name for s in series]]
    chart.table_rows = [[label, *[_number(s.values[i]) for s in series]] for i, label in enumerate(labels)]
    top = max((float(v) for s in series for v in s.values), default=0)
    if horizontal:
        _horizontal(chart, labels, series, top)
    else:
        _vertical(chart, labels, series, ticks(top, whole=whole), max(1, label_every))
    return chart


def _vertical(chart: Chart, labels: list[str], series: Sequence[Series], axis: list[float], label_every: int) -> None:
    legend = _legend(chart, series, 0)
    tick_room = max(len(_number(t)) for t in axis) * SMALL * CHAR + 8
    left, top = tick_room, legend + SMALL + 8  # room above the highest bar for its number
    plot_width = WIDTH - left - 4
    bottom = top + PLOT_HEIGHT
    scale = PLOT_HEIGHT / axis[-1]
    for value in axis:
        y = bottom - value * scale
        chart.lines.append({"x1": _r(left), "y1": _r(y), "x2": WIDTH, "y2": _r(y), "stroke": GRID if value else AXIS})
        chart.texts.append({"x": _r(left - 6), "y": _r(y + SMALL / 3), "anchor": "end", "size": SMALL, "text": _number(value)})
    group = plot_width / max(1, len(labels))
    bar = group * 0.7 / len(series)
    numbered = bar >= SMALL * 1.6  # below that, numbers would overlap: the table carries them
    lines = 1
    for i, label in enumerate(labels):
        start = left + i * group + group * 0.15
        for j, s in enumerate(series):
            value = float(s.values[i])
            height = value * scale
            x = start + j * bar
            if height > 0:
                chart.rects.append({"x": _r(x + 1), "y": _r(bottom - height), "width": _r(max(bar - 2, 1)), "height": _r(height), "fill": s.fill_at(i)})
            if numbered:
                chart.texts.append({"x": _r(x + bar / 2), "y": _r(bottom - height - 4), "anchor": "middle", "size": SMALL, "text": _number(value)})
        if i % label_every == 0:
            for n, line in enumerate(_lines(label, group * label_every)):
                chart.texts.append({"x": _r(left + i * group + group / 2), "y": _r(bottom + (FONT + 3) * (n + 1)), "anchor": "middle", "size": FONT, "text": line})
                lines = max(lines, n + 1)
    chart.height = int(bottom + (FONT + 3) * lines + 8)


def _horizontal(chart: Chart, labels: list[str], series: Sequence[Series], top: float) -> None:
    y = _legend(chart, series, 0)
    bar_height = 18 if len(series) == 1 else 12
    number_room = len(_number(top)) * SMALL * CHAR + 8
    plot_width = WIDTH - number_room
    scale = plot_width / top if top > 0 else 0
    for i, label in enumerate(labels):
        y += FONT + 2
        chart.texts.append({"x": 0, "y": _r(y), "anchor": "start", "size": FONT, "text": _fit(label, WIDTH)})
        y += 4
        for s in series:
            value = float(s.values[i])
            width = value * scale
            if width > 0:
                chart.rects.append({"x": 0, "y": _r(y), "width": _r(max(width, 1)), "height": bar_height, "fill": s.fill_at(i)})
            chart.texts.append({"x": _r(width + 4), "y": _r(y + bar_height / 2 + SMALL / 3), "anchor": "start", "size": SMALL, "text": _number(value)})
            y += bar_height + 2
        y += 8
    chart.height = int(y)

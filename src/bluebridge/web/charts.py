"""Bar charts for the portal's dashboards, laid out in Python and drawn as inline SVG by the
templates (no script, so the portal's CSP holds): a chart is a box of bars, each with its
label and figure, mirrored right to left in Arabic. The review dashboard of notices and the
I-GRIP dashboard draw theirs from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["BAR_HEIGHT", "CHART_WIDTH", "ROW_HEIGHT", "Bar", "Chart", "bar_chart"]

CHART_WIDTH = 480
ROW_HEIGHT = 34
BAR_HEIGHT = 14
BAR_COLOUR = "#1d4e89"


@dataclass
class Bar:
    """One bar of a chart, laid out in the chart's box (right to left in Arabic)."""

    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    colour: str = BAR_COLOUR


@dataclass
class Chart:
    id: str
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    target_x: float | None = None  # a target's line, for the time to decision
    target_text: str = ""
    axis: list[tuple[float, str]] = field(default_factory=list)  # a column chart's dates


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, str]],
    rtl: bool,
    colours: Sequence[str] = (),
) -> Chart:
    """Horizontal bars, one a row: the label above its bar, the figure at its end."""
    top = max((value for _label, value, _text in rows), default=0) or 1
    chart = Chart(chart_id, title, CHART_WIDTH, max(1, len(rows)) * ROW_HEIGHT)
    span = CHART_WIDTH - 80
    for index, (label, value, text) in enumerate(rows):
        width = max(1.0, span * value / top) if value else 0.0
        y = index * ROW_HEIGHT
        x = CHART_WIDTH - width if rtl else 0.0
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                text=text,
                x=round(x, 1),
                y=y + 16,
                width=round(width, 1),
                height=BAR_HEIGHT,
                label_x=CHART_WIDTH if rtl else 0,
                label_y=y + 12,
                colour=colours[index] if index < len(colours) else BAR_COLOUR,
            )
        )
    return chart

"""A ``Chart`` block drawn: SVG for the HTML page, PNG for the PDF (Markdown keeps only the data table).

matplotlib draws it, imported here and only when a document has a chart,
on its Agg canvas through the object API (a ``Figure`` of its own, never
pyplot): no global figure list to leak between documents, no GUI backend,
safe in a collector that renders several reports. Every text uses the same
CJK font as the PDF (``dcmaint.forms.fonts``: the one configured, else the
one shipped), so a Chinese label is drawn, not boxed, on any machine.

The SVG carries its text as outlines (``svg.fonttype`` "path"): the reader's
browser needs no Chinese font, and the figures stay readable to screen
readers and search in the data table that always follows the chart. The
output is deterministic (no date in the metadata, ids from a fixed salt),
so the same report renders to the same bytes and tests can compare them.
The title is not drawn into the chart: every format prints it as text above
(HTML's ``<figcaption>``, a row of the PDF's grid), where it can be searched
and read aloud.
"""

from __future__ import annotations

from io import BytesIO, StringIO
from typing import TYPE_CHECKING

from dcmaint.forms.content import Chart
from dcmaint.forms.fonts import CjkFont

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN = 6.7  # 170 mm: the PDF's text width less a margin
HEIGHT_IN = 2.3
PNG_DPI = 200  # sharp when printed, small enough to keep a report's PDF light
COLOURS = ("#3b6ea5", "#e08a2c", "#5a9e4b", "#b8474a", "#7d68a8", "#8c8c8c")
HASH_SALT = "dcmaint"  # fixed: the ids in the SVG do not change between runs
INK = "#333333"


def _plain(text: str) -> str:
    """A label as text: a ``$`` would otherwise start matplotlib's math mode (a customer named "A$B")."""
    return text.replace("$", r"\$")


def _figure(chart: Chart, font: CjkFont) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    face = FontProperties(fname=str(font.path), size=8)
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(chart.categories)))
    count = max(len(chart.series), 1)
    group = 0.8 if len(chart.categories) > 3 else 0.5  # a few categories: bars, not slabs
    width = group / count
    for index, (name, values) in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        if chart.kind == "bar":
            offsets = [p - group / 2 + width * (index + 0.5) for p in positions]
            bars = axes.bar(offsets, values, width, label=_plain(name), color=colour)
            labels = axes.bar_label(bars, fmt="%g", padding=1, color=INK)
            for label in labels:
                label.set_fontproperties(face)
        else:
            axes.plot(positions, values, marker="o", label=_plain(name), color=colour)
            for x, y in zip(positions, values, strict=True):
                axes.annotate(
                    f"{y:g}",
                    (x, y),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    fontproperties=face,
                    color=INK,
                )
    axes.set_xticks(positions, [_plain(c) for c in chart.categories])
    for tick in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        tick.set_fontproperties(face)
    if chart.unit:
        axes.set_ylabel(_plain(chart.unit), fontproperties=face, color=INK)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    values = [v for _name, series in chart.series for v in series]
    axes.set_ylim(bottom=min([0.0, *values]))  # counts and shares start at zero: bars are compared by height
    axes.margins(x=0.08, y=0.18)  # room for the value above the highest point
    if all(float(v).is_integer() for v in values):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # tickets: no 2.5 on the axis
    if len(chart.series) > 1:
        axes.legend(prop=face, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure


def svg(chart: Chart, font: CjkFont) -> str:
    """The chart as an ``<svg>`` element to inline in an HTML page (no XML prolog, no doctype)."""
    from matplotlib import rc_context

    buffer = StringIO()
    with rc_context({"svg.fonttype": "path", "svg.hashsalt": HASH_SALT}):
        _figure(chart, font).savefig(buffer, format="svg", metadata={"Date": None, "Creator": "dcmaint"})
    text = buffer.getvalue()
    return text[text.index("<svg") :].strip()


def png(chart: Chart, font: CjkFont) -> bytes:
    """The chart as a PNG image for the PDF, ``WIDTH_IN`` x ``HEIGHT_IN`` at ``PNG_DPI``."""
    buffer = BytesIO()
    _figure(chart, font).savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": "dcmaint"})
    return buffer.getvalue()


def size_mm(width_mm: float) -> tuple[float, float]:
    """The drawn size of a chart ``width_mm`` wide, keeping the figure's proportions."""
    return width_mm, width_mm * HEIGHT_IN / WIDTH_IN

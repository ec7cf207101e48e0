"""A chart block in every format of the document pipeline: drawn or not, its figures are always readable."""

from __future__ import annotations

import pytest

from dcmaint.forms.content import Chart, Section, Sheet
from dcmaint.forms.html import to_html
from dcmaint.forms.markdown import to_markdown


def _sheet(chart: Chart) -> Sheet:
    return Sheet(
        "zh",
        "巡检报告",
        "R-12",
        "巡检",
        "时区：Asia/Shanghai",
        "第 {page} 页，共 {pages} 页",
        (Section("健康评估", (chart,)),),
    )


def test_a_chart_shows_its_figures_as_a_table_in_markdown_and_html() -> None:
    chart = Chart("各系统健康分", "bar", ("服务器", "存储"), (("本次", (92.0, 78.5)), ("上次", (90.0, 81.0))), "分")
    markdown = to_markdown(_sheet(chart)).decode()
    assert "**各系统健康分**" in markdown and "| 服务器 | 92 | 90 |" in markdown and "| 存储 | 78.5 | 81 |" in markdown
    assert "本次 (分)" in markdown
    assert "<td>78.5</td>" in to_html(_sheet(chart)).decode()


def test_a_chart_whose_series_do_not_fit_its_categories_is_a_bug_of_the_caller() -> None:
    with pytest.raises(ValueError, match="2 categories"):
        Chart("x", "bar", ("a", "b"), (("s", (1.0,)),))
    with pytest.raises(ValueError, match="kind"):
        Chart("x", "pie", ("a",), (("s", (1.0,)),))


BAR = Chart(
    "各系统健康分", "bar", ("服务器", "存储"), (("本次", (92.0, 78.5)), ("上次", (90.0, 81.0))), "分", axis="系统"
)
TREND = Chart("近六个月工单", "line", ("2026-09", "2026-10"), (("报修", (3.0, 5.0)),), axis="月份")


def test_a_chart_is_drawn_the_same_every_time_in_the_cjk_font():
    from dcmaint.forms.charts import png, svg
    from dcmaint.forms.fonts import cjk_font

    font = cjk_font()
    drawn = svg(BAR, font)
    assert drawn.startswith("<svg") and drawn.endswith("</svg>")  # inlined in HTML: no XML prolog, no doctype
    assert drawn == svg(BAR, font) and png(BAR, font) == png(BAR, font)  # no date, no random ids
    assert "<!-- 服务器 -->" in drawn and "<!-- 本次 -->" in drawn  # labels drawn as outlines of the CJK font
    assert "DejaVu" not in drawn  # nothing fell back to matplotlib's Latin-only font
    assert "<dc:date>" not in drawn
    assert png(TREND, font).startswith(b"\x89PNG\r\n\x1a\n")


def test_a_dollar_in_a_label_is_a_dollar_not_math():
    from dcmaint.forms.charts import svg
    from dcmaint.forms.fonts import cjk_font

    chart = Chart("x", "bar", ("A$B$C",), (("$1", (1.0,)), ("s", (2.0,))))
    assert "<!-- A$B$C -->" in svg(chart, cjk_font())


def test_html_inlines_the_chart_then_its_table_and_markdown_keeps_the_table():
    page = to_html(_sheet(BAR)).decode()
    figure = page.index('<figure class="chart"')
    assert page.index("<figcaption>各系统健康分</figcaption>") > figure
    assert page.index("<svg", figure) < page.index("<th>系统</th>") < page.index("<td>78.5</td>")
    markdown = to_markdown(_sheet(BAR)).decode()
    assert "| 系统 | 本次 (分) | 上次 (分) |" in markdown and "<svg" not in markdown


def test_the_pdf_embeds_the_chart_and_prints_its_title_and_figures_as_text():
    import io

    from pypdf import PdfReader

    from dcmaint.forms.render import render_sheet

    reader = PdfReader(io.BytesIO(render_sheet(_sheet(BAR), "pdf")))
    page = reader.pages[0]
    text = "".join(page.extract_text().split())
    assert "各系统健康分" in text and "系统本次(分)上次(分)" in text and "存储78.581" in text
    images = [ref.get_object() for ref in page["/Resources"]["/XObject"].values()]
    assert [image["/Subtype"] for image in images] == ["/Image"]
    assert images[0]["/Width"] > 1000  # drawn at print resolution, not a thumbnail

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

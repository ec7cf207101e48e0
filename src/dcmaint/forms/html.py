"""Any document as one self-contained HTML file: mail it, open it offline, print it.

Everything it needs is inside: the CSS inline, the signature as a ``data:``
URI, the charts as inline ``<svg>`` (their text drawn as outlines, so no
font is needed), no script, no external font (the reader's CJK font is used
for the text; the PDF is the format that carries its own). The markup is
the template ``templates/document.html.j2``; this module only arranges the
``Sheet`` into rows the template walks. Every value is escaped by the
template's autoescape, since a fault description is whatever the caller
said and may hold markup. Each chart is followed by its data table, for
screen readers and for whoever copies the figures.
"""

from __future__ import annotations

from base64 import b64encode
from pathlib import Path
from typing import Any

from dcmaint.forms.content import BLANK, Block, Chart, Field, Fields, Sheet, Signature, Table, Text
from dcmaint.forms.fonts import CjkFont, cjk_font


def to_html(sheet: Sheet, font_file: Path | None = None) -> bytes:
    """The page of ``sheet``; charts are drawn with the CJK font ``font_file`` names, else the one shipped."""
    from dcmaint.forms.jinja import render

    font = cjk_font(font_file) if _has_chart(sheet) else None
    sections = [
        {"title": section.title, "blocks": [_block(part, font) for part in section.blocks]}
        for section in sheet.sections
    ]
    page = render(
        "document.html.j2",
        "html",
        sheet=sheet,
        sections=sections,
        html_lang="zh-CN" if sheet.lang == "zh" else "en",
        separator="：" if sheet.lang == "zh" else ": ",
    )
    return page.encode("utf-8")


def _has_chart(sheet: Sheet) -> bool:
    return any(isinstance(part, Chart) for section in sheet.sections for part in section.blocks)


def _block(part: Block, font: CjkFont | None) -> dict[str, Any]:
    if isinstance(part, Fields):
        return {"kind": "fields", "rows": _field_rows(part.fields)}
    if isinstance(part, Table):
        return {"kind": "table", "table": part}
    if isinstance(part, Text):
        return {"kind": "text", "body": part.body, "blank": part.body == BLANK}
    if isinstance(part, Chart):
        from markupsafe import Markup

        from dcmaint.forms.charts import svg

        assert font is not None  # looked up by to_html whenever a sheet has a chart
        return {"kind": "chart", "title": part.title, "svg": Markup(svg(part, font)), "table": part.as_table()}
    return _signature(part)


def _field_rows(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    """Two label/value pairs a row; a wide field takes a row of its own."""
    rows: list[dict[str, Any]] = []
    pending: list[Field] = []
    for field in fields:
        if field.wide:
            if pending:
                rows.append({"wide": False, "fields": pending})
                pending = []
            rows.append({"wide": True, "label": field.label, "value": field.value})
            continue
        pending.append(field)
        if len(pending) == 2:
            rows.append({"wide": False, "fields": pending})
            pending = []
    if pending:
        rows.append({"wide": False, "fields": pending})
    return rows


def _signature(part: Signature) -> dict[str, Any]:
    src = None
    if part.image is not None and part.mime is not None:
        src = f"data:{part.mime};base64,{b64encode(part.image).decode('ascii')}"
    return {"kind": "signature", "label": part.label, "src": src}

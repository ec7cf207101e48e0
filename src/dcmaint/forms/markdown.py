"""Any document as Markdown, for a wiki page, a chat message or an e-mail body.

Values are escaped so that a ``|`` in a serial cannot split a table cell and
a ``<script>`` or a ``*`` in a fault description stays text: the template
environment (``jinja.py``) runs :func:`escape` over every value the template
``templates/document.md.j2`` outputs. Blanks are drawn as a run of
underscores, the way a paper form leaves a line to write on. The signature
is a ``data:`` image, so the file stays self-contained (renderers that
refuse data URIs show its alt text). A chart is its data table: Markdown
has no drawing of its own.
"""

from __future__ import annotations

import re
from base64 import b64encode
from typing import Any

from dcmaint.forms.content import BLANK, Block, Chart, Fields, Sheet, Signature, Table, Text

LINE = r"\_" * 12  # a blank, drawn as ____________
CELL_LINE = r"\_" * 4  # a blank table cell
SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def escape(text: str) -> str:
    """Markdown- and HTML-safe text; newlines become ``<br>`` (a table cell is one line)."""
    text = SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(text.splitlines())


def to_markdown(sheet: Sheet) -> bytes:
    from dcmaint.forms.jinja import render

    sections = [
        {"title": section.title, "blocks": [_block(part) for part in section.blocks]} for section in sheet.sections
    ]
    page = render(
        "document.md.j2", "md", sheet=sheet, sections=sections, separator="：" if sheet.lang == "zh" else ": "
    )
    return page.encode("utf-8")


def _block(part: Block) -> dict[str, Any]:
    from dcmaint.forms.jinja import Raw

    if isinstance(part, Fields):
        fields = [{"label": f.label, "value": f.value if f.value != BLANK else Raw(LINE)} for f in part.fields]
        return {"kind": "fields", "fields": fields}
    if isinstance(part, Table):
        return {"kind": "table", "table": _table(part)}
    if isinstance(part, Text):
        return {"kind": "text", "lines": [Raw(line) for line in _paragraphs(part.body)]}
    if isinstance(part, Chart):
        return {"kind": "chart", "title": part.title, "table": _table(part.as_table())}
    return _signature(part)


def _table(table: Table) -> dict[str, Any]:
    from dcmaint.forms.jinja import Raw

    rows = [[value if value != BLANK else Raw(CELL_LINE) for value in row] for row in table.rows]
    return {"header": table.header, "rows": rows}


def _signature(part: Signature) -> dict[str, Any]:
    from dcmaint.forms.jinja import Raw

    mark = Raw(LINE)
    if part.image is not None and part.mime is not None:
        data = b64encode(part.image).decode("ascii")
        mark = Raw(f"![{escape(part.label)}](data:{part.mime};base64,{data})")
    return {"kind": "signature", "label": part.label, "mark": mark}


def _paragraphs(body: str) -> list[str]:
    """Lines kept as typed: hard breaks inside a paragraph, an empty line between paragraphs (escaped here)."""
    if body == BLANK:
        return [f"{LINE}\\", LINE]
    lines = [escape(line) if line.strip() else "" for line in body.splitlines()]
    return [line + "\\" if line and i + 1 < len(lines) and lines[i + 1] else line for i, line in enumerate(lines)]

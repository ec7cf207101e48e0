"""The form as Markdown, for a wiki page, a chat message or an e-mail body.

Values are escaped so that a ``|`` in a serial cannot split a table cell and
a ``<script>`` or a ``*`` in a fault description stays text. Blanks are drawn
as a run of underscores, the way a paper form leaves a line to write on. The
signature is a ``data:`` image, so the file stays self-contained (renderers
that refuse data URIs show its alt text).
"""

from __future__ import annotations

import re
from base64 import b64encode

from dcmaint.forms.content import BLANK, Chart, Fields, Section, Sheet, Signature, Table, Text

LINE = r"\_" * 12  # a blank, drawn as ____________
CELL_LINE = r"\_" * 4  # a blank table cell
SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def escape(text: str) -> str:
    """Markdown- and HTML-safe text; newlines become ``<br>`` (a table cell is one line)."""
    text = SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(text.splitlines())


def _cell(text: str) -> str:
    return escape(text) if text != BLANK else LINE


def to_markdown(sheet: Sheet) -> bytes:
    sep = "：" if sheet.lang == "zh" else ": "
    lines = [
        f"# {escape(sheet.title)} {escape(sheet.reference)}",
        "",
        f"**{escape(sheet.reference_label)}**{sep}{escape(sheet.reference)} · {escape(sheet.timezone_note)}",
    ]
    for section in sheet.sections:
        lines += ["", *_section(section, sep)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _section(section: Section, sep: str) -> list[str]:
    lines = [f"## {escape(section.title)}"]
    for part in section.blocks:
        lines.append("")
        if isinstance(part, Fields):
            lines += [f"- **{escape(f.label)}**{sep}{_cell(f.value)}" for f in part.fields]
        elif isinstance(part, Table):
            lines += _table(part.header, part.rows)
        elif isinstance(part, Text):
            lines += _paragraphs(part.body)
        elif isinstance(part, Chart):
            table = part.as_table()
            lines += [f"**{escape(part.title)}**", "", *_table(table.header, table.rows)]
        elif isinstance(part, Signature):
            mark = LINE
            if part.image is not None and part.mime is not None:
                mark = f"![{escape(part.label)}](data:{part.mime};base64,{b64encode(part.image).decode('ascii')})"
            lines.append(f"**{escape(part.label)}**{sep}{mark}")
    return lines


def _paragraphs(body: str) -> list[str]:
    """Lines kept as typed: hard breaks inside a paragraph, an empty line between paragraphs."""
    if body == BLANK:
        return [f"{LINE}\\", LINE]
    lines = [escape(line) if line.strip() else "" for line in body.splitlines()]
    return [line + "\\" if line and i + 1 < len(lines) and lines[i + 1] else line for i, line in enumerate(lines)]


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cells) + " |"

    return [
        line(tuple(escape(h) for h in header)),
        line(tuple("---" for _ in header)),
        *(line(tuple(escape(value) if value != BLANK else CELL_LINE for value in row)) for row in rows),
    ]

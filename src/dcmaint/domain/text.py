"""Hostile text: what may be stored and shown of text that came from outside.

Text reaches dcmaint from the command line, imported device lists and stock
lists, e-mails and the answers of devices. Any of it may hold control
characters: an ESC sequence repaints a technician's terminal, a newline
forges a second Nagios line, a NUL makes PostgreSQL refuse the row. One rule
holds for all of it (docs/cli.md, "Hostile text and numbers"):

- an IDENTIFIER (a name, a serial, a part number, a ticket reference, a
  person) with a control character is refused where it enters, naming the
  row or the option (:func:`identifier`);
- FREE TEXT (a note, a description, an e-mail body, a device's fault message)
  is kept, with each control character written out as an escape such as
  ``\\x1b`` (:func:`escape`), at entry and again at every output edge
  (table cells, Nagios lines, forms), so that text stored before this rule
  is shown safely too.

:func:`escape` does not escape the backslash itself: escaping twice changes
nothing (``escape(escape(t)) == escape(t)``), which is what lets every edge
call it without knowing whether the text was escaped on the way in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dcmaint.errors import UsageError
from dcmaint.i18n import _

#: Characters that steer a terminal's text direction ("Trojan Source"): format characters, but hostile.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Line breaks free text may keep (a note of several lines); one-line outputs escape them too.
LINE_BREAKS = frozenset("\t\n")


@dataclass(frozen=True)
class TextLimits:
    """The one table of text lengths enforced at entry (a column narrower than these is checked on its own)."""

    identifier: int = 200  # names, serials, part numbers, references: the widest register column
    free_text: int = 20_000  # a note, a description, the actions taken, an e-mail body (cut to fit when read)


LIMITS = TextLimits()


def is_control(ch: str) -> bool:
    """A C0 or C1 control character, DEL, a lone surrogate, or a character that reorders the line."""
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI_CONTROLS


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, *, one_line: bool = False) -> str:
    """``text`` with each control character written as its escape; tab and newline kept unless ``one_line``.

    >>> escape("PSU\\x1b[31m fault\\x07\\x00")
    'PSU\\\\x1b[31m fault\\\\x07\\\\x00'
    >>> escape("line 1\\nline 2"), escape("line 1\\nline 2", one_line=True)
    ('line 1\\nline 2', 'line 1\\\\x0aline 2')
    >>> escape(escape("a\\x1bb")) == escape("a\\x1bb")
    True
    """
    if text.isprintable() and not any(ch in BIDI_CONTROLS for ch in text):
        return text  # the common case, without a loop in Python
    return "".join(_escaped(ch) if is_control(ch) and (one_line or ch not in LINE_BREAKS) else ch for ch in text)


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character (tab and newline included) or a zero-width format character."""
    return any(is_control(ch) or unicodedata.category(ch) == "Cf" for ch in text)


def identifier(text: str, what: str) -> str:
    """A name, serial, reference or number as typed: stripped, not empty, no control character, not too long.

    ``what`` names where it came from (``--customer``, ``row 7``); the error repeats the value with its
    control characters escaped (``repr``), so that the error line itself is safe to print.
    """
    value = text.strip()
    if not value:
        raise UsageError(_("invalid {what} {value!r}: empty").format(what=what, value=text))
    if has_control(value):
        raise UsageError(
            _("invalid {what} {value!r}: control characters are not allowed").format(what=what, value=text)
        )
    if len(value) > LIMITS.identifier:  # the value is not repeated: it would fill the screen
        raise UsageError(_("{field} is longer than {limit} characters").format(field=what, limit=LIMITS.identifier))
    return value


def free_text(text: str, what: str) -> str:
    """A note or description as typed: stripped, not empty, not too long, control characters escaped."""
    value = text.strip()
    if not value:
        raise UsageError(_("invalid {what} {value!r}: empty").format(what=what, value=text))
    if len(value) > LIMITS.free_text:
        raise UsageError(_("{field} is longer than {limit} characters").format(field=what, limit=LIMITS.free_text))
    return escape(value)


def optional_free_text(value: str | None, what: str) -> str | None:
    """Free text a service is given (a note, a description, a row's notes cell): None when blank, else as
    :func:`free_text` (not too long, control characters escaped)."""
    if value is None or not value.strip():
        return None
    return free_text(value, what)

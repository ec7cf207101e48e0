"""Message translation.

dcmaint binds its own gettext domain as the process-wide default so that the
strings of the CLI framework (typer's vendored click calls the module-level
``gettext.gettext``) are looked up in the same catalogue as ours: one
catalogue translates "Usage:" and "unknown site" alike.

The language follows the usual variables (LANGUAGE, LC_ALL, LC_MESSAGES,
LANG); ``DCMAINT_LANG`` overrides them. English is the source language.

Stored values of a closed vocabulary (a ticket's state, a part's health, a
device's kind) are shown through :func:`value_label`, one mechanism for all
of them: each enum is its own message context, so "critical" the health and
"critical" the severity are two messages, and ``tools/i18n.py`` finds every
enum of the package by itself. JSON and CSV keep the stored English values.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from enum import Enum, StrEnum
from pathlib import Path
from typing import TypeVar

DOMAIN = "dcmaint"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: _gettext.NullTranslations | None = None


def _languages() -> list[str] | None:
    override = os.environ.get("DCMAINT_LANG")
    return [override] if override else None


def install() -> _gettext.NullTranslations:
    """Bind the catalogue for the current environment; idempotent."""
    global _translation
    if _translation is None:
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=_languages(), fallback=True)
        _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
        _gettext.textdomain(DOMAIN)
        override = os.environ.get("DCMAINT_LANG")
        if override:
            # The module-level gettext used by the CLI framework reads the
            # environment itself; make it see the same choice.
            os.environ["LANGUAGE"] = override
    return _translation


def reset() -> None:
    """Forget the bound catalogue (tests switch languages in one process)."""
    global _translation
    _translation = None
    _gettext._translations.clear()  # type: ignore[attr-defined]


def _(message: str) -> str:
    return install().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return install().ngettext(singular, plural, n)


def language() -> str:
    """The language actually in use: "zh_CN" when a catalogue matched, else "en"."""
    info = install().info()
    return info.get("language", "en") if info else "en"


def pgettext(context: str, message: str) -> str:
    """``message`` in the meaning ``context`` names (the catalogue's ``msgctxt``): one English word, two meanings."""
    return install().pgettext(context, message)


class Untranslated(StrEnum):
    """Values that are words of the command line, typed and shown as they are (``--format json``).

    Every other enum of the package is a vocabulary people read, translated
    by :func:`value_label`; ``tools/i18n.py check`` requires its values to be
    in the catalogue.
    """


def vocabulary_context(vocabulary: type[Enum]) -> str:
    """The message context of an enum's values: its class name in words (``TicketState`` -> "ticket state")."""
    return " ".join(word.lower() for word in re.findall(r"[A-Z][a-z0-9]*", vocabulary.__name__))


E = TypeVar("E", bound=Enum)


def value_label(vocabulary: type[E], value: E | str | None) -> str:
    """A stored value of ``vocabulary`` as the reader says it; a value outside it is shown as stored.

    >>> from dcmaint.domain.tickets import TicketState
    >>> value_label(TicketState, "in_progress")
    'in_progress'
    >>> value_label(TicketState, None)
    ''
    """
    if value is None:
        return ""
    text = value.value if isinstance(value, Enum) else value
    if issubclass(vocabulary, Untranslated) or text not in vocabulary._value2member_map_:
        return str(text)
    return pgettext(vocabulary_context(vocabulary), str(text))

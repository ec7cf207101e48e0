"""Message translation.

dcmaint binds its own gettext domain as the process-wide default so that the
strings of the CLI framework (typer's vendored click calls the module-level
``gettext.gettext``) are looked up in the same catalogue as ours: one
catalogue translates "Usage:" and "unknown site" alike.

The language follows the usual variables (LANGUAGE, LC_ALL, LC_MESSAGES,
LANG); ``DCMAINT_LANG`` overrides them. English is the source language.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

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

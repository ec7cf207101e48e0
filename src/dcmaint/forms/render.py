"""One entry point for every format: ``render(form, "pdf", "zh") -> bytes``, and for any document,
``render_sheet(sheet, "pdf") -> bytes``.

The CLI (``dcmaint ticket form T --format pdf|html|md --lang zh|en``) passes
the user's words straight through, so the format and language are checked
here and a wrong one is a UsageError naming it. The renderers are imported
only when asked for: the PDF one pulls in fpdf2, Pillow and fontTools, which
no other command should pay for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dcmaint.errors import UsageError
from dcmaint.forms.labels import LANGUAGES
from dcmaint.forms.model import FormData
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.forms.content import Sheet

FORMATS = ("pdf", "html", "md")


def checked_choices(fmt: str, lang: str) -> tuple[str, str]:
    """``--format`` and ``--lang`` as given by the user, normalised; a wrong one is a UsageError naming it."""
    fmt_key, lang_key = fmt.strip().lower(), lang.strip().lower()
    if fmt_key not in FORMATS:
        raise UsageError(
            _("invalid {what} {value!r}: choose one of {choices}").format(
                what="--format", value=fmt, choices=", ".join(FORMATS)
            )
        )
    if lang_key not in LANGUAGES:
        raise UsageError(
            _("invalid {what} {value!r}: choose one of {choices}").format(
                what="--lang", value=lang, choices=", ".join(LANGUAGES)
            )
        )
    return fmt_key, lang_key


def render_sheet(sheet: Sheet, fmt: str, cjk_font: Path | None = None) -> bytes:
    """Any document (a form, a report, a device file) as a file's bytes; ``fmt`` already checked."""
    if fmt == "pdf":
        from dcmaint.forms.pdf import to_pdf

        return to_pdf(sheet, cjk_font)
    if fmt == "html":
        from dcmaint.forms.html import to_html

        return to_html(sheet, cjk_font)
    from dcmaint.forms.markdown import to_markdown

    return to_markdown(sheet)


def render(form: FormData, fmt: str, lang: str, cjk_font: Path | None = None) -> bytes:
    """The form as a file's bytes: PDF, UTF-8 HTML or UTF-8 Markdown, labelled in ``lang``.

    ``cjk_font`` is the configured font file for PDFs (``forms.cjk_font``), None for the one shipped.
    """
    from dcmaint.domain.parse import time_zone
    from dcmaint.forms.content import build

    fmt_key, lang_key = checked_choices(fmt, lang)
    time_zone(form.timezone)
    return render_sheet(build(form, lang_key), fmt_key, cjk_font)

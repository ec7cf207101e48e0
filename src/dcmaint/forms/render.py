"""One entry point for every format: ``render(form, "pdf", "zh") -> bytes``.

The CLI (``dcmaint ticket form T --format pdf|html|md --lang zh|en``) passes
the user's words straight through, so the format and language are checked
here and a wrong one is a UsageError naming it. The renderers are imported
only when asked for: the PDF one pulls in fpdf2, Pillow and fontTools, which
no other command should pay for.
"""

from __future__ import annotations

from pathlib import Path

from dcmaint.errors import UsageError
from dcmaint.forms.labels import LANGUAGES
from dcmaint.forms.model import FormData
from dcmaint.i18n import _

FORMATS = ("pdf", "html", "md")


def render(form: FormData, fmt: str, lang: str, cjk_font: Path | None = None) -> bytes:
    """The form as a file's bytes: PDF, UTF-8 HTML or UTF-8 Markdown, labelled in ``lang``.

    ``cjk_font`` is the configured font file for PDFs (``forms.cjk_font``), None for the one shipped.
    """
    from dcmaint.domain.parse import time_zone
    from dcmaint.forms.content import build

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
    time_zone(form.timezone)
    sheet = build(form, lang_key)
    if fmt_key == "pdf":
        from dcmaint.forms.pdf import to_pdf

        return to_pdf(sheet, cjk_font)
    if fmt_key == "html":
        from dcmaint.forms.html import to_html

        return to_html(sheet)
    from dcmaint.forms.markdown import to_markdown

    return to_markdown(sheet)

"""The CJK font embedded in PDF forms, found inside an installed Python package.

A PDF shows Chinese only with a font that has the glyphs, and a customer's
PDF viewer cannot be trusted to have one: the form embeds (a subset of) its
own. The font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0, TrueType
outlines), shipped on PyPI by ``paperang-p2-fonts-cjk``, a dependency of
dcmaint, so ``pip install`` brings it and no machine needs a system font.
TrueType outlines matter: fpdf2 writes them with the standard Identity-H
encoding, which every PDF reader and text extractor understands (the CFF
Noto/Source Han fonts get a custom encoding that some extractors, pypdf
among them, cannot read back). See docs/forms.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dcmaint.errors import UsageError
from dcmaint.i18n import _

FONT_DISTRIBUTION = "paperang-p2-fonts-cjk"
FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_RESOURCE = ("fonts", "wqy-microhei.ttc")
FONT_INDEX = 0  # the collection's proportional face; 1 is the monospaced one
FONT_NAME = "WenQuanYi Micro Hei"


@contextmanager
def cjk_font() -> Iterator[Path]:
    """The font file, on disk for as long as the ``with`` block runs (the PDF is written inside it)."""
    from importlib.resources import as_file, files

    missing = UsageError(_("cannot read {file}: {reason}").format(
        file=f"{FONT_NAME} ({'/'.join(FONT_RESOURCE)})", reason=f"pip install {FONT_DISTRIBUTION}"))
    try:
        resource = files(FONT_PACKAGE).joinpath(*FONT_RESOURCE)
    except ModuleNotFoundError:
        raise missing from None
    if not resource.is_file():
        raise missing
    with as_file(resource) as path:
        yield path

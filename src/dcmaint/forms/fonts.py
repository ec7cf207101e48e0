"""The CJK font embedded in PDF forms: the one configured, else the one shipped with dcmaint.

A PDF shows Chinese only with a font that has the glyphs, and a customer's
PDF viewer cannot be trusted to have one: the form embeds (a subset of) its
own. dcmaint ships WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0) as package
data, byte for byte the file of Debian's ``fonts-wqy-microhei`` package,
with its copyright file and licence beside it (``src/dcmaint/data/fonts``),
so a wheel prints Chinese forms on any machine, with no system font and no
third-party font package. ``forms.cjk_font`` in the configuration, or
``DCMAINT_CJK_FONT``, names another file instead (a house font, say).

TrueType outlines matter: fpdf2 writes them with the standard Identity-H
encoding, which every PDF reader and text extractor understands. Fonts with
CFF outlines (the Noto Sans CJK / Source Han Sans of most Linux desktops)
get a custom encoding that pypdf, among others, reads back as garbage, so a
configured font is checked for TrueType outlines and Chinese glyphs before
a form is drawn with it. See docs/forms.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dcmaint.errors import UsageError
from dcmaint.i18n import _

FONT_FILE = "wqy-microhei.ttc"
FONT_NAME = "WenQuanYi Micro Hei"
FONT_INDEX = 0  # the collection's proportional face; 1 is the monospaced one
SETTING = "forms.cjk_font"
VARIABLE = "DCMAINT_CJK_FONT"
PROBE = "维护单"  # the Chinese form's title: a font without these glyphs is no CJK font


@dataclass(frozen=True)
class CjkFont:
    """A font file and the face in it (a TrueType collection holds several)."""

    path: Path
    index: int


def cjk_font(configured: Path | None = None) -> CjkFont:
    """The font a PDF form is drawn with: ``configured`` (from the settings) if given, else the shipped one.

    A configured file that is missing, not a font, drawn with CFF outlines or
    without Chinese glyphs is a one-line UsageError naming it, and so is a
    shipped font gone missing (an install that dropped the package data).
    """
    if configured is not None:
        return _checked(configured)
    from dcmaint import paths

    shipped = paths.bundled("fonts") / FONT_FILE
    if not shipped.is_file():
        raise UsageError(
            _(
                "no CJK font for PDF forms: {file} is missing from this install; reinstall dcmaint, "
                "or set {setting} or {variable} to a TrueType font with Chinese glyphs"
            ).format(file=shipped, setting=SETTING, variable=VARIABLE)
        )
    return CjkFont(shipped, FONT_INDEX)


def _checked(path: Path) -> CjkFont:
    from fontTools.ttLib import TTFont, TTLibError

    if not path.is_file():
        raise UsageError(
            _("CJK font {file} not found (set by {setting} or {variable})").format(
                file=path, setting=SETTING, variable=VARIABLE
            )
        )
    try:
        with TTFont(path, fontNumber=FONT_INDEX, lazy=True) as font:
            truetype = "glyf" in font
            cmap = font.getBestCmap() or {}
    except (TTLibError, OSError, ValueError, KeyError, AssertionError) as error:
        raise UsageError(
            _("CJK font {file} cannot be read as a font: {reason}").format(
                file=path, reason=str(error) or type(error).__name__
            )
        ) from None
    if not truetype:
        raise UsageError(
            _(
                "CJK font {file} has CFF outlines, whose text PDF readers cannot extract: "
                "choose a font with TrueType outlines"
            ).format(file=path)
        )
    if not all(ord(char) in cmap for char in PROBE):
        raise UsageError(_("CJK font {file} has no Chinese glyphs").format(file=path))
    return CjkFont(path, FONT_INDEX)

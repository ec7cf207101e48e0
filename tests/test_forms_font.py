"""The CJK font of PDF forms: the one shipped with dcmaint, a configured one, and every way a font is refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from dcmaint.errors import UsageError
from dcmaint.forms import render
from tests.helpers import counts
from tests.test_forms_render import FULL

# Debian's fonts-wqy-microhei 0.2.0-beta-3.1, /usr/share/fonts/truetype/wqy/wqy-microhei.ttc, byte for byte.
DEBIAN_WQY_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
PROBE_FAMILY = "DcmaintProbeSans"


def probe_font(path: Path, chars: str = "维护单", truetype: bool = True, family: str = PROBE_FAMILY) -> Path:
    """A small real font with a square glyph for each of ``chars`` (TrueType or CFF outlines), written to ``path``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space", *(f"uni{ord(c):04X}" for c in chars)]
    builder = FontBuilder(1000, isTTF=truetype)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})

    def square(pen: Any) -> Any:
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((900, 700))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen

    if truetype:
        builder.setupGlyf({name: square(TTGlyphPen(None)).glyph() for name in names})
    else:
        strings = {name: square(T2CharStringPen(1000, None)).getCharString() for name in names}
        builder.setupCFF(family, {"FullName": family}, strings, {})
    builder.setupHorizontalMetrics(dict.fromkeys(names, (1000, 100)))
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def embedded_font_names(data: bytes) -> list[str]:
    from pypdf import PdfReader

    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    return [str(ref.get_object()["/BaseFont"]) for ref in fonts.values()]


def test_the_shipped_font_is_debians_wenquanyi_file_with_its_licence():
    from dcmaint import paths
    from dcmaint.forms.fonts import FONT_FILE, cjk_font

    folder = paths.bundled("fonts")
    assert cjk_font().path == folder / FONT_FILE
    assert hashlib.sha256((folder / FONT_FILE).read_bytes()).hexdigest() == DEBIAN_WQY_SHA256
    assert "License: Apache-2.0 or GPL-3+ with Font exception" in (folder / "wqy-microhei.copyright").read_text("utf-8")
    assert "Apache License" in (folder / "LICENSE-Apache-2.0").read_text("utf-8")
    assert any("WenQuanYi" in name for name in embedded_font_names(render(FULL, "pdf", "zh")))


def test_a_configured_font_is_used(tmp_path):
    font = probe_font(tmp_path / "house.ttf", "维护单客户确认")
    names = embedded_font_names(render(FULL, "pdf", "zh", font))
    assert names and all(PROBE_FAMILY in name for name in names), names


def test_a_missing_configured_font_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "fonts" / "absent.ttf"
    with pytest.raises(UsageError) as caught:
        render(FULL, "pdf", "zh", missing)
    message = str(caught.value)
    assert str(missing) in message and "forms.cjk_font" in message and "DCMAINT_CJK_FONT" in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: probe_font(p / "cff.otf", truetype=False), "CFF outlines"),
        (lambda p: probe_font(p / "latin.ttf", chars="abc"), "no Chinese glyphs"),
        (lambda p: written(p / "notes.ttf", b"not a font"), "cannot be read as a font"),
        (lambda p: written(p / "empty.ttc", b""), "cannot be read as a font"),
    ],
    ids=["cff", "latin-only", "text", "empty"],
)
def test_a_configured_file_that_cannot_print_chinese_text_is_refused_by_name(tmp_path, make, says):
    """Noto Sans CJK (CFF) displays, but its text extracts as garbage: refused before a form is drawn with it."""
    bad = make(tmp_path)
    with pytest.raises(UsageError) as caught:
        render(FULL, "pdf", "zh", bad)
    assert says in str(caught.value) and str(bad) in str(caught.value) and len(str(caught.value).splitlines()) == 1


def test_no_font_at_all_says_how_to_get_one(tmp_path, monkeypatch):
    """An install without the shipped font (package data dropped) and nothing configured: the documented line."""
    from dcmaint import paths

    empty = tmp_path / "data"
    (empty / "fonts").mkdir(parents=True)
    monkeypatch.setattr(paths, "bundled", lambda folder: empty / folder)
    with pytest.raises(UsageError) as caught:
        render(FULL, "pdf", "zh")
    assert str(caught.value) == (
        f"no CJK font for PDF forms: {empty / 'fonts' / 'wqy-microhei.ttc'} is missing from this install; "
        "reinstall dcmaint, or set forms.cjk_font or DCMAINT_CJK_FONT to a TrueType font with Chinese glyphs"
    )
    assert render(FULL, "html", "zh").startswith(b"<!DOCTYPE html>")  # HTML and Markdown need no font


def test_the_setting_comes_from_the_file_and_the_environment_wins(tmp_path, monkeypatch):
    from dcmaint import config

    path = tmp_path / "config.toml"
    path.write_text('[forms]\ncjk_font = "~/fonts/house.ttf"\n', encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DCMAINT_CJK_FONT", raising=False)
    assert config.load(path).forms.cjk_font == tmp_path / "fonts" / "house.ttf"
    monkeypatch.setenv("DCMAINT_CJK_FONT", str(tmp_path / "other.ttc"))
    assert config.load(path).forms.cjk_font == tmp_path / "other.ttc"
    monkeypatch.setenv("DCMAINT_CJK_FONT", "")
    assert config.load(tmp_path / "absent.toml").forms.cjk_font is None


def test_ticket_form_uses_the_configured_font_and_refuses_a_missing_one(cli, db_url, tmp_path, monkeypatch):
    cli.ok("site", "add", "hq", "--customer", "某市商业银行")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    ref = cli.ok("ticket", "new", "--site", "hq", "--device", "srv01", "--description", "电源故障").out.split(":")[0]
    monkeypatch.setenv("DCMAINT_CJK_FONT", str(probe_font(tmp_path / "house.ttf", "维护单客户")))
    out = tmp_path / "form.pdf"
    cli.ok("ticket", "form", ref, "--format", "pdf", "--lang", "zh", "--output", str(out))
    assert all(PROBE_FAMILY in name for name in embedded_font_names(out.read_bytes()))
    missing = tmp_path / "gone.ttf"
    monkeypatch.setenv("DCMAINT_CJK_FONT", str(missing))
    before = counts(db_url)
    result = cli("ticket", "form", ref, "--format", "pdf", "--output", str(tmp_path / "none.pdf"))
    assert result.code == 2 and str(missing) in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "none.pdf").exists() and counts(db_url) == before
    shown = cli.ok("config", "show", "-f", "json").json()
    assert shown["forms.cjk_font"] == str(missing)

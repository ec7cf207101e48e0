"""Simplified Chinese: every message has a translation, and a zh_CN user sees it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import i18n as catalogue_tools  # noqa: E402  (tools/i18n.py)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """Tests may run without `make`: compile .po to .mo when the binary is stale."""
    sys.path.insert(0, str(ROOT))
    from hatch_build import compile_catalogues

    compile_catalogues(ROOT)


def test_catalogue_covers_every_message_in_the_code():
    template = catalogue_tools.extract()
    po_path = ROOT / "src/dcmaint/locale/zh_CN/LC_MESSAGES/dcmaint.po"
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing_entries = sorted(str(m.id) for m in template if m.id and m.id not in catalog)
    assert missing_entries == [], "run `python tools/i18n.py update` and translate"
    assert catalogue_tools.untranslated(po_path) == []


def zh(*argv: str, lang_var: str = "DCMAINT_LANG", home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DCMAINT_", "LC_", "LANG"))}
    env.update({lang_var: "zh_CN.UTF-8", "DCMAINT_HOME": str(home)})
    return subprocess.run([sys.executable, "-m", "dcmaint", *argv], capture_output=True, text=True, env=env)


def test_help_is_chinese(tmp_path):
    out = zh("--help", home=tmp_path).stdout
    assert "用法" in out and "Usage" not in out
    assert "Options" not in out and "Commands" not in out
    assert "Show this message and exit." not in out
    site_help = zh("site", "add", "--help", lang_var="LANG", home=tmp_path).stdout
    assert "用法" in site_help and "Register a site." not in site_help


@pytest.mark.parametrize(
    ("argv", "english"),
    [
        (["site", "show", "nowhere"], "unknown site"),
        (["site", "add", "x", "--customer", "y", "--sla-hours", "twelve"], "Invalid value"),
        (["site", "list", "--bogus"], "No such option"),
        (["device", "add", "d1"], "Missing option"),
        (["site", "add", "x", "--customer", "y", "--signed", "2026-02-30"], "expected a date"),
    ],
)
def test_errors_are_chinese(tmp_path, argv, english):
    done = zh(*argv, home=tmp_path)
    assert done.returncode == 2
    assert english not in done.stderr
    assert "错误" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_english_is_the_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DCMAINT_", "LC_", "LANG"))}
    env["DCMAINT_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "dcmaint", "--help"], capture_output=True, text=True, env=env).stdout
    assert "Usage:" in out and "Commands:" in out


def test_translations_keep_every_placeholder():
    """`.format()` runs on the translation: a renamed or missing {field} would raise at run time."""
    import string

    from babel.messages.pofile import read_po

    with (ROOT / "src/dcmaint/locale/zh_CN/LC_MESSAGES/dcmaint.po").open("rb") as handle:
        catalog = read_po(handle)

    def fields(text: str) -> list[tuple[str, str, str]]:
        return sorted(
            (name, conv or "", spec or "") for _, name, spec, conv in string.Formatter().parse(text) if name is not None
        )

    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if fields(source) != fields(text) or ("\n" in text and "\n" not in source):
                broken.append(source)
    assert broken == []

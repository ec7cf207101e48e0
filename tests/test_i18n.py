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


def test_catalogue_covers_every_message_in_the_code(capsys):
    """`tools/i18n.py check`: every message, and every value of every enum people read, is translated."""
    status = catalogue_tools.check()
    assert status == 0, "run `python tools/i18n.py update` and translate:\n" + capsys.readouterr().out


def test_check_fails_on_an_enum_value_without_a_translation(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = catalogue_tools.extract()
    catalog = Catalog(locale="zh_CN", domain="dcmaint")
    for message in template:
        if message.id:
            string = ("译",) if isinstance(message.id, tuple) else "译"
            catalog.add(message.id, string, context=message.context)
    catalog.delete("critical", context="health")
    po_path = tmp_path / "dcmaint.po"
    with po_path.open("wb") as handle:
        write_po(handle, catalog)
    assert catalogue_tools.untranslated(po_path, template) == ["'critical' (context 'health')"]


def test_every_enum_of_the_package_is_found_without_a_list():
    found = {vocabulary.__name__ for vocabulary in catalogue_tools.vocabularies()}
    shown = {"TicketState", "TicketStep", "Severity", "Source", "Handling", "PauseReason", "SlaState", "StaffRole"}
    shown |= {"DeviceKind", "ComponentKind", "Health", "ErrorKind", "Condition", "StockStatus", "Fit"}
    shown |= {"Verification", "LevelStatus", "NumberKind", "FollowupKind", "FaultSource"}
    assert shown <= found
    assert not found & {"OutputFormat", "HealthFormat"}  # words of the command line: never translated


def test_one_english_word_with_two_meanings_is_two_messages():
    template = catalogue_tools.extract()
    contexts = {message.context for message in template if message.id == "critical"}
    assert {"health", "severity"} <= contexts
    assert {message.context for message in template if message.id == "open"} >= {"deadline"}


def test_value_label_translates_by_meaning(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from dcmaint import i18n
    from dcmaint.domain.enums import OutputFormat
    from dcmaint.domain.tickets import Severity
    from dcmaint.drivers.health import Health

    catalog = Catalog(locale="zh_CN", domain="dcmaint")
    catalog.add("critical", "严重", context="health")
    catalog.add("critical", "紧急", context="severity")
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_CN" / "LC_MESSAGES" / "dcmaint.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setenv("DCMAINT_LANG", "zh_CN")
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    i18n.reset()
    try:
        assert i18n.value_label(Health, "critical") == "严重"
        assert i18n.value_label(Severity, Severity.CRITICAL) == "紧急"
        assert i18n.value_label(Health, "smoking") == "smoking"  # outside the vocabulary: as stored
        assert i18n.value_label(OutputFormat, "json") == "json"
        assert i18n.value_label(Health, None) == ""
    finally:
        monkeypatch.undo()
        i18n.reset()


def test_chinese_text_uses_full_width_punctuation():
    """A half-width comma, colon, semicolon or bracket next to a Chinese character is a slip, except where a
    user types it (``类型:位置``, ``协议://主机[:端口]``, ``名称=值; 名称=值``)."""
    import re

    from babel.messages.pofile import read_po

    with (ROOT / "src/dcmaint/locale/zh_CN/LC_MESSAGES/dcmaint.po").open("rb") as handle:
        catalog = read_po(handle)
    chinese = r"[\u3400-\u9fff]"
    slip = re.compile(rf"{chinese}\s*[,;()]|[,;()]\s*{chinese}|{chinese}[:](?![^\s]*[:/])|[:]\s+{chinese}")
    typed = ("类型:位置", "协议://主机[:端口]", "名称=值; 名称=值")
    slips = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if text and slip.search(re.sub("|".join(map(re.escape, typed)), "", text))
    ]
    assert slips == []


def test_values_are_chinese_in_tables_and_english_in_json(tmp_path):
    steps = [
        ("site", "add", "hq", "--customer", "某银行"),
        ("device", "add", "srv01", "--site", "hq", "--kind", "server"),
        ("staff", "add", "li.na", "--role", "engineer"),
        ("ticket", "new", "--site", "hq", "--description", "PSU 2 故障", "--severity", "critical"),
        ("ticket", "assign", "T-2026-000001", "--to", "li.na"),
    ]
    for argv in steps:
        assert zh(*argv, home=tmp_path).returncode == 0
    staff = zh("staff", "list", home=tmp_path).stdout
    devices = zh("device", "list", home=tmp_path).stdout
    ticket = zh("ticket", "show", "T-2026-000001", home=tmp_path).stdout
    assert "工程师" in staff and "engineer" not in staff
    assert "服务器" in devices and "server" not in devices
    assert "已派单" in ticket and "紧急" in ticket and "开始处理（start）" in ticket and "assigned" not in ticket
    as_json = zh("ticket", "show", "T-2026-000001", "-f", "json", home=tmp_path).stdout
    assert '"state": "assigned"' in as_json.replace('":"', '": "') and '"severity": "critical"' in as_json.replace(
        '":"', '": "'
    )


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

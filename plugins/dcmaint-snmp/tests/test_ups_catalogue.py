"""The bundled catalogue knows the battery kits the UPS samples report, so `spare match` can offer them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dcmaint.domain.parts import part_class
from dcmaint_snmp.profiles.ups import apc
from dcmaint_snmp.profiles.ups.common import battery_part

KITS = ("APCRBC140", "APCRBC133", "BAT-VRLA-12V9AH")


@pytest.fixture
def dcmaint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`dcmaint ARGS` in this process on a fresh SQLite store; returns (exit code, stdout)."""
    for name in ("DCMAINT_CONFIG", "DCMAINT_ACTOR", "DCMAINT_LOAD_PLUGINS", "DCMAINT_LANG", "DCMAINT_LOG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DCMAINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DCMAINT_DB_URL", f"sqlite:///{tmp_path / 'dcmaint.db'}")

    def run(*args: str) -> tuple[int, str]:
        from dcmaint.cli.main import run as main

        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out

    return run


def test_bundled_catalogue_import_knows_the_ups_battery_kits(dcmaint):
    code, _ = dcmaint("spare", "catalogue", "import", "--bundled")
    assert code == 0
    code, out = dcmaint("spare", "catalogue", "list", "--class", "battery", "-f", "json")
    assert code == 0
    parts = {part["part_number"]: part for part in json.loads(out)}
    assert set(KITS) <= set(parts)
    assert all(parts[kit]["consumable"] and parts[kit]["part_class"] == "battery" for kit in KITS)
    assert parts["APCRBC140"]["vendor"] == "APC"


def test_the_apc_sample_reports_a_cartridge_the_catalogue_has():
    snapshot = apc.build(())
    assert snapshot.text(apc.upsAdvBatteryInternalSKU) in KITS
    assert battery_part({"battery_part": "BAT-VRLA-12V9AH"}).part_number in KITS
    assert part_class("battery") == "battery"

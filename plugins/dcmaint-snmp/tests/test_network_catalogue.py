"""The bundled catalogue knows the PSUs, fans and optics the vendor switch samples report, so `spare match` can
offer the spare for a failed one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dcmaint.drivers.simulators import parse_faults
from dcmaint_snmp.profiles import by_name
from dcmaint_snmp.profiles.network import SAMPLES

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def dcmaint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
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


def failed_part_numbers() -> set[str]:
    """The part numbers of the PSU, fan and transceiver the vendor samples report failed."""
    found = set()
    for sample in SAMPLES:
        if sample.profile == "switch-entity":
            continue  # the white box's parts are the sample's own invention
        profile = by_name(sample.profile)
        assert profile is not None
        report = profile.parse(sample.build(parse_faults("psu:1,fan:1,transceiver:1")), {})
        found |= {part.part_number for part in (c.part for c in report.faults()) if part and part.part_number}
    return found


def test_the_vendor_samples_report_part_numbers_for_their_failed_parts() -> None:
    assert {"PAC600S12-CB", "FAN-031A-B", "OMXD30000", "PSR250-12A1", "FAN-40B-1-A", "SFP-XG-SX-MM850-D"} <= (
        failed_part_numbers()
    )


def test_the_bundled_catalogue_has_them(dcmaint: Run) -> None:
    code, _ = dcmaint("spare", "catalogue", "import", "--bundled")
    assert code == 0
    code, out = dcmaint("spare", "catalogue", "list", "-f", "json")
    assert code == 0
    parts = {part["part_number"]: part for part in json.loads(out)}
    wanted = failed_part_numbers()
    assert wanted <= set(parts)
    assert {parts[number]["part_class"] for number in wanted} == {"psu", "fan", "transceiver"}
    assert parts["PWR-C1-715WAC"]["vendor"] == "Cisco"

"""`dcmaint advisory` on both backends: catalogues imported strictly and idempotently, advisories raised by the
versions a simulated BMC reports (and none when it runs the release), stale signatures (docs/changes.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from tests.helpers import audit, counts
from tests.scenario import report

DELL = """
vendor = "Dell"

[[release]]
models = ["PowerEdge R740*"]
component = "Integrated Dell Remote Access Controller"
version = "{version}"
released = 2024-03-19
severity = "{severity}"
url = "https://www.dell.com/support/kbdoc/en-us/000222591"
fixes = [{{ id = "CVE-2024-25943", summary = "iDRAC9: improper input validation" }}]
"""


def _catalogue(tmp_path, version: str, severity: str = "critical", name: str = "dell.toml"):
    path = tmp_path / name
    path.write_text(DELL.format(version=version, severity=severity), encoding="utf-8")
    return path


@pytest.fixture
def bmc():
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=1, flavours=("dell-idrac9",))) as sim:
        yield sim


@pytest.fixture
def lab(cli, bmc, monkeypatch):
    monkeypatch.setenv("BMC_PW", "any-password")
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "redfish")
    cli.ok("site", "add", "lab", "--customer", "Lab")
    cli.ok(
        "device", "add", "r740", "--site", "lab", "--kind", "server", "--driver", "redfish",
        "--endpoint", bmc.endpoints[0].url, "--username", "admin", "--credential", "env:BMC_PW",
    )  # fmt: skip
    return cli


def test_a_release_newer_than_what_the_simulated_bmc_reports_is_an_advisory(lab, tmp_path):
    lab.ok("advisory", "import", str(_catalogue(tmp_path, "7.00.00.171")))
    assert lab.ok("advisory", "list", "-f", "json").json() == []  # nothing polled yet: nothing known
    lab.ok("health", "--record", "--timeout", "30")
    result = lab("advisory", "list", "-f", "json")
    assert result.code == 1, result.err  # for cron
    [line] = result.json()
    assert line["device"] == "r740" and line["component"] == "Integrated Dell Remote Access Controller"
    assert line["installed"] == "6.10.30.00" and line["release"] == "7.00.00.171"
    assert line["severity"] == "critical" and line["state"] == "behind" and line["source"] == "archive"
    assert line["fixes"] == ["CVE-2024-25943: iDRAC9: improper input validation"]
    table = lab("advisory", "list", "--site", "lab")
    assert table.code == 1 and "7.00.00.171" in table.out and "critical" in table.out
    assert lab("advisory", "list", "--severity", "critical").code == 1
    assert lab("advisory", "list", "--device", "r740", "--severity", "critical").code == 1


def test_a_catalogue_with_the_version_the_bmc_runs_raises_nothing(lab, tmp_path):
    lab.ok("advisory", "import", str(_catalogue(tmp_path, "6.10.30.00")))
    lab.ok("archive", "snapshot", "r740", "--timeout", "30")
    result = lab("advisory", "list", "-f", "json")
    assert result.code == 0 and result.json() == []  # no false alarm


def test_a_version_of_another_shape_is_unknown_not_an_advisory(lab, tmp_path):
    lab.ok("advisory", "import", str(_catalogue(tmp_path, "iDRAC 7.00.00.171")))
    lab.ok("health", "--record", "--timeout", "30")
    result = lab("advisory", "list", "-f", "json")
    assert result.code == 0
    [line] = result.json()
    assert line["state"] == "unknown" and line["severity"] is None and line["fixes"] == []
    assert lab.ok("advisory", "list", "--severity", "low", "-f", "json").json() == []


def test_the_example_catalogues_import_and_reimport_idempotently(cli, db_url):
    from pathlib import Path

    folder = Path(__file__).parent.parent / "configs" / "releases"
    first = cli.ok("advisory", "import", str(folder), "-f", "json").json()
    assert first["files"] >= 4 and first["added"] == first["releases"] >= 8
    chain = audit(db_url)
    again = cli.ok("advisory", "import", str(folder), "-f", "json").json()
    assert again["added"] == again["updated"] == 0 and again["unchanged"] == first["releases"]
    assert audit(db_url) == chain  # nothing changed, nothing audited
    vendors = {r["vendor"] for r in cli.ok("advisory", "releases", "-f", "json").json()}
    assert {"HPE", "Dell", "Lenovo", "Huawei"} <= vendors


def test_a_changed_release_is_updated_and_audited(cli, db_url, tmp_path):
    cli.ok("advisory", "import", str(_catalogue(tmp_path, "7.00.00.171", "high")))
    result = cli.ok("advisory", "import", str(_catalogue(tmp_path, "7.00.00.171", "critical")), "-f", "json").json()
    assert (result["added"], result["updated"]) == (0, 1)
    entry = [e for e in audit(db_url) if e.entity == "release"][-1]
    assert entry.action == "update" and entry.before["severity"] == "high" and entry.after["severity"] == "critical"
    assert counts(db_url)["releases"] == 1


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("severity", '"urgent"', "severity 'urgent'"),
        ("released", "2099-01-01", "released '2099-01-01' is in the future"),
        ("released", '"someday"', "released 'someday'"),
        ("url", '"ftp://x"', "url 'ftp://x'"),
        ("models", "[]", "models []"),
        ("component", '""', "component must be a non-empty string"),
        ("colour", '"red"', "unknown field 'colour'"),
    ],
)
def test_every_bad_field_is_one_line_naming_it_and_nothing_is_stored(cli, db_url, tmp_path, field, value, named):
    good = _catalogue(tmp_path, "7.00.00.171", name="a.toml")
    text = DELL.format(version="7.10.00.00", severity="high")
    lines = [line for line in text.splitlines() if not line.startswith(f"{field} =")]
    at = lines.index('component = "Integrated Dell Remote Access Controller"') if field != "component" else 4
    lines.insert(at, f"{field} = {value}")
    bad = tmp_path / "b.toml"
    bad.write_text("\n".join(lines), encoding="utf-8")
    before, chain = counts(db_url), audit(db_url)
    result = cli("advisory", "import", str(good), str(bad))
    assert result.code == 2 and result.out == ""
    errors = result.err.strip().splitlines()
    assert any(named in e and "b.toml, release 1" in e for e in errors), errors
    assert errors[-1].endswith("nothing was imported")
    assert counts(db_url) == before and audit(db_url) == chain


def test_a_bad_json_catalogue_names_the_file(cli, db_url, tmp_path):
    path = tmp_path / "huawei.json"
    path.write_text('{"vendor": "Huawei", "release": [', encoding="utf-8")
    result = cli("advisory", "import", str(path))
    assert result.code == 2 and "huawei.json: not valid JSON" in result.err
    assert len(result.err.strip().splitlines()) == 1 and counts(db_url)["releases"] == 0


def _signed(updated: datetime | None) -> dict:
    answer = report()
    answer["identity"]["vendor"], answer["identity"]["model"] = "Sangfor", "AF-1000"
    answer["identity"]["firmware"] = {"AF": "8.0.85"}
    entry = {"version": "20261201.01"}
    if updated is not None:
        entry["updated"] = updated.isoformat()
    answer["archive"] = {"hardware": {}, "system": {"signatures": {"antivirus": entry}}, "raid": {}, "backup": {},
                         "firmware": {}}  # fmt: skip
    return answer


def test_stale_signatures_are_advisories_with_a_site_s_own_maximum_age(cli, scenario, db_url):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("device", "add", "fw01", "--site", "hq", "--kind", "server", "--endpoint", "scenario://fw01")
    now = datetime.now(UTC)
    scenario("fw01", _signed(now - timedelta(days=3)))
    cli.ok("health", "--record")
    assert cli.ok("advisory", "list", "-f", "json").json() == []  # 3 days: within the default 7
    cli.ok("advisory", "signature-age", "--site", "hq", "--max", "2d")
    result = cli("advisory", "list", "-f", "json")
    assert result.code == 1
    [line] = result.json()
    assert (line["kind"], line["component"], line["age_days"], line["severity"]) == (
        "signature",
        "antivirus",
        3,
        "high",
    )
    assert line["installed"] == "20261201.01"
    cli.ok("advisory", "signature-age", "--site", "hq", "--default")
    assert cli("advisory", "list").code == 0
    assert [e.action for e in audit(db_url) if e.entity == "signature-age"] == ["set", "reset"]
    scenario("fw01", _signed(None))  # no date: unknown, never silently fine
    cli.ok("health", "--record")
    [unknown] = cli.ok("advisory", "list", "-f", "json").json()
    assert unknown["state"] == "unknown" and unknown["kind"] == "signature"


def test_unknown_site_and_device_are_refused(cli):
    cli.ok("site", "add", "hq", "--customer", "B")
    for argv, named in ((["--site", "nowhere"], "'nowhere'"), (["--device", "ghost"], "'ghost'")):
        result = cli("advisory", "list", *argv)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1


def test_the_catalogue_file_is_not_read_after_import(cli, tmp_path):
    path = _catalogue(tmp_path, "7.00.00.171")
    cli.ok("advisory", "import", str(path))
    path.unlink()
    assert json.loads(cli.ok("advisory", "releases", "-f", "json").out)[0]["version"] == "7.00.00.171"

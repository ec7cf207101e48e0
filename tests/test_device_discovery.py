"""`dcmaint device import --from URL`: every device a manager endpoint knows, into the register (both backends).

A test plugin installed through a real entry point (like tests/scenario.py)
serves ``fakevc://``: its ``discover`` answers what the test writes (a list
of devices, or a contract error), and a second driver of it serves
``nodisc://`` without ``discover``. The real vCenter is the vSphere plugin's
business and is tested there.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import audit, counts
from tests.scenario import install_plugin

PLUGIN = """
import json, os
from pathlib import Path
from dcmaint.drivers import (AuthFailed, DeviceIdentity, DeviceReport, FoundDevice, HypervisorDriver,
                             ServerDriver, SyncDriver, Unreachable, hookimpl)

ERRORS = {"unreachable": Unreachable, "auth_failed": AuthFailed}


class FakeVc(SyncDriver, HypervisorDriver):
    name = "fakevc"
    version = "1.0"
    schemes = ("fakevc",)

    def discover_sync(self, target):
        answer = json.loads((Path(os.environ["FAKEVC_DIR"]) / "answer.json").read_text())
        (Path(os.environ["FAKEVC_DIR"]) / "asked.json").write_text(json.dumps({
            "endpoint": target.endpoint, "username": target.username,
            "secret": target.credential.reveal() if target.credential else None,
            "verify": target.tls.verify, "site": target.site, "timeout": target.timeout,
        }))
        if "error" in answer:
            secret = target.credential.reveal() if target.credential else ""
            raise ERRORS[answer["error"]](answer["message"].replace("SECRET", secret))
        if "garbage" in answer:
            return "not a list"
        return [FoundDevice(d["name"], d.get("kind", "hypervisor"), d["endpoint"],
                            DeviceIdentity(vendor=d.get("vendor"), model=d.get("model"), serial=d.get("serial")),
                            options=d.get("options", {}), note=d.get("note")) for d in answer["devices"]]

    def poll_sync(self, target):
        return DeviceReport(DeviceIdentity())


class NoDiscover(ServerDriver):
    name = "nodisc"
    version = "1.0"
    schemes = ("nodisc",)

    async def poll(self, target):
        return DeviceReport(DeviceIdentity())


@hookimpl
def dcmaint_register_drivers(register):
    register(FakeVc)
    register(NoDiscover)
"""

SECRET = "vc-S3cret-pw"
VC = {
    "name": "vc01",
    "endpoint": "fakevc://vc01.example/",
    "vendor": "VMware",
    "model": "vCenter 8",
    "note": "the manager",
}


def host(number: int, cluster: str = "C0", **extra: Any) -> dict[str, Any]:
    return {
        "name": f"esx{number:02d}",
        "endpoint": f"fakevc://vc01.example/?host=host-{number}",
        "vendor": "Dell Inc.",
        "model": "PowerEdge R650",
        "serial": f"SN{number:04d}",
        "options": {"host": f"host-{number}"},
        "note": f"in cluster {cluster}",
        **extra,
    }


@pytest.fixture
def fakevc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any], None]]:
    install_plugin(tmp_path / "fakevc-site", monkeypatch, "fakevc", PLUGIN)
    answers = tmp_path / "fakevc-answers"
    answers.mkdir()
    monkeypatch.setenv("FAKEVC_DIR", str(answers))
    monkeypatch.setenv("VC_PASSWORD", SECRET)
    yield lambda answer: (answers / "answer.json").write_text(json.dumps(answer))
    sys.modules.pop("dcmaint_fakevc", None)


@pytest.fixture
def hq(cli, fakevc):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    return cli


LOGIN = ("--site", "hq", "--username", "monitor@vsphere.local", "--credential", "env:VC_PASSWORD", "--insecure")


def devices(cli) -> list[dict[str, Any]]:
    return cli.ok("device", "list", "-f", "json").json()


def store(cli, db_url: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The devices table and the row counts of every table (the audit log included)."""
    return devices(cli), counts(db_url)


def one_line(result, code: int, *named: str) -> None:
    assert result.code == code, result
    assert result.out == "" and len(result.err.strip().splitlines()) == 1, result.err
    assert result.err.startswith("dcmaint: error: "), result.err
    for text in named:
        assert text in result.err, (text, result.err)
    assert SECRET not in result.err


def test_the_first_import_adds_the_manager_and_every_host(hq, fakevc, db_url, tmp_path):
    fakevc({"devices": [VC, host(1), host(2, "C1")]})
    result = hq.ok("device", "import", "--from", "fakevc://vc01.example/", *LOGIN, "-f", "json")
    data = result.json()
    assert result.err == ""
    assert (data["source"], data["site"], data["driver"], data["dry_run"]) == (
        "fakevc://vc01.example/",
        "hq",
        "fakevc",
        False,
    )
    assert (data["added"], data["unchanged"], data["gone"], data["skipped"]) == (3, 0, 0, 0)
    assert [d["name"] for d in data["added_devices"]] == ["vc01", "esx01", "esx02"]
    assert data["added_devices"][2]["note"] == "in cluster C1"
    stored = {d["name"]: d for d in devices(hq)}
    esx = stored["esx02"]
    assert (esx["driver"], esx["kind"], esx["endpoint"]) == (
        "fakevc",
        "hypervisor",
        "fakevc://vc01.example/?host=host-2",
    )
    assert (esx["vendor"], esx["model"], esx["serial"]) == ("Dell Inc.", "PowerEdge R650", "SN0002")
    assert (esx["username"], esx["credential"], esx["tls_verify"]) == (
        "monitor@vsphere.local",
        "env:VC_PASSWORD",
        False,
    )
    assert esx["options"] == {"host": "host-2"}
    asked = json.loads((tmp_path / "fakevc-answers" / "asked.json").read_text())
    assert asked["secret"] == SECRET and asked["username"] == "monitor@vsphere.local" and asked["site"] == "hq"
    assert [(entry.entity, entry.action) for entry in audit(db_url)][-3:] == [("device", "add")] * 3
    assert SECRET not in json.dumps([entry.after for entry in audit(db_url)], default=str)
    table = hq.ok("device", "import", "--from", "fakevc://VC01.example", *LOGIN)
    assert "Unchanged  3" in table.out and "Added      0" in table.out


def test_a_rerun_adds_only_the_new_and_reports_the_gone_without_deleting(hq, fakevc):
    fakevc({"devices": [VC, host(1), host(2)]})
    hq.ok("device", "import", "--from", "fakevc://vc01.example/", *LOGIN)
    hq.ok("device", "add", "other", "--site", "hq", "--kind", "hypervisor", "--endpoint", "fakevc://vc02.example/")
    fakevc({"devices": [VC, host(1), host(3)]})
    result = hq.ok("device", "import", "--from", "fakevc://vc01.example/", *LOGIN, "-f", "json")
    data = result.json()
    assert [d["name"] for d in data["added_devices"]] == ["esx03"]
    assert [d["name"] for d in data["unchanged_devices"]] == ["vc01", "esx01"]
    assert [(d["name"], d["reason"]) for d in data["gone_devices"]] == [("esx02", "gone from fakevc://vc01.example/")]
    assert result.err == "dcmaint: warning: esx02: gone from fakevc://vc01.example/ (kept in the register)\n"
    assert sorted(d["name"] for d in devices(hq)) == ["esx01", "esx02", "esx03", "other", "vc01"]


def test_a_name_taken_at_the_site_is_skipped_with_a_warning(hq, fakevc):
    hq.ok("device", "add", "esx02", "--site", "hq", "--kind", "server", "--endpoint", "nodisc://esx02.example")
    fakevc({"devices": [VC, host(1), host(2), host(4, name="bad name/4")]})
    result = hq.ok("device", "import", "--from", "fakevc://vc01.example/", *LOGIN)
    warnings = result.err.splitlines()
    assert warnings[0] == (
        "dcmaint: warning: esx02: skipped: the name 'esx02' is taken at site 'hq' by a device with endpoint "
        "nodisc://esx02.example"
    )
    assert warnings[1].startswith("dcmaint: warning: bad name/4: skipped: ") and len(warnings) == 2
    assert "Added      2" in result.out and "Skipped    2" in result.out
    assert {d["name"]: d["endpoint"] for d in devices(hq)}["esx02"] == "nodisc://esx02.example"


def test_a_dry_run_writes_nothing(hq, fakevc, db_url):
    fakevc({"devices": [VC, host(1)]})
    before = store(hq, db_url)
    result = hq.ok("device", "import", "--from", "fakevc://vc01.example/", *LOGIN, "--dry-run")
    assert "esx01" in result.out and "in cluster C0" in result.out and "Dry run    yes" in result.out
    assert store(hq, db_url) == before


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("--from", "fakevc:/vc01"), ("invalid --from 'fakevc:/vc01'", "known schemes: fakevc, nodisc")),
        (("--from", "ftp://vc01.example/"), ("invalid --from 'ftp://vc01.example/'", "'ftp'")),
        (("--from", "nodisc://bmc01"), ("driver 'nodisc'", "nodisc://", "does not implement discover")),
        (("--from", "fakevc://root:Hunter2@vc01/"), ("--from 'fakevc://root:********@vc01/' holds a password",)),
        (("--from", "fakevc://vc01/", "--site", "nowhere"), ("unknown site 'nowhere'",)),
        (("--from", "fakevc://vc01/", "--fingerprint", "AB:CD"), ("AB:CD",)),
        (("--from", "fakevc://vc01/", "--credential", "Hunter2"), ("a credential must be a reference",)),
        (("--from", "fakevc://vc01/", "--credential", "env:NOT_SET_VC"), ("NOT_SET_VC",)),
        (("--from", "fakevc://vc01/", "--insecure", "--fingerprint", "AB:CD"), ("--insecure",)),
        (("--from", "fakevc://vc01/", "--mapping", "m.toml"), ("--mapping applies to a FILE",)),
        (("list.csv", "--from", "fakevc://vc01/"), ("either a FILE or --from",)),
        (("list.csv", "--username", "x"), ("--username applies to --from",)),
        (("--from", "fakevc://vc01/", "--timeout", "0"), ("--timeout",)),
    ],
)
def test_bad_input_is_one_line_naming_it_and_writes_nothing(hq, fakevc, db_url, argv, named):
    fakevc({"devices": [VC, host(1)]})
    before = store(hq, db_url)
    argv = argv if "--site" in argv or "list.csv" in argv else (*argv, "--site", "hq")
    result = hq("device", "import", *argv)
    one_line(result, 2, *named)
    assert "Hunter2" not in result.err
    assert store(hq, db_url) == before


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (
            {"error": "auth_failed", "message": "login refused for SECRET"},
            ("login refused for ********", "auth_failed"),
        ),
        ({"error": "unreachable", "message": "vc01.example:443: connection refused"}, ("connection refused",)),
        ({"garbage": True}, ("driver returned str instead of a list of FoundDevice", "invalid_report")),
    ],
)
def test_a_source_that_cannot_be_asked_is_one_line_exit_1_and_writes_nothing(hq, fakevc, db_url, answer, named):
    fakevc(answer)
    before = store(hq, db_url)
    result = hq("device", "import", "--from", "fakevc://vc01.example/", *LOGIN)
    one_line(result, 1, "cannot list the devices behind fakevc://vc01.example/", *named)
    assert store(hq, db_url) == before

"""`dcmaint archive snapshot` against the Redfish simulator: a real BMC peer over HTTP.

The simulated server is polled by the in-tree Redfish driver exactly as a
real iDRAC or iLO would be; between two snapshots a disk is swapped on the
BMC (``POST /sim/replace``, what a technician's work looks like to the BMC),
and the archive must show that disk's slot with its old and new serial, and
nothing else. A BMC that stops answering is reported and skipped.
"""

from __future__ import annotations

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from tests.helpers import counts


@pytest.fixture
def bmcs():
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=2, flavours=("dell-idrac9",))) as sim:
        yield sim


@pytest.fixture
def lab(cli, bmcs, monkeypatch):
    monkeypatch.setenv("BMC_PW", "any-password")
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "redfish")
    cli.ok("site", "add", "lab", "--customer", "Lab")
    for n, endpoint in enumerate(bmcs.endpoints, 1):
        cli.ok(
            "device", "add", f"bmc{n}", "--site", "lab", "--kind", "server", "--driver", "redfish",
            "--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip
    return cli


def test_a_disk_swapped_on_the_bmc_is_the_only_change_between_two_snapshots(lab, bmcs, db_url):
    from dcmaint_redfish.sim.demo import replace_part

    first = lab.ok("archive", "snapshot", "--site", "lab", "--timeout", "30", "-f", "json").json()
    assert [(d["device"], d["outcome"], d["version"]) for d in first] == [("bmc1", "stored", 1), ("bmc2", "stored", 1)]
    again = lab.ok("archive", "snapshot", "--site", "lab", "--timeout", "30", "-f", "json").json()
    assert [d["outcome"] for d in again] == ["unchanged", "unchanged"]  # a poll changes nothing by itself
    replace_part(bmcs.endpoints[0], "disk:1", "NEWDISK0001")
    third = lab.ok("archive", "snapshot", "--site", "lab", "--timeout", "30", "-f", "json").json()
    assert [(d["device"], d["outcome"], d["version"]) for d in third] == [
        ("bmc1", "stored", 2),
        ("bmc2", "unchanged", 1),
    ]
    changes = lab.ok("archive", "diff", "bmc1", "-f", "json").json()["changes"]
    replaced = [c for c in changes if c["kind"] == "replaced"]
    assert len(replaced) == 1 and replaced[0]["new"] == "NEWDISK0001" and replaced[0]["old"]
    assert replaced[0]["subject"].startswith("disk ")
    assert counts(db_url)["archive_versions"] == 3
    page = lab.ok("archive", "show", "bmc1", "--format", "md", "--output", "-").out
    assert "NEWDISK0001" in page and "硬件配置" in page


def test_a_bmc_that_does_not_answer_is_reported_and_skipped(lab, bmcs, db_url):
    lab.ok("device", "edit", "bmc2", "--endpoint", "http://127.0.0.1:9")  # nothing listens on the discard port
    result = lab("archive", "snapshot", "--site", "lab", "--timeout", "10", "-f", "json")
    assert result.code == 1, result.err
    lines = {d["device"]: d for d in result.json()}
    assert lines["bmc1"]["outcome"] == "stored" and lines["bmc2"]["outcome"] == "failed"
    assert lines["bmc2"]["message"] and counts(db_url)["archive_versions"] == 1


def test_concurrent_snapshots_store_each_change_once(lab, db_url, home):
    """Two collectors snapshotting the same BMCs at once: one version per device, both runs end well."""
    from tests.helpers import race_outputs

    argv = ["archive", "snapshot", "--site", "lab", "--timeout", "30", "--format", "json"]
    results = race_outputs(db_url, home, [argv] * 3)
    assert [code for code, _out, _err in results] == [0, 0, 0], [err for _c, _o, err in results]
    assert counts(db_url)["archive_versions"] == 2
    lines = lab.ok("archive", "list", "bmc1", "-f", "json").json()
    assert [line["version"] for line in lines] == [1]

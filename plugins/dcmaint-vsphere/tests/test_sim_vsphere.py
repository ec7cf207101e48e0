"""``dcmaint sim vsphere`` as a user runs it: a vCenter and its hosts, faults where the grammar puts them,
one clear line when something is wrong or missing, and its place in ``dcmaint demo``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from vs_peers import harness

from dcmaint.drivers import ComponentKind, DriverError, Health, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint.testing.processes import DcmaintProcess, alive, wait_until
from dcmaint_vsphere.driver import VsphereDriver
from dcmaint_vsphere.sim import plan
from dcmaint_vsphere.sim.simulator import VsphereSimulator


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    return {**env, "DCMAINT_LANG": "en", "DCMAINT_HOME": str(tmp_path / "home"), **extra}


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dcmaint", "sim", "vsphere", *args],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _targets(endpoints: list[dict[str, Any]]) -> list[Target]:
    return [
        Target(e["name"], "hypervisor", e["url"], username=e["username"], credential=Secret("any-password"))
        for e in endpoints
    ]


def test_five_hosts_a_failed_psu_on_host2_and_a_full_datastore_on_the_vcenter(tmp_path: Path) -> None:
    harness()  # built (or skipped, failed under CI) before the CLI's own start-up clock runs
    endpoints_file = tmp_path / "endpoints.json"
    args = ["sim", "vsphere", "--hosts", "5", "--faults", "host2:psu,full:1", "--endpoints-file", str(endpoints_file)]
    process = DcmaintProcess(args, _env(tmp_path), tmp_path / "sim")
    try:
        wait_until(lambda: endpoints_file.exists() or not process.running(), what="the simulator's endpoints file")
        assert process.running(), process.stderr()
        document = json.loads(endpoints_file.read_text(encoding="utf-8"))
        endpoints = document["endpoints"]
        assert [e["name"] for e in endpoints] == ["vcsim-vc", "host1", "host2", "host3", "host4", "host5"]
        center = endpoints[0]
        assert center["url"].startswith("vsphere+http://127.0.0.1:") and center["url"].endswith("/")
        assert all(e["url"].startswith(center["url"] + "host/") for e in endpoints[1:])
        assert [e["flavour"] for e in endpoints] == ["vcenter", *plan.FLAVOURS, *plan.FLAVOURS[:2]]
        assert [e["faults"] for e in endpoints] == [["full:1"], [], ["psu"], [], [], []]
        assert {e["password_hint"] for e in endpoints} == {"any non-empty password"}

        answers = asyncio.run(VsphereDriver().poll_batch(_targets(endpoints)))
    finally:
        if process.running():
            process.signal_parent(signal.SIGTERM)
        code = process.wait()
    assert code == 0, process.stderr()
    assert not endpoints_file.exists()
    assert not [pid for pid in process.workers() if alive(pid)]

    for name, report in answers.items():
        assert not isinstance(report, DriverError), (name, report)
    faults = answers["host2"].faults()
    assert [(c.kind, c.location, c.health) for c in faults] == [(ComponentKind.PSU, "PSU 2", Health.CRITICAL)]
    for name in ("host1", "host3", "host4", "host5"):
        assert answers[name].status is Health.OK and answers[name].faults() == (), name
    datastores = [c for c in answers["vcsim-vc"].faults() if c.location.startswith("Datastore ")]
    assert [c.location for c in datastores] == ["Datastore LocalDS_0"]
    assert answers["vcsim-vc"].archive is not None
    assert answers["vcsim-vc"].archive.system["hosts"] == 5


@pytest.mark.parametrize(
    ("faults", "named"),
    [
        ("host2:psu,host3:hang", "'host3:hang'"),
        ("full:3", "'full:3'"),
        ("host2:full:1", "'host2:full:1'"),
        ("host1:dimm:2", "'host1:dimm:2'"),
    ],
)
def test_a_fault_it_cannot_serve_is_one_line_and_exit_2(tmp_path: Path, faults: str, named: str) -> None:
    done = _run(tmp_path, "--hosts", "3", "--faults", faults)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dcmaint: error: bad fault ") and named in lines[0], done.stderr
    assert done.stdout == ""


def test_without_go_one_line_says_what_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = _run(tmp_path, "--hosts", "2", PATH=str(empty))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        (
            "dcmaint: error: the vSphere simulator needs Go: install Go and govmomi's sources "
            "(Debian: apt-get install golang-go golang-github-vmware-govmomi-dev)"
        )
    ]


@pytest.mark.parametrize("hosts", [1, 2, 5, 17, 18, 100, 250, 1999, 2000])
def test_hosts_are_spread_over_clusters_of_at_most_16_and_add_up(hosts: int) -> None:
    layout = plan.Layout.of(hosts)
    assert layout.clusters * layout.cluster_hosts + layout.standalone == hosts
    assert layout.cluster_hosts <= plan.CLUSTER_MAX and layout.standalone >= 1
    assert layout.standalone <= max(1, layout.clusters)


def test_faults_become_the_harness_items_hosts_and_datastores_counted_from_0() -> None:
    options = SimulatorOptions(
        count=10, faults="host2-4:dimm,every5:fan,host1:disconnected,dsalarm:2,inaccessible", latency_ms=2.5
    )
    inventory = plan.inventory(options)
    assert sorted(inventory.faults) == sorted(
        ["dimm=1", "dimm=2", "dimm=3", "fan=4", "fan=9", "disconnected=0", "dsalarm=1", "inaccessible=0"]
    )
    assert inventory.delay_ms == 3 and inventory.any_password and inventory.listen == "127.0.0.1:0"
    fixed = plan.inventory(SimulatorOptions(count=2, password="s3cret", username="ops", port=8989))
    login = ("ops", "s3cret", False, "127.0.0.1:8989")
    assert (fixed.username, fixed.password, fixed.any_password, fixed.listen) == login


def test_it_serves_one_endpoint_more_than_hosts_and_offers_the_demo_a_fleet_that_fits() -> None:
    from dcmaint.drivers.sim_demo import fleet_problem

    simulator = VsphereSimulator()
    assert simulator.endpoint_count(SimulatorOptions(count=3)) == 4
    harness()
    fleet = simulator.demo()
    assert fleet_problem(fleet, simulator) is None
    assert fleet.driver == "vsphere" and len(fleet.devices) == fleet.options.count + 1


def test_without_go_the_demo_leaves_the_vsphere_fleet_out_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dcmaint.cli.demo_fleets import _offer

    monkeypatch.setenv("PATH", str(tmp_path))
    offer = _offer(VsphereSimulator, {"vsphere"}, set())
    assert isinstance(offer, str) and "needs Go" in offer and "apt-get install golang-go" in offer


def test_importing_the_plugin_imports_neither_pyvmomi_nor_the_harness() -> None:
    heavy = ("pyVmomi", "pyVim", "dcmaint_vsphere.sim.vcsim", "dcmaint_vsphere.sim.simulator")
    code = (
        "import sys, dcmaint_vsphere; "
        "assert hasattr(dcmaint_vsphere, 'dcmaint_register_simulators'); "
        f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

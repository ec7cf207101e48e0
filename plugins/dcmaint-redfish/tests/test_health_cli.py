"""`dcmaint health` end to end: the CLI, the installed plugin and simulated BMCs over HTTP.

The CLI runs as a separate process, as a monitoring system would call it;
the simulator serves from this process so the test can count its sessions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint_redfish.sim import running

FAULTS = "bmc1:psu:2=critical,bmc2:disk:1=predicted,bmc4:http=401,bmc5:hang"


@pytest.fixture(scope="module")
def fleet():
    with running(SimulatorOptions(count=5, faults=FAULTS, flavours=("generic",))) as sim:
        yield sim


def dcmaint(tmp_path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(tmp_path / "home"), BMC_PW="any-password", DCMAINT_LOAD_PLUGINS="redfish")
    return subprocess.run([sys.executable, "-m", "dcmaint", *argv], capture_output=True, text=True, env=env, timeout=60)


def targets(sim, *numbers: int) -> list[str]:
    args = []
    for n in numbers:
        args += ["--target", sim.endpoints[n - 1].url]
    return [*args, "--username", "admin", "--password-ref", "env:BMC_PW"]


def test_nagios_check_of_one_bmc_with_a_failed_psu(fleet, tmp_path):
    done = dcmaint(tmp_path, "health", "--format", "nagios", *targets(fleet, 1))
    assert done.returncode == 2, done.stderr
    first, *long_output = done.stdout.strip().splitlines()
    assert first.startswith("DCMAINT CRITICAL - 127.0.0.1_")
    assert any(line.startswith("[CRITICAL]") and "psu PSU 2" in line and "input lost" in line for line in long_output)
    assert fleet.sessions(1) == 0


def test_a_fleet_with_every_kind_of_trouble_ends_on_time(fleet, tmp_path):
    # bmc5 never answers: the run ends at all only because its deadline abandons it (dcmaint's timeout: a hang guard)
    done = dcmaint(tmp_path, "health", "--format", "json", "--timeout", "3", *targets(fleet, 1, 2, 3, 4, 5))
    devices = json.loads(done.stdout)["devices"]
    by_port = {d["name"]: d for d in devices}
    assert done.returncode == 2  # the worst: a critical PSU
    statuses = [d["status"] for d in devices]
    assert statuses[:3] == ["critical", "warning", "ok"]
    assert (devices[3]["status"], devices[3]["error_kind"]) == ("unknown", "auth_failed")
    assert (devices[4]["status"], devices[4]["error_kind"]) == ("unknown", "timed_out")
    disk = devices[1]["faults"][0]
    assert disk["kind"] == "disk" and "predicted failure" in disk["reason"] and disk["serial"]
    assert len(by_port) == 5
    for n in (1, 2, 3, 4, 5):
        assert fleet.sessions(n) == 0, f"bmc{n} kept a session"


def test_registered_fleet_recorded_and_shown(fleet, tmp_path):
    assert dcmaint(tmp_path, "site", "add", "lab", "--customer", "测试").returncode == 0
    for n in (1, 2, 3):
        added = dcmaint(
            tmp_path,
            "device",
            "add",
            f"bmc{n}",
            "--site",
            "lab",
            "--kind",
            "server",
            "--driver",
            "redfish",
            "--endpoint",
            fleet.endpoints[n - 1].url,
            "--username",
            "admin",
            "--credential",
            "env:BMC_PW",
        )
        assert added.returncode == 0, added.stderr
    recorded = dcmaint(tmp_path, "health", "--record", "--format", "prometheus")
    assert recorded.returncode == 2
    assert 'dcmaint_device_status{site="lab",device="bmc1",driver="redfish"} 2' in recorded.stdout
    shown = json.loads(dcmaint(tmp_path, "device", "show", "bmc1", "--format", "json").stdout)
    assert shown["last_poll"]["status"] == "critical"
    psu = [f for f in shown["open_faults"] if f["kind"] == "psu"]
    assert [f["location"] for f in psu] == ["PSU 2"] and psu[0]["serial"]
    assert shown["last_poll"]["report"]["identity"]["serial"]


def test_four_broken_parts_of_a_simulated_bmc_are_four_faults(tmp_path):
    broken = "psu:2=critical,disk:1=critical,dimm:1=degraded,fan:1=critical"
    with running(SimulatorOptions(count=1, faults=broken, flavours=("generic",))) as sim:
        done = dcmaint(tmp_path, "health", "--format", "nagios", *targets(sim, 1))
    status, *lines = done.stdout.strip().splitlines()
    assert done.returncode == 2 and "faults=4;" in status, done.stdout + done.stderr
    assert sorted(line.split(": ")[1] for line in lines) == [
        "dimm PROC 1 DIMM 1",
        "disk Bay 1",
        "fan Fan 1",
        "psu PSU 2",
    ]

"""`dcmaint health` over HTTP against the simulator's CDU and rack PDU: registered devices and ``--target``.

The CLI runs as a separate process, as a monitoring system would call it; the simulator serves from this
process so the test can count its sessions. Facility equipment is registered with the ``redfish-facility``
driver and its own kind (a CDU is ``cooling``, a rack PDU ``ups``).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from dcmaint.drivers import Health, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint_redfish.driver import RedfishFacilityDriver
from dcmaint_redfish.sim import running

FLAVOURS = ("cdu", "pdu", "cdu", "pdu")
FAULTS = "bmc3:filter:1=96,bmc3:leak:1,bmc4:breaker:2,bmc4:outlet:5"


@pytest.fixture(scope="module")
def fleet():
    with running(SimulatorOptions(count=4, faults=FAULTS, flavours=FLAVOURS)) as sim:
        yield sim


def dcmaint(home, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(home), BMC_PW="any-password", DCMAINT_LOAD_PLUGINS="redfish")
    return subprocess.run([sys.executable, "-m", "dcmaint", *argv], capture_output=True, text=True, env=env, timeout=60)


def register(home, fleet, name: str, number: int, kind: str) -> None:
    done = dcmaint(
        home,
        "device",
        "add",
        name,
        "--site",
        "plant",
        "--kind",
        kind,
        "--driver",
        "redfish-facility",
        "--endpoint",
        fleet.endpoints[number - 1].url.replace("http://", "redfish+http://", 1),
        "--username",
        "admin",
        "--credential",
        "env:BMC_PW",
    )
    assert done.returncode == 0, done.stderr


def faults_of(device: dict) -> set[tuple[str, str, str]]:
    return {(fault["kind"], fault["location"], fault["health"]) for fault in device["faults"]}


@pytest.fixture(scope="module")
def plant(fleet, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    assert dcmaint(home, "site", "add", "plant", "--customer", "测试").returncode == 0
    for name, number, kind in (("cdu-ok", 1, "cooling"), ("pdu-ok", 2, "ups"), ("cdu-bad", 3, "cooling")):
        register(home, fleet, name, number, kind)
    register(home, fleet, "pdu-bad", 4, "ups")
    return home


def test_healthy_registered_units_exit_0(plant, fleet):
    done = dcmaint(plant, "health", "cdu-ok", "pdu-ok", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    devices = {device["name"]: device for device in json.loads(done.stdout)["devices"]}
    assert {name: (d["status"], d["faults"]) for name, d in devices.items()} == {
        "cdu-ok": ("ok", []),
        "pdu-ok": ("ok", []),
    }
    assert fleet.sessions(1) == 0 and fleet.sessions(2) == 0


def test_faulty_units_show_the_expected_faults_only(plant, fleet):
    done = dcmaint(plant, "health", "cdu-bad", "pdu-bad", "--format", "json")
    assert done.returncode == 2, done.stdout + done.stderr
    devices = {device["name"]: device for device in json.loads(done.stdout)["devices"]}
    assert faults_of(devices["cdu-bad"]) == {
        ("filter", "Filter 1", "warning"),
        ("sensor", "Moisture Leak Detector", "critical"),
    }
    assert faults_of(devices["pdu-bad"]) == {
        ("other", "Branch Circuit CB2", "critical"),
        ("other", "Outlet A5", "critical"),
    }
    worn = next(fault for fault in devices["cdu-bad"]["faults"] if fault["kind"] == "filter")
    assert "9600 of 10000 rated service hours" in worn["reason"]
    assert fleet.sessions(3) == 0 and fleet.sessions(4) == 0


def test_the_filter_wear_option_is_honoured_over_http(fleet):
    target = Target(
        "cdu-bad",
        "cooling",
        fleet.endpoints[2].url,
        username="admin",
        credential=Secret("any-password"),
        timeout=20.0,
        options={"filter_wear": "97"},
    )
    report = asyncio.run(RedfishFacilityDriver().poll(target))
    assert {(c.location, c.health) for c in report.faults()} == {("Moisture Leak Detector", Health.CRITICAL)}


def test_a_pdu_polled_by_target_with_the_redfish_driver(fleet, tmp_path):
    url = fleet.endpoints[1].url.replace("http://", "redfish+http://", 1)
    done = dcmaint(tmp_path, "health", "--target", url, "--username", "admin", "--password-ref", "env:BMC_PW")
    assert done.returncode == 0, done.stdout + done.stderr
    nagios = dcmaint(
        tmp_path,
        "health",
        "--format",
        "nagios",
        "--target",
        fleet.endpoints[3].url,
        "--username",
        "admin",
        "--password-ref",
        "env:BMC_PW",
    )
    assert nagios.returncode == 2
    assert "breaker tripped" in nagios.stdout


def test_the_facility_driver_is_registered_without_schemes(tmp_path):
    done = dcmaint(tmp_path, "plugin", "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    drivers = {driver["name"]: driver for driver in json.loads(done.stdout)["drivers"]}
    assert drivers["redfish-facility"]["kinds"] == ["cooling", "ups"]
    assert drivers["redfish-facility"]["schemes"] == []
    assert drivers["redfish"]["kinds"] == ["server"]

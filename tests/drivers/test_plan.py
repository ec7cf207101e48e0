"""From the device register to poll jobs: targets with resolved credentials, and unpollable devices as results."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from example_drivers import QuietUpsDriver, ReplayServerDriver

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers import Health, target_from_device
from dcmaint.drivers import plan as plan_module
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.manager import DriverManager
from dcmaint.drivers.plan import plan_polls
from dcmaint.drivers.runner import run_jobs
from dcmaint.errors import SecretError
from tests.helpers import keyring_answering

FINGERPRINT = ":".join(["AB"] * 32)


def device(name: str, **fields) -> Device:
    values = {
        "site": "hq",
        "name": name,
        "kind": "server",
        "vendor": None,
        "model": None,
        "serial": None,
        "room": None,
        "rack": None,
        "rack_unit": None,
        "covered": True,
        "driver": "replay-server",
        "endpoint": "redfish://10.0.0.5",
        "username": "monitor",
        "credential": None,
        "tls_verify": True,
        "ca_file": None,
        "fingerprint": None,
        "notes": None,
    }
    values.update(fields)
    return Device(**values)


def test_a_target_carries_the_register_and_the_resolved_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCMAINT_TEST_BMC", "Bmc-Pa55")
    target = target_from_device(
        device("srv-1", credential="env:DCMAINT_TEST_BMC", ca_file="/etc/ca.pem", fingerprint=FINGERPRINT), timeout=12.5
    )
    assert (target.name, target.kind, target.endpoint, target.username, target.site, target.driver) == (
        "srv-1",
        DeviceKind.SERVER,
        "redfish://10.0.0.5",
        "monitor",
        "hq",
        "replay-server",
    )
    assert target.credential is not None and target.credential.reveal() == "Bmc-Pa55"
    assert (target.tls.verify, target.tls.ca_file, target.tls.fingerprint) == (True, Path("/etc/ca.pem"), FINGERPRINT)
    assert target.timeout == 12.5
    assert "Bmc-Pa55" not in repr(target)


def test_a_missing_credential_is_a_secret_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DCMAINT_TEST_MISSING", raising=False)
    with pytest.raises(SecretError):
        target_from_device(device("srv-1", credential="env:DCMAINT_TEST_MISSING"))


def test_unpollable_devices_become_results_and_the_rest_jobs(
    driver_manager: DriverManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DCMAINT_TEST_MISSING", raising=False)
    driver_manager.register_driver(ReplayServerDriver)
    driver_manager.register_driver(QuietUpsDriver)
    devices = [
        device("srv-1"),
        device("srv-2", endpoint="redfish://10.0.0.6"),
        device("ups-1", kind="ups", driver="quiet-ups"),
        device("no-driver", driver=None),
        device("unknown", driver="redfish"),
        device("wrong-kind", kind="cooling"),
        device("bad-secret", credential="env:DCMAINT_TEST_MISSING"),
    ]
    plan = plan_polls(devices, driver_manager, timeout=7)
    assert [job.target.name for job in plan.jobs] == ["srv-1", "srv-2", "ups-1"]
    assert plan.jobs[0].driver is plan.jobs[1].driver  # one instance per driver
    assert all(job.target.timeout == 7 for job in plan.jobs)
    settled = {result.device: result for result in plan.settled}
    assert {name: result.error for name, result in settled.items()} == dict.fromkeys(
        ["no-driver", "unknown", "wrong-kind", "bad-secret"], ErrorKind.NOT_CONFIGURED
    )
    assert all(result.status is Health.UNKNOWN and result.site == "hq" for result in plan.settled)
    assert "dcmaint device edit no-driver --driver NAME" in settled["no-driver"].message
    assert "known drivers: quiet-ups, replay-server" in settled["unknown"].message
    assert "does not serve cooling devices" in settled["wrong-kind"].message
    results = run_jobs(plan.jobs, timeout=5)
    assert [(r.device, r.status, r.site) for r in results] == [
        ("srv-1", Health.OK, "hq"),
        ("srv-2", Health.CRITICAL, "hq"),
        ("ups-1", Health.OK, "hq"),
    ]


@pytest.fixture
def slow_keyring() -> Iterator[None]:
    with keyring_answering("Bmc-Pa55", after=0.3):
        yield


@pytest.mark.usefixtures("slow_keyring")
def test_the_credential_lookup_counts_against_the_devices_deadline(driver_manager: DriverManager) -> None:
    driver_manager.register_driver(ReplayServerDriver)
    devices = [device("srv-1", credential="keyring:dcmaint-bmc/monitor"), device("srv-2")]
    looked_up, plain = plan_polls(devices, driver_manager, timeout=7).jobs
    assert looked_up.spent >= 0.3 and plain.spent == 0
    assert looked_up.target.timeout == pytest.approx(7 - looked_up.spent, abs=0.01)  # the driver's own timeouts fit too
    assert looked_up.target.credential is not None and looked_up.target.credential.reveal() == "Bmc-Pa55"
    assert plain.target.timeout == 7


@pytest.mark.usefixtures("slow_keyring")
def test_a_lookup_that_leaves_no_time_to_poll_settles_its_device(
    driver_manager: DriverManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver_manager.register_driver(ReplayServerDriver)
    monkeypatch.setattr(plan_module, "LEAST_POLL", 1.9)  # a 0.3 s lookup of a 2 s deadline leaves 1.7 s: too little
    plan = plan_polls(
        [device("srv-1", credential="keyring:dcmaint-bmc/monitor"), device("srv-2")], driver_manager, timeout=2
    )
    assert [job.target.name for job in plan.jobs] == ["srv-2"]
    [settled] = plan.settled
    assert settled.error is ErrorKind.TIMED_OUT and settled.status is Health.UNKNOWN
    assert re.fullmatch(
        r"keyring:dcmaint-bmc/monitor: the credential lookup took 0\.\d+ s of the 2 s deadline;"
        r" no time was left to poll",
        settled.message,
    ), settled.message

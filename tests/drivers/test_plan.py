"""From the device register to poll jobs: targets with resolved credentials, and unpollable devices as results."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_drivers import QuietUpsDriver, ReplayServerDriver

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers import Health, target_from_device
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.manager import DriverManager
from dcmaint.drivers.plan import plan_polls
from dcmaint.drivers.runner import run_jobs
from dcmaint.errors import SecretError

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

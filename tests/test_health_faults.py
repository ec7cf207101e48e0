"""How the core turns a report into faults: one broken part is one fault, and "no health reported" is no fault.

The rules are in docs/health.md ("How dcmaint decides a part is faulty"); the
driver side (what Redfish says) is tested with the Redfish plugin. Here the
reports are written by hand, and the CLI tests use the scenario driver.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import (
    Alarm,
    Component,
    ComponentKind,
    ComponentRef,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
)
from dcmaint.drivers.result import PollResult
from dcmaint.services.health import faults_of
from dcmaint.testing import report_problems
from tests.helpers import counts
from tests.scenario import part, report

PSU = ComponentRef(ComponentKind.PSU, "PSU 2")
FAN = ComponentRef(ComponentKind.FAN, "Fan 3")


def _result(report: DeviceReport) -> PollResult:
    return PollResult.success("srv01", "scenario", report, 0.1, datetime(2026, 11, 25, tzinfo=UTC), site="hq")


def _broken(*, psu: Health = Health.CRITICAL, fan: Health = Health.CRITICAL) -> DeviceReport:
    return DeviceReport(
        DeviceIdentity(serial="CZ1"),
        components=[
            Component(
                "psu", "PSU 2", psu, reason="input lost" if psu.is_fault else None, part=PartIdentity(serial="P2")
            ),
            Component("fan", "Fan 3", fan, reason="stopped" if fan.is_fault else None),
            Component("nic", "Slot 3", Health.UNKNOWN, reason="no health reported"),
        ],
        sensors=[
            Sensor("Fan 3", 0.0, "RPM", Health.CRITICAL, component=FAN),
            Sensor("Inlet Temp", 45.0, "Cel", Health.WARNING),
        ],
        alarms=[
            Alarm("Power supply 2 failed", Health.WARNING, "PSU.Failed", "PSU 2", component=PSU),
            Alarm("Fan redundancy lost", Health.WARNING, "Fan.Redundancy", "System"),
            Alarm("Chassis intrusion", Health.WARNING, "Chassis.Intrusion", "System"),
        ],
    )


def test_a_sensor_or_alarm_about_a_failed_part_is_that_part_s_one_fault() -> None:
    report = _broken()
    assert report_problems(report) == []
    faults = faults_of(_result(report))
    assert [(f.kind, f.location, f.health.value) for f in faults] == [
        ("psu", "PSU 2", "critical"),
        ("fan", "Fan 3", "critical"),
        ("sensor", "Inlet Temp", "warning"),
        ("alarm", "System", "warning"),
    ]
    psu = faults[0]
    assert (psu.reason, psu.serial) == ("input lost", "P2")
    assert faults[-1].reason == "Fan redundancy lost; Chassis intrusion"  # one place, one fault


def test_the_part_s_fault_takes_the_worse_of_the_part_and_what_restates_it() -> None:
    report = _broken(fan=Health.WARNING)
    fan = next(f for f in faults_of(_result(report)) if f.kind == "fan")
    assert (fan.health, fan.reason) == (Health.CRITICAL, "stopped")


def test_a_linked_sensor_or_alarm_about_a_healthy_part_stays_a_fault_of_its_own() -> None:
    report = _broken(psu=Health.OK, fan=Health.OK)
    faults = {(f.kind, f.location): f for f in faults_of(_result(report))}
    assert set(faults) == {("sensor", "Fan 3"), ("sensor", "Inlet Temp"), ("alarm", "PSU 2"), ("alarm", "System")}
    assert faults[("alarm", "PSU 2")].reason == "Power supply 2 failed"


def test_a_part_without_health_is_no_fault_and_keeps_a_healthy_device_ok() -> None:
    quiet = DeviceReport(
        DeviceIdentity(serial="CZ1"),
        components=[Component("nic", "Slot 3", Health.UNKNOWN, reason="no health reported")],
        rollup=Health.OK,
    )
    result = _result(quiet)
    assert result.status is Health.OK and faults_of(result) == []


def test_the_conformance_kit_refuses_a_link_to_no_component() -> None:
    report = DeviceReport(DeviceIdentity(), alarms=[Alarm("PSU failed", Health.CRITICAL, component=PSU)])
    assert report_problems(report) == ["alarms[0].component: names psu 'PSU 2', which is not a component of the report"]


def _linked_alarm(**extra: object) -> dict[str, object]:
    return {
        "message": "Power supply failure",
        "severity": "critical",
        "code": "PsuFailure",
        "source": "PSU 2",
        "raised_at": None,
        **extra,
    }


@pytest.fixture
def room(cli, scenario):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--driver", "scenario",
           "--endpoint", "scenario://srv01")  # fmt: skip
    return cli, scenario


def test_nagios_counts_one_fault_per_broken_part(room):
    cli, scenario = room
    broken = report(
        part("psu", "PSU 1", serial="A1"),
        part("psu", "PSU 2", "critical", "PSU 2: input lost", serial="A2"),
    )
    scenario("srv01", {**broken, "alarms": [_linked_alarm(component={"kind": "psu", "location": "PSU 2"})]})
    result = cli("health", "--format", "nagios")
    assert result.code == 2 and "faults=1;" in result.out.splitlines()[0]


def test_a_device_whose_adapter_reports_no_health_is_ok(room):
    cli, scenario = room
    quiet = report(part("psu", "PSU 1", serial="A1"), part("nic", "Slot 3", "unknown", "no health reported"))
    scenario("srv01", quiet)
    result = cli("health", "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["devices"][0]["faults"] == []


def test_monitoring_opens_one_ticket_for_a_part_and_the_alarm_restating_it(room, db_url):
    cli, scenario = room
    broken = report(part("psu", "PSU 2", "critical", "PSU 2: input lost", serial="A2"))
    restated = _linked_alarm(component={"kind": "psu", "location": "PSU 2"})
    other = _linked_alarm(message="Fan redundancy lost", severity="warning", code="FanRedundancy", source="System")
    scenario("srv01", {**broken, "alarms": [restated, other]})
    result = cli("health", "--record", "--open-tickets")
    assert result.code == 2 and "opened 2 tickets" in result.err
    tickets = cli.ok("ticket", "list", "-f", "json").json()
    summaries = sorted(ticket["summary"] for ticket in tickets)
    assert "input lost" in summaries[1] and "Fan redundancy lost" in summaries[0]
    assert counts(db_url)["tickets"] == 2

"""IF-MIB alarms: which ports are uplinks, and the error rule that a few historic errors cannot trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import faults_of
from dcmaint.testing.checks import report_problems
from dcmaint_snmp.profiles import by_name
from dcmaint_snmp.profiles.network import SAMPLES
from dcmaint_snmp.profiles.network.interfaces import DEFAULT_ERROR_MIN, DEFAULT_ERROR_RATIO, Rules
from dcmaint_snmp.snapshot import Snapshot

IF = "1.3.6.1.2.1.2.2.1"
IFX = "1.3.6.1.2.1.31.1.1.1"


def h3c(options: dict[str, str], faults: str = "") -> DeviceReport:
    """The H3C sample: GE1/0/1 up with 17 historic errors, GE1/0/2 admin-up/oper-down, GE2/0/1 shut down,
    XGE1/0/25 and XGE2/0/25 uplinks ("Uplink to core-N" in ifAlias)."""
    agent = next(sample for sample in SAMPLES if sample.profile == "switch-h3c")
    profile = by_name("switch-h3c")
    assert profile is not None
    report = profile.parse(agent.build(parse_faults(faults) if faults else ()), options)
    assert report_problems(report) == []
    return report


def places(report: DeviceReport) -> list[tuple[str, Health]]:
    found = faults_of(PollResult.success("sw1", "snmp", report, 0.1, datetime.now(UTC)))
    return [(fault.location, fault.health) for fault in found]


def test_an_access_port_that_is_down_is_no_alarm_by_default() -> None:
    assert places(h3c({})) == []


@pytest.mark.parametrize("uplinks", ["GE1/0/2", "ge1/0/*", "GigabitEthernet1/0/2", "XGE1/0/25, GE1/0/2"])
def test_the_uplinks_option_names_ports_by_ifname_or_ifdescr_with_wildcards(uplinks: str) -> None:
    assert places(h3c({"uplinks": uplinks})) == [("GE1/0/2", Health.CRITICAL)]


def test_the_uplinks_option_replaces_the_ifalias_default() -> None:
    assert places(h3c({"uplinks": "GE1/0/1"}, "uplink:1")) == []
    assert places(h3c({}, "uplink:1")) == [("XGE1/0/25", Health.CRITICAL)]


def test_uplinks_none_turns_the_check_off() -> None:
    assert places(h3c({"uplinks": "none"}, "uplink:1,uplink:2")) == []


def test_an_uplink_the_switch_does_not_have_is_an_alarm() -> None:
    report = h3c({"uplinks": "XGE1/0/25,XGE3/0/25"})
    (alarm,) = report.alarms
    assert (alarm.code, alarm.source, alarm.severity) == ("IF.UPLINK_MISSING", "XGE3/0/25", Health.CRITICAL)


def test_a_shut_down_uplink_is_off_on_purpose() -> None:
    assert places(h3c({"uplinks": "GE2/0/1"})) == []


def test_historic_errors_trip_the_rule_only_when_the_limits_are_lowered() -> None:
    assert places(h3c({})) == []
    loose = places(h3c({"error_min": "1", "error_ratio": "0.000000001"}))
    assert ("GE1/0/1", Health.WARNING) in loose and all(health is Health.WARNING for _, health in loose)


def test_error_ratio_off_and_a_high_minimum_silence_the_error_alarm() -> None:
    assert places(h3c({}, "errors:1")) == [("XGE1/0/25", Health.WARNING)]
    assert places(h3c({"error_ratio": "off"}, "errors:1")) == []
    assert places(h3c({"error_min": "1e12"}, "errors:1")) == []


def test_a_down_uplink_with_errors_is_one_fault() -> None:
    assert places(h3c({}, "uplink:1,errors:1")) == [("XGE1/0/25", Health.CRITICAL)]


def test_bad_option_values_keep_the_defaults() -> None:
    rules = Rules.from_options({"error_min": "many", "error_ratio": "-3"})
    assert (rules.error_min, rules.error_ratio, rules.uplinks) == (DEFAULT_ERROR_MIN, DEFAULT_ERROR_RATIO, None)


def only_iftable(errors: int, packets: int) -> Snapshot:
    """An old agent without ifXTable: 32-bit counters only, and no name but ifDescr."""
    return Snapshot.from_snmprec(
        f"1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10\n{IF}.2.3|4|port3\n{IF}.7.3|2|1\n{IF}.8.3|2|1\n"
        f"{IF}.11.3|65|{packets}\n{IF}.14.3|65|{errors}\n"
    )


def test_without_64_bit_counters_the_32_bit_ones_are_used() -> None:
    profile = by_name("switch-entity")
    assert profile is not None
    (alarm,) = profile.parse(only_iftable(2000, 1000), {}).alarms
    assert (alarm.source, alarm.code, alarm.severity) == ("port3", "IF.INPUT_ERRORS", Health.WARNING)
    assert profile.parse(only_iftable(2000, 4_000_000_000), {}).alarms == ()

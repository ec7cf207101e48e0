"""Odd but valid shapes real UPS cards answer with: none of them may become a fault.

Written from the MIB definitions (RFC 1628, PowerNet-MIB, XUPS-MIB,
HUAWEI-UPS-MIB) as ``.snmprec`` text or as edits of a sample's snapshot.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint_snmp.profiles import by_name
from dcmaint_snmp.profiles.ups import apc, eaton, huawei, rfc1628
from dcmaint_snmp.snapshot import Snapshot, Type, Value


def report_of(name: str, snapshot: Snapshot, options: dict[str, str] | None = None) -> DeviceReport:
    profile = by_name(name)
    assert profile is not None
    return profile.parse(Snapshot.from_snmprec(snapshot.to_snmprec()), options or {})


def faults(report: DeviceReport) -> list[Fault]:
    return faults_of(PollResult.success("ups1", "snmp", report, 0.1, datetime(2026, 12, 1, tzinfo=UTC)))


def edited(snapshot: Snapshot, changes: dict[str, Value | None]) -> Snapshot:
    """``snapshot`` with values replaced (or removed, for None)."""
    values = {oid: value for oid, value in snapshot.items() if changes.get(oid, value) is not None}
    values.update({oid: value for oid, value in changes.items() if value is not None})
    return Snapshot(values)


def octets(data: bytes) -> Value:
    return Value(Type.OCTETS, data)


def healthy(report: DeviceReport) -> None:
    assert report.status is Health.OK and faults(report) == []


# RFC 1628 ------------------------------------------------------------------------------------------------


def test_rfc1628_card_with_only_the_mandatory_objects_is_ok():
    snapshot = Snapshot(rfc1628.served((), minimal=True))
    report = report_of("ups-rfc1628", snapshot)
    healthy(report)
    names = {sensor.name for sensor in report.sensors}
    assert {"Battery charge", "Battery runtime", "Input voltage", "Output voltage"} <= names
    assert "Load" not in names and "Battery temperature" not in names
    assert report.identity.vendor == "SANTAK" and report.identity.serial is None


def test_battery_status_unknown_is_no_verdict_and_no_fault():
    snapshot = edited(rfc1628.build(()), {rfc1628.upsBatteryStatus: Value(Type.INTEGER, 1)})
    report = report_of("ups-rfc1628", snapshot)
    healthy(report)
    (battery,) = report.components
    assert battery.health is Health.UNKNOWN and battery.reason


@pytest.mark.parametrize("runtime", [-1, None])
def test_runtime_not_available_or_absent_is_no_sensor_and_no_fault(runtime):
    value = None if runtime is None else Value(Type.INTEGER, runtime)
    report = report_of("ups-rfc1628", edited(rfc1628.build(()), {rfc1628.upsEstimatedMinutesRemaining: value}))
    healthy(report)
    assert "Battery runtime" not in {sensor.name for sensor in report.sensors}


def test_apc_runtime_and_temperature_not_available():
    changes = {apc.upsAdvBatteryRunTimeRemaining: None, apc.upsAdvBatteryTemperature: Value(Type.INTEGER, 2147483647)}
    report = report_of("ups-apc", edited(apc.build(()), changes))
    healthy(report)
    assert {"Battery runtime", "Battery temperature"}.isdisjoint(sensor.name for sensor in report.sensors)


def test_three_phase_zero_based_input_table():
    lines = "".join(
        f"{rfc1628.upsInputEntry}.{column}.{index}|2|{value}\n"
        for index in (0, 1, 2)
        for column, value in ((1, index), (2, 500), (3, 229 + index))
    )
    text = rfc1628.build(()).to_snmprec()
    kept = "".join(line + "\n" for line in text.splitlines() if not line.startswith(rfc1628.upsInputEntry + "."))
    report = report_of("ups-rfc1628", Snapshot.from_snmprec(kept + lines))
    healthy(report)
    inputs = sorted((s.name, s.value) for s in report.sensors if s.name.startswith("Input voltage"))
    assert inputs == [("Input voltage L1", 229.0), ("Input voltage L2", 230.0), ("Input voltage L3", 231.0)]


def test_vendor_alarm_oid_in_the_rfc1628_table_is_one_warning_as_the_ups_says():
    present = rfc1628.upsAlarmsPresent
    text = rfc1628.build(()).to_snmprec().replace(f"{present}|66|0", f"{present}|66|1")
    text += f"{rfc1628.upsAlarmEntry}.1.7|2|7\n{rfc1628.upsAlarmEntry}.2.7|6|1.3.6.1.4.1.935.10.1.1.2.12\n"
    report = report_of("ups-rfc1628", Snapshot.from_snmprec(text))
    assert [(f.kind, f.location, f.health.value) for f in faults(report)] == [("alarm", "UPS", "warning")]
    assert "1.3.6.1.4.1.935.10.1.1.2.12" in faults(report)[0].reason


def test_alarms_present_but_no_table_is_not_reported_healthy():
    report = report_of("ups-rfc1628", edited(rfc1628.build(()), {rfc1628.upsAlarmsPresent: Value(Type.GAUGE32, 2)}))
    assert [(f.kind, f.health.value) for f in faults(report)] == [("alarm", "warning")]
    assert "2 present" in faults(report)[0].reason


def test_test_in_progress_is_reported_but_not_a_fault():
    report = report_of("ups-rfc1628", rfc1628.build(()).merged(rfc1628.alarm_rows([24])))
    healthy(report)
    assert [alarm.code for alarm in report.alarms] == ["UPS.TESTING"]


def test_transfer_points_are_the_input_thresholds():
    report = report_of("ups-rfc1628", rfc1628.build(()))
    (voltage,) = [s for s in report.sensors if s.name == "Input voltage"]
    assert (voltage.thresholds.lower_warning, voltage.thresholds.upper_warning) == (160, 276)
    assert voltage.health is Health.OK


# APC -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("replaced", "iso"), [("06/12/22", "2022-06-12"), ("11/03/2021", "2021-11-03")])
def test_apc_dates_in_both_year_forms(replaced, iso):
    changes = {apc.upsBasicBatteryLastReplaceDate: octets(replaced.encode())}
    report = report_of("ups-apc", edited(apc.build(()), changes))
    healthy(report)
    (battery,) = report.components
    assert battery.part is not None and battery.part.attributes["replaced"] == iso
    assert report.archive is not None and report.archive.hardware["battery"]["replaced"] == iso


def test_apc_date_that_is_not_a_date_is_left_out():
    report = report_of("ups-apc", edited(apc.build(()), {apc.upsBasicBatteryLastReplaceDate: octets(b"Unknown")}))
    healthy(report)
    assert report.components[0].part is not None and "replaced" not in report.components[0].part.attributes


def test_apc_text_padded_with_nuls_and_spaces():
    changes = {
        apc.upsBasicIdentModel: octets(b"Smart-UPS SRT 6000\x00\x00\x00\x00"),
        apc.upsAdvIdentSerialNumber: octets(b"AS1935181234        "),
        apc.upsAdvBatteryInternalSKU: octets(b"APCRBC140\x00\x00\x00"),
    }
    report = report_of("ups-apc", edited(apc.build(()), changes))
    healthy(report)
    assert (report.identity.model, report.identity.serial) == ("Smart-UPS SRT 6000", "AS1935181234")
    assert report.components[0].part is not None and report.components[0].part.part_number == "APCRBC140"


def test_apc_card_without_the_state_flags_uses_the_output_and_battery_status():
    changes = {apc.upsBasicStateOutputState: None, apc.upsBasicOutputStatus: Value(Type.INTEGER, 3)}
    snapshot = edited(apc.build(()), changes)
    report = report_of("ups-apc", snapshot)
    assert [(f.kind, f.location, f.health.value) for f in faults(report)] == [("alarm", "Input", "warning")]
    healthy(report_of("ups-apc", edited(apc.build(()), {apc.upsBasicStateOutputState: None})))


def test_apc_abnormal_flag_alone_is_one_warning():
    flags = apc.flag_string([1, 4, 6, 19])
    report = report_of("ups-apc", edited(apc.build(()), {apc.upsBasicStateOutputState: octets(flags.encode())}))
    assert [(f.kind, f.health.value) for f in faults(report)] == [("alarm", "warning")]


def test_apc_bad_battery_packs_are_a_battery_fault():
    report = report_of("ups-apc", edited(apc.build(()), {apc.upsAdvBatteryNumOfBadBattPacks: Value(Type.INTEGER, 2)}))
    assert [(f.kind, f.health.value) for f in faults(report)] == [("battery", "critical")]
    assert "2 bad battery packs" in (faults(report)[0].reason or "")


# Eaton ---------------------------------------------------------------------------------------------------


def test_eaton_card_under_its_older_sysobjectid_and_a_replace_said_three_ways():
    snapshot = eaton.build(parse_faults("battery"))
    snapshot = edited(snapshot, {"1.3.6.1.2.1.1.2.0": Value(Type.OID, "1.3.6.1.4.1.534.1")})
    report = report_of("ups-eaton", snapshot)
    assert [(f.kind, f.location) for f in faults(report)] == [("battery", "Battery")]
    assert [alarm.code for alarm in report.alarms] == ["UPS.REPLACEBATTERY"]
    assert report.identity.serial == "G118K25012"


def test_eaton_without_the_mge_serial_and_the_battery_flags_is_ok():
    changes: dict[str, Value | None] = {eaton.upsmgIdentSerialNumber: None}
    changes |= dict.fromkeys((eaton.xupsBatteryFailure, eaton.xupsBatteryNotPresent, eaton.xupsBatteryAged))
    changes[eaton.xupsBatteryAbmStatus] = Value(Type.INTEGER, 5)  # unknown(5)
    report = report_of("ups-eaton", edited(eaton.build(()), changes))
    healthy(report)
    assert report.identity.serial is None
    assert report.components[0].health is Health.OK  # xupsBatteryLowCapacity no(2) is still a verdict


def test_eaton_ambient_limits_are_the_ups_own_thresholds():
    report = report_of("ups-eaton", edited(eaton.build(()), {eaton.xupsEnvAmbientTemp: Value(Type.INTEGER, 43)}))
    assert [(f.kind, f.location, f.health.value) for f in faults(report)] == [
        ("sensor", "Ambient temperature", "warning")
    ]


# Huawei --------------------------------------------------------------------------------------------------


def test_huawei_gb18030_model_text():
    model = "UPS2000-G-3KRTS 不间断电源"
    changes = {huawei.hwUpsDeviceType_1: octets(model.encode("gb18030"))}
    report = report_of("ups-huawei", edited(huawei.build(()), changes))
    healthy(report)
    assert report.identity.model == model and report.identity.vendor == "Huawei"
    assert report.identity.serial == "2102311DKB10K7000123"


def test_huawei_sparse_device_id_and_three_phases():
    text = huawei.build(()).to_snmprec()
    for entry in (
        huawei.hwUpsDeviceIdentEntry,
        huawei.hwUpsDeviceOperInfoEntry,
        huawei.hwUpsInputEntry,
        huawei.hwUpsOutputEntry,
        huawei.hwUpsBatteryEntry,
    ):
        text = "\n".join(
            line.replace(f"{line.split('|')[0]}|", f"{line.split('|')[0][:-2]}.3|")
            if line.startswith(entry + ".") and line.split("|")[0].endswith(".1")
            else line
            for line in text.splitlines()
        )
    text += "\n" + "".join(
        f"{huawei.hwUpsInputEntry}.{column}.3|2|{value}\n" for column, value in ((2, 2310), (3, 2295))
    )
    report = report_of("ups-huawei", Snapshot.from_snmprec(text))
    healthy(report)
    assert report.identity.model == "UPS2000-G-3KRTS"
    inputs = sorted(s.name for s in report.sensors if s.name.startswith("Input voltage"))
    assert inputs == ["Input voltage L1", "Input voltage L2", "Input voltage L3"]


def test_huawei_no_battery_connected_is_a_critical_battery_part():
    row = f"{huawei.hwUpsDeviceOperInfoEntry}.3.1"
    report = report_of("ups-huawei", edited(huawei.build(()), {row: Value(Type.INTEGER, 1)}))
    assert [(f.kind, f.health.value) for f in faults(report)] == [("battery", "critical")]


def test_huawei_mains_eco_mode_is_normal_operation():
    row = f"{huawei.hwUpsDeviceOperInfoEntry}.1.1"
    healthy(report_of("ups-huawei", edited(huawei.build(()), {row: Value(Type.INTEGER, 6)})))

"""The decoder of PropertyCollector answers: pyVmomi's types without pyVmomi's objects, and what it drops."""

from __future__ import annotations

import datetime
from xml.etree.ElementTree import ParseError

import pytest

from dcmaint_vsphere.collect import _skipped_sensor
from dcmaint_vsphere.wire import Data, Ref, decode

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25">{body}</RetrievePropertiesExResponse>
</soapenv:Body></soapenv:Envelope>"""


def _page(body: str, chunk: int = 7) -> object:
    data = ENVELOPE.format(body=body).encode()
    return decode((data[i : i + chunk] for i in range(0, len(data), chunk)), _skipped_sensor)


def _host(*props: str) -> str:
    return '<objects><obj type="HostSystem">host-7</obj>' + "".join(props) + "</objects>"


def _prop(name: str, value: str) -> str:
    return f"<propSet><name>{name}</name>{value}</propSet>"


def test_references_scalars_and_a_one_item_array_are_what_pyvmomi_would_give() -> None:
    page = _page(
        "<returnval>"
        + _host(
            _prop(
                "datastore",
                '<val xsi:type="ArrayOfManagedObjectReference">'
                '<ManagedObjectReference type="Datastore">datastore-3</ManagedObjectReference></val>',
            ),
            _prop("runtime.inMaintenanceMode", '<val xsi:type="xsd:boolean">true</val>'),
            _prop(
                "summary.hardware",
                '<val xsi:type="HostHardwareSummary"><vendor>Lenovo</vendor>'
                "<memorySize>274877906944</memorySize><numCpuPkgs>2</numCpuPkgs>"
                "<otherIdentifyingInfo><identifierValue>J30A1B2C</identifierValue>"
                "<identifierType><label>Serial</label><summary>s</summary><key>SerialNumberTag</key>"
                "</identifierType></otherIdentifyingInfo></val>",
            ),
            _prop(
                "triggeredAlarmState",
                '<val xsi:type="ArrayOfAlarmState"><AlarmState><key>alarm-9.host-7</key>'
                '<entity type="HostSystem">host-7</entity><alarm type="Alarm">alarm-9</alarm>'
                "<overallStatus>red</overallStatus><time>2026-11-30T08:15:02.123Z</time>"
                "<acknowledged>false</acknowledged></AlarmState></val>",
            ),
        )
        + "<token>page-2</token></returnval>"
    )
    assert page is not None and page.token == "page-2"
    ((reference, props),) = page.objects
    assert reference == Ref("HostSystem", "host-7")
    assert props["datastore"] == [Ref("Datastore", "datastore-3")]
    assert props["runtime.inMaintenanceMode"] is True
    hardware = props["summary.hardware"]
    assert isinstance(hardware, Data) and hardware.vendor == "Lenovo" and hardware.model is None
    assert hardware.memorySize == 274877906944 and hardware.numCpuPkgs == 2
    (identifier,) = hardware.otherIdentifyingInfo  # an array field with one item is still a list
    assert identifier.identifierType.key == "SerialNumberTag"
    (state,) = props["triggeredAlarmState"]
    assert state.alarm == Ref("Alarm", "alarm-9") and state.acknowledged is False
    assert state.time == datetime.datetime(2026, 11, 30, 8, 15, 2, 123000, tzinfo=datetime.UTC)


def test_software_and_restating_sensors_are_dropped_hardware_ones_kept() -> None:
    def sensor(name: str, kind: str) -> str:
        return (
            f"<numericSensorInfo><name>{name}</name><healthState><label>Green</label><summary>ok</summary>"
            f"<key>green</key></healthState><currentReading>4200</currentReading><unitModifier>0</unitModifier>"
            f"<baseUnits>RPM</baseUnits><sensorType>{kind}</sensorType></numericSensorInfo>"
        )

    tree = (
        '<val xsi:type="HealthSystemRuntime"><systemHealthInfo>'
        + sensor("esx-base 8.0.1-0.0.21495797", "Software Components")
        + sensor("Fan1A", "fan")
        + sensor("VMware Rollup Health State", "system")
        + "</systemHealthInfo></val>"
    )
    page = _page("<returnval>" + _host(_prop("runtime.healthSystemRuntime", tree)) + "</returnval>")
    assert page is not None
    ((_reference, props),) = page.objects
    (fan,) = props["runtime.healthSystemRuntime"].systemHealthInfo.numericSensorInfo
    assert (fan.name, fan.currentReading, fan.healthState.key) == ("Fan1A", 4200, "green")


def test_a_field_this_pyvmomi_does_not_know_is_read_as_text_and_data() -> None:
    tree = (
        '<val xsi:type="HostSystemInfo"><vendor>Dell Inc.</vendor>'
        "<futureField><part>A</part><part>B</part><note>n</note></futureField>"
        "<futureFlag>yes</futureFlag></val>"
    )
    page = _page("<returnval>" + _host(_prop("hardware.systemInfo", tree)) + "</returnval>")
    assert page is not None
    info = page.objects[0][1]["hardware.systemInfo"]
    assert info.vendor == "Dell Inc." and info.futureFlag == "yes"
    assert info.futureField.part == ["A", "B"] and info.futureField.note == "n"


def test_an_empty_answer_is_no_page_and_a_broken_one_an_error() -> None:
    assert _page("") is None
    with pytest.raises(ParseError):
        _page("<returnval><objects><obj type='HostSystem'>host-7</obj>")

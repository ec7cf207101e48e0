"""The parser on ESXi answers as the wire carries them, read by the driver's own decoder
(:mod:`dcmaint_vsphere.wire`); the same bytes read by pyVmomi's deserializer give the same reports, which
checks the fixtures against the API's types (``HostNumericSensorInfo.fru`` is new in 8.0U1 and absent from
the simulator's older API) and the decoder against pyVmomi."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dcmaint.drivers import ComponentKind, Health
from dcmaint_vsphere.collect import Inventory, Managed, _skipped_sensor, managed, moid
from dcmaint_vsphere.options import VsphereOptions
from dcmaint_vsphere.parse import host_report
from dcmaint_vsphere.wire import decode

FIXTURES = Path(__file__).parent / "fixtures"


def _objects(name: str) -> list[Managed]:
    """The fixture's objects as the driver decodes them, in chunks as a socket would hand them over."""
    data = (FIXTURES / name).read_bytes()
    page = decode((data[i : i + 997] for i in range(0, len(data), 997)), _skipped_sensor)
    assert page is not None and page.token is None
    return [managed(*content) for content in page.objects]


def _pyvmomi_objects(name: str) -> list[Managed]:
    """The same fixture read by pyVmomi's own deserializer, checked against the 8.0U1 API's types."""
    from pyVmomi import SoapAdapter, vmodl

    stub = SoapAdapter.SoapStubAdapter(host="localhost", version="vim.version.v8_0_1_0")
    with (FIXTURES / name).open("rb") as answer:
        result = SoapAdapter.SoapResponseDeserializer(stub).Deserialize(
            answer, vmodl.query.PropertyCollector.RetrieveResult
        )
    return [
        Managed(content.obj._wsdlName, moid(content.obj), {prop.name: prop.val for prop in content.propSet or ()})
        for content in result.objects
    ]


def _mount(host: str) -> Any:
    return SimpleNamespace(key=SimpleNamespace(_moId=host))


@pytest.fixture
def r750() -> Any:
    (host,) = _objects("esxi80u1-dell-r750-psu-failed.xml")
    local = Managed(
        "Datastore",
        "datastore-1051",
        {
            "name": "r750-07-local",
            "summary.capacity": 960 * 10**9,
            "summary.freeSpace": 700 * 10**9,
            "summary.accessible": True,
            "host": [_mount("host-1042")],
        },
    )
    inventory = Inventory(
        about=SimpleNamespace(apiType="VirtualCenter"),
        objects={"HostSystem": {host.id: host}, "Datastore": {local.id: local}},
        alarm_names={"alarm-9": "Host hardware power status"},
    )
    return host_report(host, inventory, VsphereOptions())


def test_the_failed_psu_is_the_one_fault_with_its_fru_identity(r750: Any) -> None:
    (fault,) = r750.faults()
    assert (fault.kind, fault.location, fault.health) == (ComponentKind.PSU, "PSU 2", Health.CRITICAL)
    assert fault.reason == "Power Supply AC lost - Assert"
    assert fault.part is not None
    assert (fault.part.manufacturer, fault.part.part_number, fault.part.serial, fault.part.model) == (
        "DELL",
        "01CW2XA04",
        "CNLOD0019B0123",
        "PWR SPLY,1400W,RDNT,LTON",
    )
    (alarm,) = r750.alarms
    assert alarm.message == "Host hardware power status" and alarm.component == fault.ref
    assert r750.status is Health.CRITICAL


def test_identity_and_firmware(r750: Any) -> None:
    identity = r750.identity
    assert (identity.vendor, identity.model, identity.serial) == ("Dell Inc.", "PowerEdge R750", "7HH0W23")
    assert dict(identity.firmware) == {"ESXi": "8.0.1 build 21495797", "BIOS": "1.10.2"}
    assert r750.archive.system["vms"] == 2 and r750.archive.system["datastores"] == ["r750-07-local"]


def test_unknown_health_is_listed_not_a_fault_and_software_is_not_hardware(r750: Any) -> None:
    parts = {(c.kind, c.location): c for c in r750.components}
    controller = parts[(ComponentKind.CONTROLLER, "Controller 0 (PERC H755 Front)")]
    assert controller.health is Health.UNKNOWN and not controller.is_fault
    disk = parts[(ComponentKind.DISK, "Slot 0")]
    assert disk.part is not None and disk.part.serial == "S5G2NE0R401234"
    assert (ComponentKind.PSU, "PSU 1") in parts and parts[(ComponentKind.PSU, "PSU 1")].health is Health.OK
    assert {c.location for c in r750.components if c.kind is ComponentKind.CPU} == {"CPU 1"}
    names = {sensor.name for sensor in r750.sensors}
    assert not any("esx-base" in name or "Rollup" in name for name in names | set(parts))
    assert {"Pwr Consumption", "Inlet Temp", "Fan1A", "CPU1 VCORE PG"} <= names
    power = next(sensor for sensor in r750.sensors if sensor.name == "Pwr Consumption")
    assert (power.value, power.unit, power.health) == (378.0, "W", Health.OK)
    voltage = next(sensor for sensor in r750.sensors if sensor.name == "CPU1 VCORE PG")
    assert voltage.health is Health.UNKNOWN


def test_a_local_datastore_is_its_hosts(r750: Any) -> None:
    store = next(c for c in r750.components if c.location == "Datastore r750-07-local")
    assert store.health is Health.OK
    used = next(sensor for sensor in r750.sensors if sensor.name == "r750-07-local used")
    assert used.value == pytest.approx(27.1)


@pytest.fixture
def odd() -> dict[str, Any]:
    hosts = _objects("esxi70-hpe-odd-shapes.xml")
    inventory = Inventory(
        about=SimpleNamespace(apiType="VirtualCenter"), objects={"HostSystem": {host.id: host for host in hosts}}
    )
    return {str(host.get("name")): host_report(host, inventory, VsphereOptions()) for host in hosts}


def test_a_serial_only_in_the_identifying_info_and_a_red_dimm(odd: dict[str, Any]) -> None:
    report = odd["10.20.30.41"]
    assert (report.identity.vendor, report.identity.serial) == ("HPE", "CZ29200LN4")
    assert [(c.kind, c.location, c.health) for c in report.faults()] == [
        (ComponentKind.DIMM, "PROC 1 DIMM 12", Health.CRITICAL)
    ]
    assert report.faults()[0].reason == "Physical element has failed"
    fan = next(c for c in report.components if c.kind is ComponentKind.FAN)
    assert (fan.location, fan.health, fan.is_fault) == ("Fan 3", Health.UNKNOWN, False)
    psu = next(c for c in report.components if c.kind is ComponentKind.PSU)
    assert (psu.location, psu.health) == ("PSU 1", Health.OK)
    assert report.status is Health.CRITICAL


def test_a_host_without_a_health_tree_is_no_alarm(odd: dict[str, Any]) -> None:
    report = odd["10.20.30.42"]
    assert report.components == () and report.alarms == () and report.sensors == ()
    assert report.status is Health.OK and report.rollup is None  # gray: vCenter gives no verdict
    assert report.archive is not None and report.archive.system["maintenance_mode"] is True
    assert report.identity.model == "ProLiant DL360 Gen10" and report.identity.serial is None


@pytest.mark.parametrize("fixture", ["esxi80u1-dell-r750-psu-failed.xml", "esxi70-hpe-odd-shapes.xml"])
def test_the_decoder_gives_the_reports_pyvmomi_gives(fixture: str) -> None:
    ours, theirs = _objects(fixture), _pyvmomi_objects(fixture)
    assert [(item.type, item.id) for item in ours] == [(item.type, item.id) for item in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        assert set(mine.props) == set(reference.props)
        inventory = Inventory(about=SimpleNamespace(apiType="VirtualCenter"), alarm_names={"alarm-9": "x"})
        assert host_report(mine, inventory, VsphereOptions()) == host_report(reference, inventory, VsphereOptions())

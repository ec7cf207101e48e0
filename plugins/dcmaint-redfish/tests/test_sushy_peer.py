"""Against a real, independent Redfish service: sushy-tools' emulator, read by the driver and by the DMTF client.

sushy-emulator serves the standard tree (system, chassis, thermal, storage
with drives) with every health OK, and answers 404/501 for what it does not
offer (Memory, Processors, Volumes, SessionService, logs): the driver must
treat those as "not offered", not as errors, and must name the same systems
and drives as the DMTF ``redfish`` library, the reference client.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rf_peers import SUSHY_DRIVES, SUSHY_SYSTEM, SushyPeer

from dcmaint.drivers import ComponentKind, DeviceReport, Health, Target
from dcmaint.secrets import Secret
from dcmaint.testing import report_problems
from dcmaint_redfish.driver import RedfishDriver


def poll(peer: SushyPeer) -> DeviceReport:
    target = Target("sushy", "server", peer.endpoint, username="admin", credential=Secret("password"), timeout=15.0)
    return asyncio.run(RedfishDriver().poll(target))


def reference_crawl(peer: SushyPeer) -> dict[str, Any]:
    """Systems and drive names as the DMTF ``redfish`` library reads them."""
    import redfish

    client = redfish.redfish_client(base_url=peer.url, username="admin", password="password", timeout=10, max_retry=1)
    client.login(auth="basic")
    try:
        found: dict[str, Any] = {"systems": [], "drives": []}
        for member in client.get("/redfish/v1/Systems").dict["Members"]:
            system = client.get(member["@odata.id"]).dict
            found["systems"].append((system["Id"], system.get("Manufacturer")))
            for storage_link in client.get(system["Storage"]["@odata.id"]).dict["Members"]:
                storage = client.get(storage_link["@odata.id"]).dict
                for drive_link in storage.get("Drives", []):
                    drive = client.get(drive_link["@odata.id"]).dict
                    found["drives"].append((drive["Name"], drive["CapacityBytes"], drive["SerialNumber"]))
        return found
    finally:
        client.logout()


def test_the_driver_reads_the_emulator(sushy: SushyPeer) -> None:
    report = poll(sushy)
    assert report_problems(report) == []
    assert report.status is Health.OK and report.faults() == ()
    assert report.alarms == ()  # its 404s and 501s (Memory, Processors, Volumes, sessions) are "not offered"
    assert report.identity.vendor == "Sushy Emulator"
    disks = {c.location: c for c in report.components if c.kind is ComponentKind.DISK}
    assert sorted(disks) == sorted(name for name, _size, _protocol in SUSHY_DRIVES.values())
    assert {disk.part.capacity_bytes for disk in disks.values() if disk.part} == {
        size for _name, size, _protocol in SUSHY_DRIVES.values()
    }
    assert [c.location for c in report.components if c.kind is ComponentKind.CONTROLLER] == ["Contoso Integrated RAID"]
    assert len([c for c in report.components if c.kind is ComponentKind.FAN]) == 2
    assert {sensor.name for sensor in report.sensors} >= {"CPU Temp", "Chassis Intake Temp"}
    assert list(report.archive.system["systems"]) == [SUSHY_SYSTEM]  # type: ignore[union-attr]


def test_the_driver_names_what_the_reference_client_names(sushy: SushyPeer) -> None:
    reference = reference_crawl(sushy)
    report = poll(sushy)
    assert [system_id for system_id, _maker in reference["systems"]] == list(report.archive.system["systems"])  # type: ignore[union-attr]
    disks = {
        (c.location, c.part.capacity_bytes, c.part.serial)
        for c in report.components
        if c.kind is ComponentKind.DISK and c.part is not None
    }
    assert disks == set(reference["drives"])
    assert reference["systems"][0][1] == report.identity.vendor

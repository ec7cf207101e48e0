"""What the vCenter simulator gives each device, as conformance expectations (read off ``sim/harness/main.go``).

Shared by the live conformance class and the recordings' one, so that both
state the same part identity, sensors, archive and alarms for the same
simulated host.
"""

from __future__ import annotations

from typing import Any

from dcmaint.drivers import Health
from dcmaint.testing import Expectation, PartExpect

#: What the harness gives a host, by its index among the vCenter's hosts sorted by name (the shapes in turn):
#: the location the driver makes of a disk's name, the disks' vendor and model, and the serials' vendor suffix.
SHAPES = (
    (lambda disk: f"Slot {disk}", "TOSHIBA", "AL15SEB120N", "DE"),  # PowerEdge R750, "Disk 0 on PERC ... (Slot 0)"
    (lambda disk: f"Box 1 Bay {disk + 1}", "HPE", "EG001200JWJNQ", "HP"),  # ProLiant DL380 Gen10
    (lambda disk: f"Bay {disk}", "SEAGATE", "ST1200MM0099", "LE"),  # ThinkSystem SR650
)
#: The numeric sensors every host has (the harness's, named as the driver names them); PS1/PS2 become PSUs.
HOST_SENSORS = ("Fan1A", "Fan2A", "Inlet Temp", "CPU1 Temp", "PS1 Voltage 1")
DATASTORE = "LocalDS_0 used"


def serial(index: int) -> str:
    """The host's serial number, as the harness makes it (``SIM00001HP``)."""
    return f"SIM{index:05d}{SHAPES[index % 3][3]}"


def disks(index: int, *which: int) -> dict[str, PartExpect]:
    """The part identity of some of a host's disks (vendor, model, serial), as the harness gives them."""
    place, vendor, model, suffix = SHAPES[index % 3]
    return {
        place(disk): PartExpect(manufacturer=vendor, model=model, serial=f"DSK{index:03d}{disk:02d}{suffix}")
        for disk in which
    }


def esxi(index: int, faults: tuple[str, ...] = (), *, sensor_health: Health = Health.OK, **more: Any) -> Expectation:
    """A connected host: its serial, two of its disks, its sensors, archive, and no alarm unless ``more`` says."""
    fields: dict[str, Any] = {
        "status": Health.CRITICAL if faults else Health.OK,
        "faults": faults,
        "serial": serial(index),
        "parts": disks(index, 0, 3),
        "sensors": HOST_SENSORS,
        "sensor_health": {"Inlet Temp": Health.OK, "Fan2A": sensor_health},
        "archive": ("hardware.cpu_model", "system.esxi", "system.connection_state", "firmware.BIOS"),
        "alarms": (),
    }
    return Expectation(**{**fields, **more})


def vcenter(full: bool = False) -> Expectation:
    """The vCenter itself: its datastore's usage (LocalDS_0 full or not), its inventory in the archive."""
    health = Health.CRITICAL if full else Health.OK
    return Expectation(
        health,
        faults=("Datastore LocalDS_0",) if full else (),
        sensors=(DATASTORE,),
        sensor_health={DATASTORE: health},
        archive=("system.product", "system.hosts", "system.datastores", "firmware"),
        alarms=(),
    )


#: The device families the support matrix lists (the simulator reports 6.5), one name for live cases and recordings.
VIA_VCENTER = "VMware ESXi 6.5 via vCenter"
VCENTER = "VMware vCenter Server 6.5"
STANDALONE = "VMware ESXi 6.5 standalone"

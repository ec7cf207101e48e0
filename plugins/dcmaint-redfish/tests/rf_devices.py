"""What each simulated BMC flavour gives, whatever its faults: the facts its conformance cases state.

Read off the simulator's trees (``fixtures/*.json`` and ``sim/generic*.py``),
serials as the simulator serves them to its BMC 1; shared by the recordings'
cases (``test_redfish_recordings.py``, which checks them against the served
documents) and the fixtures' cases (``test_redfish_conformance.py``, which
serves the fixtures as they are, so it matches part numbers without serials).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from dcmaint.drivers import Health
from dcmaint.testing import Expectation, PartExpect

OK, WARNING, CRITICAL = Health.OK, Health.WARNING, Health.CRITICAL
#: The simulator's alarm codes for the part faults it injects (``sim/faults.py``).
PSU_ALARM, DISK_ALARM, DIMM_ALARM = (
    f"Simulator.1.0.{name}" for name in ("PsuCritical", "DiskPredicted", "DimmWarning")
)


def part(number: str | None, spare: str | None, serial: str | None) -> PartExpect:
    return PartExpect(part_number=number, spare_part_number=spare, serial=serial)


@dataclass(frozen=True)
class Device:
    """What one simulated BMC gives whatever its faults, read off the simulator's trees (``fixtures/*.json`` and
    ``sim/generic*.py``, serials as the simulator serves them to its BMC 1): its serial, a few parts with their
    identity, named sensors, the Warning/Critical codes of its event log and archive sections or keys."""

    serial: str
    parts: Mapping[str, PartExpect]
    sensors: Mapping[str, Health]
    event_codes: tuple[str, ...] | None  # None: its log holds no Warning or Critical entry
    archive: tuple[str, ...]

    def expect(
        self,
        status: Health,
        faults: Mapping[str, PartExpect] | None = None,
        alarms: tuple[str, ...] = (),
        *,
        serials: bool = True,
    ) -> Expectation:
        """The expectation of a poll with these faulty parts (location: identity) and these alarm codes.

        ``serials=False`` for the fixture as written, not as the simulator serves it: the simulator gives every
        BMC serials of its own, so only the part and spare part numbers are the same.
        """
        parts = {**self.parts, **(faults or {})}
        if not serials:
            parts = {location: replace(wanted, serial=None) for location, wanted in parts.items()}
        return Expectation(
            status=status,
            faults=tuple(faults or {}),
            serial=self.serial if serials else None,
            parts=parts,
            fault_identity=True,
            sensors=tuple(self.sensors),
            sensor_health=dict(self.sensors),
            events_at_least=None if self.event_codes is None else len(self.event_codes),
            event_codes=self.event_codes,
            archive=self.archive,
            alarms=alarms,
        )


SERVER_ARCHIVE = ("hardware.cpu", "hardware.dimm", "hardware.psu", "system.systems", "system.bmc", "firmware.BIOS")
DMTF_LOG = ("MEM0701", "PSU0006")  # the SEL the fixtures share: a memory warning, lost PSU redundancy
GENERIC = Device(
    "SIMSYS00001P",
    {
        "PSU 1": part("SIM-PSU-800", "SIM-SP-PSU800", "SIMPSU00001M"),
        "Fan 1": part("SIM-FAN-4056", "SIM-SP-FAN4056", "SIMFAN00001F"),
    },
    {"Fan 1": OK, "Inlet Temp": OK, "CPU 1 Temp": OK},
    None,  # its SEL holds one OK entry ("System powered on"): no event
    (*SERVER_ARCHIVE, "hardware.disk", "hardware.battery", "raid"),
)
ILO5 = Device(
    "CZ29100014",
    {
        "PSU 1": part("865414-B21", "866730-001", "5WBXU0B8D0000T"),
        "Smart Storage Battery 1": part("P01366-B21", "878643-001", "6EZBP0BU80000V"),
    },
    {"Fan 1": OK, "01-Inlet Ambient": OK, "32-Sys Exhaust": OK},
    ("2", "4"),  # IML entries, known by their Id: a power supply failure, a corrected memory error threshold
    (*SERVER_ARCHIVE, "hardware.battery", "firmware.iLO 5"),
)
IDRAC8 = Device(
    "CNIVC005K0000Z",
    {"PSU 1": part("0V1YJ6", "0V1YJ6A01", "CNFOD0040000Y"), "Bay 0": part("0G2G54", None, "3G20000O")},
    {"Fan 1A": OK, "System Board Inlet Temp": OK, "CPU1 Temp": OK},
    DMTF_LOG,
    (*SERVER_ARCHIVE, "hardware.disk", "raid"),
)
IDRAC9 = Device(
    "CNIVC00800000X",
    {"PSU 1": part("0Y9VFC", "0Y9VFCA01", "CNLOD0040000Y"), "DIMM A1": part("HMA84GR7CJR4N-WM", None, "PBU00017")},
    {"Fan 1A": OK, "System Board Inlet Temp": OK, "System Board Exhaust Temp": OK},
    DMTF_LOG,
    (*SERVER_ARCHIVE, "hardware.disk", "raid", "firmware.PERC H740P Mini"),
)
XCC = Device(
    "J3000015",
    {"PSU1": part("SP57A02023", "03GX248", "D1DG000000Z"), "Drive 0": part("SSG7A03562", "01GV064", "N1E00017")},
    {"Fan 1 Front": OK, "Ambient Temp": OK, "CPU 1 Temp": OK},
    DMTF_LOG,
    (*SERVER_ARCHIVE, "hardware.disk", "raid", "firmware.Lenovo XClarity Controller"),
)

#: Every flavour of the simulator, by name.
DEVICES: dict[str, Device] = {
    "generic": GENERIC,
    "dmtf-generic": Device(
        "437XR10000Q",
        {
            "PSU 1": part("23456-133", "93284-22", "348820000P"),
            "Cache battery": part("CB-96-0011", "SP-CB-96", "BT90000S"),
        },
        {"Inlet Temp": OK, "CPU1 Temp": OK, "Exhaust Temp": OK},
        DMTF_LOG,
        (*SERVER_ARCHIVE, "hardware.battery", "raid"),
    ),
    "hpe-ilo4": Device(
        "CZJ720000G",
        {"PSU 1": part("720479-B21", "754381-001", "5WBXU0B8D0000E"), "PROC 1 DIMM 1": part("752369-081", None, None)},
        {"01-Inlet Ambient": OK, "02-CPU 1": OK, "32-Sys Exhaust": OK},
        ("2", "4"),
        (*SERVER_ARCHIVE, "hardware.disk", "hardware.controller"),  # no DMTF Storage: no raid section
    ),
    "hpe-ilo5": ILO5,
    "hpe-ilo6": Device(
        "CZ23400013",
        {"PSU 1": part("P44712-001", "P44712-001", "5WBXU0B8D0000W"), "Slot 17": part("P58335-B21", None, None)},
        {"Inlet Temp": OK, "CPU1 Temp": OK, "Exhaust Temp": OK},
        ("2", "4"),
        (*SERVER_ARCHIVE, "hardware.disk", "raid", "firmware.iLO 6"),
    ),
    "dell-idrac8": IDRAC8,
    "dell-idrac9": IDRAC9,
    "lenovo-xcc": XCC,
    "huawei-ibmc": Device(
        "2102311TYBN0K700000O",
        {"PSU1": part("02131100", None, "2102310TJNDG9800000N"), "Disk0": part("02311HAP", None, "9KB0000Q")},
        {"Fan1 Front": OK, "Inlet Temp": OK, "Outlet Temp": OK},
        ("1", "3"),  # iBMC entries known by their Id: lost PSU redundancy, correctable ECC errors on DIMM010
        (*SERVER_ARCHIVE, "hardware.disk", "raid"),
    ),
    "h3c-hdm": Device(
        "210235A3TNH21300000T",
        {"PSU1": part("0231A8BJ", None, "RN3LAJJDU00016"), "CPU1-DIMMA0": part("HMA84GR7DJR4N-XN", None, "1Z20000S")},
        {"Fan1": OK, "Inlet Temp": OK, "Exhaust Temp": OK},
        DMTF_LOG,
        (*SERVER_ARCHIVE, "hardware.disk", "raid", "firmware.HDM"),
    ),
    "inspur-kaytus": Device(
        "22040000T",
        {
            "PSU0": part("YZCA-00930-106", None, "Y17TFE6Y00001E"),
            "CPU0_C0D0": part("M393A4K40DB3-CWE", None, "A8G00013"),
        },
        {"FAN0_F": OK, "Inlet Temp": OK, "Exhaust Temp": OK},
        DMTF_LOG,
        (*SERVER_ARCHIVE, "hardware.disk", "raid"),
    ),
    "supermicro": Device(
        "S411839X1A00017",
        {"PS1": part("PWS-1K62A-1R", None, "FJSBDA1YJ0000Z"), "P1-DIMMA1": part("36ASF4G72PZ-3G2J3", None, "J0V00011")},
        {"FAN1": OK, "Inlet Temp": OK, "Exhaust Temp": OK},
        DMTF_LOG,
        (*SERVER_ARCHIVE, "hardware.disk", "raid"),
    ),
}

"""What each simulated SNMP device gives, read off its sample (``dcmaint_snmp.profiles``), as conformance
expectations: shared by the recordings' cases (``test_snmp_recordings.py``) and the live simulated agents'
(``test_snmp_conformance.py``), which poll the same samples with the same faults.

Written by hand from the samples, never from a report, so a driver change that makes a device report
something else fails the case that names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dcmaint.drivers import ErrorKind, Health
from dcmaint.testing import Expectation, PartExpect

OK, WARNING, CRITICAL, UNKNOWN = Health.OK, Health.WARNING, Health.CRITICAL, Health.UNKNOWN
P = PartExpect


@dataclass(frozen=True)
class Device:
    """What a simulated device gives whatever its fault, read off its sample (``dcmaint_snmp.profiles``):
    serial, the identity of some parts, some sensors, the archive."""

    serial: str | None
    parts: Mapping[str, PartExpect]
    sensors: tuple[str, ...]
    archive: tuple[str, ...]

    def expect(
        self,
        status: Health,
        *faults: str,
        alarms: tuple[str, ...] = (),
        health: Mapping[str, Health] | None = None,
        parts: Mapping[str, PartExpect] | None = None,
    ) -> Expectation:
        """The case's expectation: its status, faulty parts and alarms, and the sensors' health it states (every
        named sensor OK unless ``health`` says otherwise). A fault of a device that identifies its parts
        (``self.parts``) must carry its part identity."""
        known = {**self.parts, **(parts or {})}
        return Expectation(
            status=status,
            faults=faults,
            serial=self.serial,
            parts=known or None,
            fault_identity=True if known else None,
            sensors=self.sensors,
            sensor_health=dict.fromkeys(self.sensors, OK) | dict(health or {}),
            archive=self.archive,
            alarms=alarms,
        )


#: Every device's common ground. The UPSes of Eaton, Huawei and RFC 1628 and the Huawei and APC InRow air
#: conditioners name no part number or serial of any part: their cases state no ``parts``.
UPS_SENSORS = ("Battery charge", "Battery runtime", "Battery voltage", "Output voltage")
APC = Device(
    "AS1935181234",
    {"Battery cartridge": P(part_number="APCRBC140")},
    UPS_SENSORS,
    ("hardware.battery", "hardware.manufactured", "firmware.UPS", "system.snmp_profile"),
)
EATON = Device("G118K25012", {}, (*UPS_SENSORS, "Load"), ("hardware.rated_w", "firmware.UPS", "system.snmp_profile"))
HUAWEI_UPS = Device(
    "2102311DKB10K7000123", {}, (*UPS_SENSORS, "Battery temperature"), ("firmware.UPS", "system.snmp_profile")
)
RFC1628 = Device(
    None, {}, (*UPS_SENSORS, "Battery temperature"), ("hardware.rated_va", "firmware.UPS", "system.snmp_profile")
)
LIEBERT = Device(
    "DS0123456789",
    {},
    ("Return air temperature", "Supply air temperature", "Return air humidity"),
    ("hardware.compressors", "system.state", "firmware.Agent"),
)
INROW = Device(
    "JK1712003456",
    {},
    ("Rack inlet temperature", "Supply air temperature", "Return air temperature"),
    ("hardware.compressors", "system.series", "firmware.Unit"),
)
NETCOL = Device(
    None,
    {},
    ("Return air temperature", "Room temperature", "Room humidity"),
    ("hardware.fans", "system.run_status", "firmware.Monitoring unit"),
)
HUAWEI_SWITCH = Device(
    "2102353168P0K3000123",
    {
        "PWR1": P(part_number="PAC600S12-CB", serial="2102312CHW10K1000001"),
        "MPU Board 0": P(serial="023TKX10K3000456"),
        "XGigabitEthernet0/0/1": P(part_number="OMXD30000", serial="HA1010K7001234"),
    },
    ("MPU Board 0 temperature",),
    ("hardware.PWR1", "firmware.MPU Board 0", "system.snmp_profile"),
)
H3C = Device(
    "219801A2KK8197Q00001",
    {
        "Slot 1": P(part_number="S6520X-30QC-EI", serial="219801A2KK8197Q00001"),
        "Slot 1 / PSU 1": P(part_number="PSR250-12A1", serial="210231A2KSH196000001"),
    },
    ("Slot 1 temperature", "Slot 2 temperature"),
    ("hardware.Slot 1 / PSU 1", "firmware.Slot 2", "system.snmp_profile"),
)
CISCO = Device(
    "FOC2233X0AB",
    {
        "Switch 1": P(part_number="C9300-48P", serial="FOC2233X0AB"),
        "Switch 1 - Power Supply A": P(part_number="PWR-C1-715WAC", serial="LIT22310001"),
        "Te1/1/1 Module": P(part_number="SFP-10G-SR", serial="AVD21450001"),
    },
    ("Te1/1/1 Module Temperature Sensor", "Te1/1/1 Receive Power Sensor"),
    ("hardware.Switch 1", "firmware.Switch 1", "system.snmp_profile"),
)
ENTITY = Device(
    "732656X2041023",
    {
        "Chassis": P(part_number="AS7326-56X", serial="732656X2041023"),
        "PSU 1": P(part_number="FSF045-611G", serial="PSU65000001"),
    },
    ("Chassis Temp 1", "CPU Temp"),
    ("hardware.Chassis", "firmware.Chassis", "system.snmp_profile"),
)
OCEANSTOR = Device(
    "2102351QLH10K9000001",
    {
        "CTE0.A": P(part_number="02353PCE", serial="2102350AH5000123"),
        "CTE0.A.BBU": P(part_number="02312AYA", serial="2102CTE0ABBU00000000"),
        "CTE0 Slot 0": P(serial="WFK000A1", model="ST1200MM0129"),
    },
    ("Pool StoragePool001 used", "Pool 存储池02 used"),
    ("hardware.pools", "firmware.controllers", "system.total_capacity_mb"),
)
NETAPP = Device(
    "721826000123",
    {"Shelf 1": P(serial="SHFMS184000001"), "Shelf 1 Bay 0": P(part_number="X425_HCBEP1T2A10", serial="PNJ100K7A")},
    ("Aggregate aggr1 used", "Aggregate aggr2 used"),
    ("hardware.disks", "hardware.shelves", "firmware.ONTAP"),
)
ON_BATTERY = {"Input voltage": UNKNOWN}  # the on-battery alarm is the verdict on the input: its readings judge nothing

#: What each recording must give: status, the faulty parts, the alarms, and what its device always gives.
EXPECTED: dict[str, Expectation] = {
    "ups-apc-healthy": APC.expect(OK),
    "ups-apc-onbattery": APC.expect(WARNING, alarms=("UPS.ONBATTERY",), health=ON_BATTERY),
    "ups-apc-battery": APC.expect(WARNING, "Battery cartridge", alarms=("UPS.REPLACEBATTERY",)),
    "ups-apc-hang": Expectation(error=ErrorKind.UNREACHABLE),
    "ups-apc-v3-healthy": APC.expect(OK),
    "ups-apc-v3-refused": Expectation(error=ErrorKind.AUTH_FAILED),
    "ups-eaton-healthy": EATON.expect(OK),
    "ups-eaton-onbattery": EATON.expect(WARNING, alarms=("UPS.ONBATTERY",), health=ON_BATTERY),
    "ups-huawei-healthy": HUAWEI_UPS.expect(OK),
    "ups-huawei-onbattery": HUAWEI_UPS.expect(WARNING, alarms=("UPS.ONBATTERY",), health=ON_BATTERY),
    "ups-rfc1628-healthy": RFC1628.expect(OK),
    "ups-rfc1628-onbattery": RFC1628.expect(WARNING, alarms=("UPS.ONBATTERY",), health=ON_BATTERY),
    "crac-liebert-healthy": LIEBERT.expect(OK),
    "crac-liebert-hightemp": LIEBERT.expect(
        CRITICAL, alarms=("1.3.6.1.4.1.476.1.42.3.2.1.1",), health={"Return air temperature": UNKNOWN}
    ),
    "crac-liebert-filter": LIEBERT.expect(WARNING, "Air filter", alarms=("1.3.6.1.4.1.476.1.42.3.2.7.1.5118",)),
    "crac-apc-inrow-healthy": INROW.expect(OK),
    "crac-apc-inrow-hightemp": INROW.expect(WARNING, alarms=("1001",), health={"Rack inlet temperature": UNKNOWN}),
    "crac-huawei-healthy": NETCOL.expect(OK),
    "crac-huawei-hightemp": NETCOL.expect(CRITICAL, alarms=("17452",), health={"Room temperature": UNKNOWN}),
    "switch-huawei-healthy": HUAWEI_SWITCH.expect(OK),
    "switch-huawei-psu": HUAWEI_SWITCH.expect(CRITICAL, "PWR1"),
    "switch-h3c-healthy": H3C.expect(OK),
    "switch-h3c-psu": H3C.expect(CRITICAL, "Slot 1 / PSU 1"),
    "switch-cisco-healthy": CISCO.expect(OK),
    "switch-cisco-psu": CISCO.expect(CRITICAL, "Switch 1 - Power Supply A"),
    "switch-entity-healthy": ENTITY.expect(OK),
    "switch-entity-psu": ENTITY.expect(CRITICAL, "PSU 1"),
    "array-huawei-healthy": OCEANSTOR.expect(OK),
    "array-huawei-disk": OCEANSTOR.expect(CRITICAL, "CTE0 Slot 0"),
    "array-netapp-healthy": NETAPP.expect(OK),
    "array-netapp-disk": NETAPP.expect(CRITICAL, "Shelf 1 Bay 0", alarms=("diskFailedMessage",)),
}


#: The device family each profile's simulated agent stands for, as the support matrix names it (one name for
#: the live conformance cases and the recordings).
FAMILIES = {
    "ups-apc": "APC Smart-UPS and Symmetra (PowerNet MIB)",
    "ups-eaton": "Eaton UPS (XUPS MIB)",
    "ups-huawei": "Huawei UPS2000 / UPS5000 (HUAWEI-UPS-MIB)",
    "ups-rfc1628": "UPS with the RFC 1628 UPS-MIB (any vendor)",
    "crac-liebert": "Vertiv Liebert precision air conditioners (LIEBERT-GP MIB)",
    "crac-apc-inrow": "APC InRow RC / RP (PowerNet MIB)",
    "crac-huawei": "Huawei NetCol air conditioners (eMAP MIB)",
    "switch-huawei": "Huawei switches (HUAWEI-ENTITY-EXTENT-MIB)",
    "switch-h3c": "H3C / HPE Comware switches (HH3C-ENTITY-EXT-MIB)",
    "switch-cisco": "Cisco switches (CISCO-ENVMON-MIB)",
    "switch-entity": "Switches with the standard ENTITY and IF MIBs",
    "array-huawei": "Huawei OceanStor arrays",
    "array-netapp": "NetApp ONTAP arrays (NETAPP-MIB)",
}

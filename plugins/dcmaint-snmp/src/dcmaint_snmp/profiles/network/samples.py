"""The simulated switches: one per profile, healthy unless ``--faults`` says otherwise.

Fault targets (docs/sim.md and docs/drivers/snmp-network.md):

* ``psu[:N]`` PSU N failed;  ``fan[:N]`` fan N failed;  ``temperature`` the
  chassis (first member) overheats;
* ``transceiver[:N][=failed|missing]`` the transceiver of uplink N failed
  (default) or pulled out; either way the uplink goes down with it;
* ``uplink[:N]`` uplink N down (its transceiver is fine);  ``errors[:N]``
  uplink N counts 5 % input errors.

Everything here is written from the MIB definitions and the vendors' public
product naming; the serial numbers are made up. Indexes follow each vendor's
habits: Huawei's large sparse entPhysicalIndex values, an H3C IRF stack of two
members whose parts repeat each other's names, Cisco's Catalyst numbering and
CISCO-ENVMON rows that do not share the entity indexes, and a white box with
only the standard MIBs (sensors in milli units, a fan with no serial and one
with no ENTITY-STATE row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dcmaint_snmp.profiles.base import Sample
from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.profiles.network.samplekit import Agent, Faults, Part, access_and_uplinks, break_ports
from dcmaint_snmp.snapshot import Snapshot, Type

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

TARGETS = ("psu", "fan", "temperature", "transceiver", "uplink", "errors")


def _chosen(faults: Faults, target: str, count: int) -> dict[int, str]:
    """The ``target`` faults whose part number exists on this switch (1..count)."""
    return {number: value for number, value in faults.of(target).items() if 1 <= number <= count}


# --- Huawei ---------------------------------------------------------------------------------------------------------

_HW_CHASSIS, _HW_BOARD = 16777216, 16842753
_HW_PSUS, _HW_FANS = (16973825, 16973826), (16908289, 16908290)
_HW_OPTICS = (16842805, 16842806)


def huawei(specs: Sequence[FaultSpec]) -> Snapshot:
    """A Huawei S6730-class switch: ENTITY-MIB + hwEntityStateTable (the chassis has no state row)."""
    faults = Faults.read(specs)
    agent = Agent(
        "1.3.6.1.4.1.2011.2.23.600",
        "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (S6730 V200R021C10SPC600)",
        "sw-hw-a01",
    )
    missing = {n for n, value in _chosen(faults, "transceiver", 2).items() if value == "missing"}
    parts = [
        Part(
            _HW_CHASSIS,
            mib.CLASS_CHASSIS,
            "S6730-H48X6C",
            "S6730-H48X6C chassis",
            model="S6730-H48X6C",
            serial="2102353168P0K3000123",
            software="V200R021C10SPC600",
            maker="Huawei",
        ),
        Part(
            _HW_BOARD,
            mib.CLASS_MODULE,
            "MPU Board 0",
            "S6730-H48X6C main board",
            _HW_CHASSIS,
            0,
            serial="023TKX10K3000456",
            hardware="VER.B",
            firmware="1.0.12",
            maker="Huawei",
        ),
        *(
            Part(
                index,
                mib.CLASS_POWER_SUPPLY,
                f"PWR{n}\x00\x00  " if n == 2 else f"PWR{n}",
                "600W AC power module",
                _HW_CHASSIS,
                n,
                model="PAC600S12-CB",
                serial=f"2102312CHW10K100{n:04d}",
                maker="Huawei",
            )
            for n, index in enumerate(_HW_PSUS, start=1)
        ),
        *(
            Part(
                index,
                mib.CLASS_FAN,
                f"FAN{n}",
                "Fan module",
                _HW_CHASSIS,
                n,
                model="FAN-031A-B",
                serial=f"2102312DFN10K200{n:04d}",
                maker="Huawei",
            )
            for n, index in enumerate(_HW_FANS, start=1)
        ),
        *(_huawei_port(n, index, n in missing) for n, index in enumerate(_HW_OPTICS, start=1)),
    ]
    agent.entities(parts)
    _huawei_states(agent, faults, missing)
    ports = access_and_uplinks(
        6,
        ["GigabitEthernet0/0/1", "GigabitEthernet0/0/2", "GigabitEthernet0/0/3"],
        [(f"XGigabitEthernet0/0/{n}", index, index) for n, index in enumerate(_HW_OPTICS, 1)],
    )
    break_ports(ports, faults)
    agent.interfaces(ports)
    return agent.snapshot()


def _huawei_port(number: int, index: int, missing: bool) -> Part:
    """Huawei describes an uplink port and the optic in it as one port entity; without an optic it is a bare port."""
    name = f"XGigabitEthernet0/0/{number}"
    if missing:
        return Part(index, mib.CLASS_PORT, name, f"{name} port", _HW_BOARD, 48 + number)
    return Part(
        index,
        mib.CLASS_PORT,
        name,
        "10GBase-SR SFP+ optical transceiver, 850nm, 0.3km",
        _HW_BOARD,
        48 + number,
        model="OMXD30000",
        serial=f"HA1{number:02d}0K7001234",
        maker="Huawei",
    )


def _huawei_states(agent: Agent, faults: Faults, missing: set[int]) -> None:
    base = mib.HW_ENTITY_STATE_ENTRY
    indeterminate = bytes([0x01])  # bit 7: what healthy Huawei boxes often show

    def row(index: int, oper: int, alarm: bytes = indeterminate, temperature: int = 2147483647, limit: int = 0) -> None:
        agent.integer(f"{base}.1.{index}", 4)  # unlocked
        agent.integer(f"{base}.2.{index}", oper)
        agent.text(f"{base}.4.{index}", alarm)
        agent.integer(f"{base}.11.{index}", temperature)
        agent.integer(f"{base}.12.{index}", limit)
        agent.integer(f"{base}.16.{index}", 0)

    row(_HW_BOARD, 3, temperature=82 if faults.of("temperature") else 41, limit=75)
    for n, index in enumerate(_HW_PSUS, start=1):
        failed = n in _chosen(faults, "psu", 2)
        row(index, 2 if failed else 3, bytes([0x20]) if failed else indeterminate, temperature=0)
    for n, index in enumerate(_HW_FANS, start=1):
        failed = n in _chosen(faults, "fan", 2)
        row(index, 2 if failed else 3, bytes([0x10]) if failed else indeterminate)
    for n, index in enumerate(_HW_OPTICS, start=1):
        state = _chosen(faults, "transceiver", 2)
        if n in missing:
            row(index, 17, bytes([0x80]))  # linkDown, notSupported: a bare port
        elif n in state:
            row(index, 2, bytes([0x10]))
        else:
            row(index, 16)  # linkUp


# --- H3C ------------------------------------------------------------------------------------------------------------


def h3c(specs: Sequence[FaultSpec]) -> Snapshot:
    """An H3C IRF stack of two S6520X members: ENTITY-MIB + hh3cEntityExtStateTable; PSUs and fans of the two
    members carry the same names, one PSU description is GB18030 Chinese."""
    faults = Faults.read(specs)
    agent = Agent(
        "1.3.6.1.4.1.25506.1.1890",
        "H3C Comware Platform Software, Software Version 7.1.070, Release 6635P07\r\nH3C S6520X-30QC-EI",
        "irf-h3c-b02",
    )
    missing = {n for n, value in _chosen(faults, "transceiver", 2).items() if value == "missing"}
    parts: list[Part] = [Part(1, mib.CLASS_STACK, "IRF", "IRF stack")]
    states: dict[int, int] = {}
    for member in (1, 2):
        box = member * 100
        parts.append(
            Part(
                box,
                mib.CLASS_CHASSIS,
                f"Slot {member}",
                "H3C S6520X-30QC-EI",
                1,
                member,
                model="S6520X-30QC-EI",
                serial=f"219801A2KK8197Q0000{member}",
                hardware="VER.B",
                software="7.1.070 Release 6635P07",
                maker="H3C",
            )
        )
        for n in (1, 2):
            number = (member - 1) * 2 + n
            parts.append(
                Part(
                    box + n,
                    mib.CLASS_POWER_SUPPLY,
                    f"PSU {n}",
                    "",
                    box,
                    n,
                    model="PSR250-12A1",
                    serial=f"210231A2KSH19600{number:04d}",
                    maker="H3C",
                    descr_bytes="电源模块 250W 交流".encode("gb18030"),
                )
            )
            states[box + n] = 51 if number in _chosen(faults, "psu", 4) else 2
            parts.append(
                Part(
                    box + 10 + n,
                    mib.CLASS_FAN,
                    f"Fan {n}",
                    "Fan tray",
                    box,
                    10 + n,
                    model="FAN-40B-1-A",
                    serial=f"210231A2L9H19700{number:04d}",
                    maker="H3C",
                )
            )
            states[box + 10 + n] = 41 if number in _chosen(faults, "fan", 4) else 2
        if member not in missing:
            parts.append(
                Part(
                    box + 25,
                    mib.CLASS_MODULE,
                    f"Ten-GigabitEthernet{member}/0/25",
                    "SFP+ 10GBase-SR 850nm 300m",
                    box,
                    25,
                    model="SFP-XG-SX-MM850-D",
                    serial=f"210231A0A6X1940{member:05d}",
                    maker="H3C",
                )
            )
            states[box + 25] = 33 if member in _chosen(faults, "transceiver", 2) else 2
    agent.entities(parts)
    base = mib.HH3C_ENTITY_EXT_STATE_ENTRY
    for index in sorted({*states, 100, 200}):
        agent.integer(f"{base}.3.{index}", 3)  # enabled
        hot = index == 100 and bool(faults.of("temperature"))
        agent.integer(f"{base}.12.{index}", (83 if hot else 38) if index in (100, 200) else 65535)
        agent.integer(f"{base}.13.{index}", 70 if index in (100, 200) else 65535)
        agent.integer(f"{base}.17.{index}", 80 if index in (100, 200) else 65535)
        agent.integer(f"{base}.19.{index}", states.get(index, 2))
    ports = access_and_uplinks(
        1,
        ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet2/0/1"],
        [(f"Ten-GigabitEthernet{m}/0/25", None, None) for m in (1, 2)],
    )
    for port in ports:  # ifName is the short form, ifDescr the long one
        port.descr, port.name = (
            port.name,
            port.name.replace("Ten-GigabitEthernet", "XGE").replace("GigabitEthernet", "GE"),
        )
        port.alias = port.alias or f"{port.descr} Interface"
    break_ports(ports, faults)
    agent.interfaces(ports)
    return agent.snapshot()


# --- Cisco ----------------------------------------------------------------------------------------------------------


def cisco(specs: Sequence[FaultSpec]) -> Snapshot:
    """A Catalyst 9300-class switch: ENTITY-MIB + CISCO-ENVMON-MIB (own row indexes, a notPresent supply row) +
    CISCO-ENTITY-SENSOR-MIB transceiver readings."""
    faults = Faults.read(specs)
    agent = Agent(
        "1.3.6.1.4.1.9.1.2494",
        "Cisco IOS Software [Bengaluru], Catalyst L3 Switch Software "
        "(CAT9K_IOSXE), Version 17.6.5, RELEASE SOFTWARE (fc2)",
        "sw-cisco-c03",
    )
    missing = {n for n, value in _chosen(faults, "transceiver", 2).items() if value == "missing"}
    parts = [
        Part(1, mib.CLASS_STACK, "c93xx Stack", "c93xx Stack"),
        Part(
            1000,
            mib.CLASS_CHASSIS,
            "Switch 1",
            "C9300-48P",
            1,
            1,
            model="C9300-48P",
            serial="FOC2233X0AB",
            hardware="V02",
            software="17.06.05",
            maker="Cisco Systems Inc",
        ),
    ]
    for n, letter in ((1, "A"), (2, "B")):
        parts.append(
            Part(
                1003 + 2 * n,
                mib.CLASS_CONTAINER,
                f"Switch 1 - Power Supply {letter} Container",
                "Power Supply Container",
                1000,
                n,
            )
        )
        parts.append(
            Part(
                1004 + 2 * n,
                mib.CLASS_POWER_SUPPLY,
                f"Switch 1 - Power Supply {letter}",
                "Switch 1 - Power Supply A" if n == 1 else "Switch 1 - Power Supply B",
                1003 + 2 * n,
                0,
                model="PWR-C1-715WAC",
                serial=f"LIT2231{n:04d}",
                hardware="V02",
            )
        )
    for n in (1, 2, 3):
        parts.append(Part(1010 + n, mib.CLASS_FAN, f"Switch 1 - FAN {n}", "Switch 1 - FAN", 1000, 10 + n))
    for n in (1, 2):
        port = 1100 + 10 * n
        parts.append(Part(port, mib.CLASS_PORT, f"Te1/1/{n}", "Ten Gigabit Ethernet Port", 1000, 48 + n))
        if n not in missing:
            parts += [
                Part(
                    port + 1,
                    mib.CLASS_MODULE,
                    f"Te1/1/{n} Module",
                    "SFP-10GBase-SR",
                    port,
                    0,
                    model="SFP-10G-SR",
                    serial=f"AVD2145{n:04d}",
                    hardware="V03",
                    maker="CISCO-AVAGO",
                ),
                Part(port + 2, mib.CLASS_SENSOR, f"Te1/1/{n} Module Temperature Sensor", "Temperature", port + 1, 1),
                Part(port + 3, mib.CLASS_SENSOR, f"Te1/1/{n} Receive Power Sensor", "Receive Power", port + 1, 2),
            ]
            broken = n in _chosen(faults, "transceiver", 2)
            sensors = mib.CISCO_ENT_SENSOR_VALUE_ENTRY
            agent.sensor(sensors, port + 2, 8, 9, 1, 325, status=3 if broken else 1)
            agent.sensor(sensors, port + 3, 14, 9, 1, -23, status=3 if broken else 1)
    agent.entities(parts)
    _cisco_envmon(agent, faults)
    ports = access_and_uplinks(
        8, ["Gi1/0/1", "Gi1/0/2", "Gi1/0/3"], [(f"Te1/1/{n}", None, 1100 + 10 * n) for n in (1, 2)]
    )
    for interface in ports:
        interface.descr = interface.name.replace("Gi", "GigabitEthernet").replace("Te", "TenGigabitEthernet")
    break_ports(ports, faults)
    agent.interfaces(ports)
    return agent.snapshot()


def _cisco_envmon(agent: Agent, faults: Faults) -> None:
    supply, fan, temperature = (
        mib.CISCO_ENV_MON_SUPPLY_STATUS_ENTRY,
        mib.CISCO_ENV_MON_FAN_STATUS_ENTRY,
        mib.CISCO_ENV_MON_TEMPERATURE_STATUS_ENTRY,
    )
    rows = [(1, "Sw1, PSA Normal", 1), (2, "Sw1, PSB Normal", 1), (3, "Sw1, RPS NotExist", 5)]
    for index, descr, state in rows:
        failed = index in _chosen(faults, "psu", 2)
        agent.text(f"{supply}.2.{index}", descr.replace("Normal", "Faulty") if failed else descr)
        agent.integer(f"{supply}.3.{index}", 3 if failed else state)
    for index in (1, 2, 3):
        failed = index in _chosen(faults, "fan", 3)
        agent.text(f"{fan}.2.{index}", f"Switch 1 - FAN {index}, {'Faulty' if failed else 'Normal'}")
        agent.integer(f"{fan}.3.{index}", 3 if failed else 1)
    hot = bool(faults.of("temperature"))
    agent.text(f"{temperature}.2.1", "Switch 1: SYSTEM INLET Sensor 0")
    agent.put(f"{temperature}.3.1", Type.GAUGE32, 62 if hot else 27)
    agent.integer(f"{temperature}.4.1", 56)
    agent.integer(f"{temperature}.6.1", 3 if hot else 1)


# --- Generic (ENTITY-MIB, ENTITY-STATE-MIB, ENTITY-SENSOR-MIB only) -------------------------------------------------


def entity(specs: Sequence[FaultSpec]) -> Snapshot:
    """A white-box switch of a vendor no profile knows (net-snmp's generic sysObjectID), standard MIBs only."""
    faults = Faults.read(specs)
    agent = Agent(
        "1.3.6.1.4.1.8072.3.2.10", "SONiC Software Version: SONiC.202305 - HwSku: Example-48x25G-8x100G", "leaf-wb-d04"
    )
    missing = {n for n, value in _chosen(faults, "transceiver", 2).items() if value == "missing"}
    sensors = mib.ENT_PHY_SENSOR_ENTRY
    parts = [
        Part(
            1,
            mib.CLASS_CHASSIS,
            "Chassis",
            "48x25G + 8x100G switch",
            model="AS7326-56X",
            serial="732656X2041023",
            hardware="R01",
            software="SONiC.202305",
            maker="Edgecore",
        )
    ]
    parts.append(Part(101, mib.CLASS_SENSOR, "Chassis Temp 1", "Board temperature", 1, 1))
    parts.append(Part(102, mib.CLASS_SENSOR, "CPU Temp", "CPU temperature", 1, 2))
    hot = bool(faults.of("temperature"))
    agent.sensor(sensors, 101, 8, 9, 1, 785 if hot else 345, units="C")
    agent.sensor(sensors, 102, 8, 8, 0, 51000, units="C")  # milli-degrees
    states: dict[int, tuple[int, int]] = {1: (3, 0), 101: (3, 0x20 if hot else 0)}
    for n in (1, 2):
        index = 600 + n
        parts.append(
            Part(
                index,
                mib.CLASS_POWER_SUPPLY,
                f"PSU {n}",
                "650W AC PSU",
                1,
                20 + n,
                model="FSF045-611G",
                serial=f"PSU65{n:06d}",
                maker="Edgecore",
            )
        )
        parts.append(Part(index * 10 + 1, mib.CLASS_SENSOR, f"PSU {n} Output Voltage", "Voltage", index, 1))
        agent.sensor(sensors, index * 10 + 1, 4, 8, 0, 12050, units="V")
        failed = n in _chosen(faults, "psu", 2)
        states[index] = (2, 0x20) if failed else (3, 0)
    for n in (1, 2, 3, 4):
        index = 400 + n
        parts.append(Part(index, mib.CLASS_FAN, f"Fantray {n}", "Fan tray", 1, 10 + n, model="FAN-AS7326-F2B"))
        parts.append(Part(index * 10 + 1, mib.CLASS_SENSOR, f"Fantray {n} Fan 1 Speed", "Fan speed", index, 1))
        failed = n in _chosen(faults, "fan", 4)
        agent.sensor(sensors, index * 10 + 1, 10, 9, 0, 0 if failed else 9500, units="RPM")
        if n != 4:  # fan tray 4 has no ENTITY-STATE row: listed, health unknown
            states[index] = (2, 0x10) if failed else (3, 0)
    for n in (1, 2):
        port = 1000 + 4 * n
        parts.append(Part(port, mib.CLASS_PORT, f"Ethernet{44 + 4 * n}", "100G port", 1, 48 + n))
        if n not in missing:
            parts.append(
                Part(
                    port * 10 + 1,
                    mib.CLASS_MODULE,
                    f"Ethernet{44 + 4 * n} transceiver",
                    "QSFP28 100GBASE-SR4",
                    port,
                    0,
                    model="QSFP-100G-SR4",
                    serial=f"INL24{n:07d}",
                    maker="Innolight",
                )
            )
            failed = n in _chosen(faults, "transceiver", 2)
            states[port * 10 + 1] = (2, 0x20) if failed else (3, 0)
    agent.entities(parts)
    for index, (oper, alarm) in states.items():
        agent.integer(f"{mib.ENT_STATE_ENTRY}.2.{index}", 4)  # unlocked
        agent.integer(f"{mib.ENT_STATE_ENTRY}.3.{index}", oper)
        agent.text(f"{mib.ENT_STATE_ENTRY}.5.{index}", bytes([alarm]) if alarm else b"")
    ports = access_and_uplinks(
        1, ["Ethernet0", "Ethernet4", "Ethernet8"], [(f"Ethernet{44 + 4 * n}", None, 1000 + 4 * n) for n in (1, 2)]
    )
    break_ports(ports, faults)
    agent.interfaces(ports)
    return agent.snapshot()


SAMPLES = (
    Sample("switch-huawei", "swhw", TARGETS, huawei),
    Sample("switch-h3c", "swh3c", TARGETS, h3c),
    Sample("switch-cisco", "swcisco", TARGETS, cisco),
    Sample("switch-entity", "sw", TARGETS, entity),
)

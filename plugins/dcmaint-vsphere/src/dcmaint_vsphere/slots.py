"""Where a part the ESXi health tree names sits: the slot label a technician finds on the hardware.

ESXi builds hardware element names from the server's IPMI/CIM data, so the
same slot reads differently by vendor: ``Memory Device 3 DIMM_A3`` (Dell),
``Memory Device 3 PROC 1 DIMM 3`` (HPE), ``Memory Device 3 DIMM 3``
(Lenovo); disks carry their bay in parentheses: ``(Slot 2)``, ``(Bay 2)``,
``(Port 1I: Box 1: Bay 2)``. These functions keep the label and drop the
enumeration, so that a DIMM reported twice (an element and a sensor) is one
part, and the depot and the technician see the vendor's own words.
"""

from __future__ import annotations

import re

_MEMORY_PREFIX = re.compile(r"^\s*Memory\s+Device\s+\d+\s+", re.IGNORECASE)
_MEMORY_STATE = re.compile(r"\s*[:,-]\s+.*$")  # "DIMM_A3: Uncorrectable ECC - Assert"
_HPE_DIMM = re.compile(r"^PROC\s*(\d+)\s+DIMM\s*(\d+)$", re.IGNORECASE)
_DIMM = re.compile(r"^(?:DIMM|CPU\d+_DIMM)[ _]?([A-Z]?\d+)$", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)\s*$")
_BAY = re.compile(r"\b(Box\s*\d+)?[:\s]*\b(Bay|Slot|Drive)\s*(\d+)\b", re.IGNORECASE)
_CPU = re.compile(r"(?:CPU|Proc(?:essor)?)\s*(?:socket\s*)?#?\s*(\d+)", re.IGNORECASE)
_PSU = re.compile(r"^\s*Power\s+Supply\s+(\d+)", re.IGNORECASE)
_ENTITY = re.compile(
    r"^\s*(?:System\s+Board|System\s+Chassis|Processor|Power\s+Supply|Power\s+Unit|Memory\s+Device|Cooling\s+Unit|"
    r"Disk\s+Drive\s+Bay|Other|Add-in\s+Card|Chassis|Fan\s+Device|Module/Board|Group|Cable/Interconnect)"
    r"\s+\d+\s+",
    re.IGNORECASE,
)


def dimm_slot(name: str) -> str:
    """The DIMM's slot label.

    >>> dimm_slot("Memory Device 3 DIMM_A3"), dimm_slot("Memory Device 11 PROC 2 DIMM 3")
    ('DIMM A3', 'PROC 2 DIMM 3')
    >>> dimm_slot("Memory Device 5 DIMM 5: Uncorrectable ECC - Assert"), dimm_slot("Memory Device 7 CPU1_DIMM_B2")
    ('DIMM 5', 'CPU1_DIMM_B2')
    """
    label = _MEMORY_STATE.sub("", _MEMORY_PREFIX.sub("", name)).strip()
    hpe = _HPE_DIMM.match(label)
    if hpe:
        return f"PROC {hpe.group(1)} DIMM {hpe.group(2)}"
    plain = re.fullmatch(r"DIMM[ _]?([A-Z]?\d+)", label, re.IGNORECASE)
    if plain:
        return f"DIMM {plain.group(1).upper()}"
    return label or name.strip()


def storage_slot(name: str) -> str:
    """A disk's bay (with its box when the vendor names one), or the element's name without a bay.

    >>> storage_slot("Disk 1 on HPE Smart Array P408i-a SR Gen10 (Port 1I: Box 1: Bay 2)")
    'Box 1 Bay 2'
    >>> storage_slot("Disk 2 on PERC H755 Front (Slot 2)"), storage_slot("Drive 0 on ThinkSystem RAID 930-8i (Bay 0)")
    ('Slot 2', 'Bay 0')
    >>> storage_slot("Controller 0 (PERC H755 Front)")
    'Controller 0 (PERC H755 Front)'
    """
    inner = _PARENS.search(name)
    if inner:
        bay = _BAY.search(inner.group(1))
        if bay:
            box = f"{' '.join(bay.group(1).split())} " if bay.group(1) else ""
            return f"{box}{bay.group(2).capitalize()} {bay.group(3)}"
    return " ".join(name.split())


def is_disk(name: str) -> bool:
    """Whether a storage element is a drive (else a controller, its battery, an enclosure or a volume).

    >>> is_disk("Disk 2 on PERC H755 Front (Slot 2)"), is_disk("Battery on Controller 0")
    (True, False)
    """
    return re.match(r"^\s*(Disk|Drive|Physical\s+Disk|SSD|HDD)\b", name, re.IGNORECASE) is not None


def cpu_slot(name: str) -> str:
    """``CPU N`` counted from 1 (ESXi counts sockets from 0), or the name when it names no socket.

    >>> cpu_slot("CPU socket #0 Level-1 Cache is 16384 B"), cpu_slot("Proc 2 Level-2 Cache")
    ('CPU 1', 'CPU 2')
    """
    found = _CPU.search(name)
    if not found:
        return " ".join(name.split())
    number = int(found.group(1))
    return f"CPU {number + 1}" if "socket" in name.lower() else f"CPU {number}"


def psu_slot(name: str) -> str | None:
    """``PSU N`` for a power supply sensor, None for any other.

    >>> psu_slot("Power Supply 2 PS2 Status: Power Supply AC lost - Assert"), psu_slot("System Board 1 Fan1A")
    ('PSU 2', None)
    """
    found = _PSU.match(name)
    return f"PSU {found.group(1)}" if found else None


def sensor_label(name: str) -> str:
    """A sensor's own name without the IPMI entity prefix and the state text.

    >>> sensor_label("System Board 1 Fan2A"), sensor_label("Processor 1 CPU1 Temp")
    ('Fan2A', 'CPU1 Temp')
    >>> sensor_label("Power Supply 2 PS2 Status: Power Supply AC lost - Assert")
    'PS2 Status'
    """
    head = name.split(":", 1)[0]
    label = _ENTITY.sub("", head).strip()
    return label or head.strip()

"""The two vocabularies every driver speaks: how healthy a thing is, and what kind of thing it is.

Both are string enums so that their values are what JSON, the store and the
table output show. Add values, never rename them: reports are archived.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Health(StrEnum):
    """Health of a component, a sensor, an alarm or a whole device.

    ``absent`` means "nothing is fitted here, and that is fine" (an empty
    drive bay). A part that should be there and is missing is a fault: report
    it as ``warning`` or ``critical`` with a reason such as "PSU 2 not present".

    Severity follows the monitoring-plugins convention for combining states
    (ok < unknown < warning < critical); ``absent`` ranks below ``ok``:

    >>> Health.worst([Health.OK, Health.WARNING, Health.UNKNOWN])
    <Health.WARNING: 'warning'>
    >>> Health.worst([], default=Health.OK)
    <Health.OK: 'ok'>
    >>> Health.CRITICAL.is_fault, Health.ABSENT.is_fault
    (True, False)
    """

    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    UNKNOWN = "unknown"
    ABSENT = "absent"

    @property
    def rank(self) -> int:
        """Severity for ordering: higher is worse."""
        return _RANK[self]

    @property
    def is_fault(self) -> bool:
        """True when somebody has to look at it (anything but ok and absent)."""
        return self not in (Health.OK, Health.ABSENT)

    @classmethod
    def worst(cls, healths: Iterable[Health], default: Health | None = None) -> Health:
        """The most severe of ``healths``; ``default`` when there are none (ValueError without one)."""
        found = max(healths, key=lambda health: _RANK[health], default=default)
        if found is None:
            raise ValueError("Health.worst() of nothing needs a default")
        return found


_RANK = {Health.ABSENT: 0, Health.OK: 1, Health.UNKNOWN: 2, Health.WARNING: 3, Health.CRITICAL: 4}


class ComponentKind(StrEnum):
    """What a component is; the spare depot matches parts by kind and part identity.

    A part outside this list is reported as ``other`` with a ``name`` saying
    what it is (e.g. "Bypass switch"); ask for a new kind instead of inventing
    strings, so that every driver's reports stay comparable.

    >>> ComponentKind("psu")
    <ComponentKind.PSU: 'psu'>
    """

    CPU = "cpu"
    DIMM = "dimm"
    DISK = "disk"
    CONTROLLER = "controller"  # RAID/storage controller, storage processor
    HBA = "hba"
    NIC = "nic"
    TRANSCEIVER = "transceiver"
    GPU = "gpu"
    PSU = "psu"
    FAN = "fan"
    BATTERY = "battery"  # UPS strings, cache batteries, CMOS cells
    BMC = "bmc"
    ENCLOSURE = "enclosure"  # chassis, shelf, frame
    MODULE = "module"  # line card, IO module, supervisor, UPS power module
    COMPRESSOR = "compressor"
    FILTER = "filter"
    HUMIDIFIER = "humidifier"
    SENSOR = "sensor"  # a sensor that is itself a replaceable part
    OTHER = "other"

"""What a driver's reports carry beyond health: the features a driver declares in ``Driver.features``.

``Driver.capabilities()`` reads which methods a driver implements (probe,
poll, poll_batch, discover). What a poll *returns* cannot be read from the
class, so a driver declares it, and the conformance kit holds the declaration
honest both ways: every declared feature is shown by at least one of the
driver's cases, and a report that shows a feature the class does not declare
fails. The support matrix (docs/drivers/matrix.md) is built from what the
cases proved, never from the declaration alone.

>>> from dcmaint.drivers.report import DeviceIdentity
>>> sorted(shown(DeviceReport(DeviceIdentity(firmware={"BIOS": "2.1"}))))
[<Feature.FIRMWARE: 'firmware'>]
"""

from __future__ import annotations

from dcmaint.drivers.health import ComponentKind
from dcmaint.drivers.report import DeviceReport
from dcmaint.i18n import Untranslated


class Feature(Untranslated):
    """One thing a driver's reports carry; the values are what ``Driver.features`` lists (identifiers, as a
    driver class spells them, so not translated)."""

    #: ``report.archive`` holds at least one non-empty section (hardware, system, raid, backup, firmware).
    ARCHIVE = "archive"
    #: ``report.events``: the device's event log.
    EVENTS = "events"
    #: Firmware inventory: ``identity.firmware`` or ``archive.firmware``.
    FIRMWARE = "firmware"
    #: ``report.sensors``: temperatures, voltages, fan speeds, loads.
    SENSORS = "sensors"
    #: Components of the facility kinds (compressor, filter, humidifier): cooling and power-chain equipment.
    FACILITY = "facility"


#: The component kinds only facility equipment (cooling units, CDUs) reports.
FACILITY_KINDS = frozenset({ComponentKind.COMPRESSOR, ComponentKind.FILTER, ComponentKind.HUMIDIFIER})


def shown(report: DeviceReport) -> frozenset[Feature]:
    """The features ``report`` carries: what one poll proves the driver delivers."""
    found: set[Feature] = set()
    archive = report.archive
    if archive is not None and any((archive.hardware, archive.system, archive.raid, archive.backup, archive.firmware)):
        found.add(Feature.ARCHIVE)
    if report.events:
        found.add(Feature.EVENTS)
    if report.identity.firmware or (archive is not None and archive.firmware):
        found.add(Feature.FIRMWARE)
    if report.sensors:
        found.add(Feature.SENSORS)
    if any(component.kind in FACILITY_KINDS for component in report.components):
        found.add(Feature.FACILITY)
    return frozenset(found)

"""From a resource map to a DeviceReport: pure functions, no I/O.

``parse_report(resources, profile)`` is the one entry point the driver, the
tests and anyone holding a recorded Redfish tree use::

    from dcmaint_redfish.parse import parse_report
    report = parse_report(fixture.resources)            # profile detected from the service root
    report = parse_report(resources, HpeProfile())      # or given

Whatever the documents hold, it returns a report or raises
:class:`~dcmaint.drivers.ProtocolError`; never another exception.
"""

from __future__ import annotations

from collections.abc import Mapping

from dcmaint.drivers import DeviceReport, DriverError, ProtocolError
from dcmaint_redfish.parse.vendor import Document, Resources, VendorProfile
from dcmaint_redfish.paths import ROOT

__all__ = ["choose_profile", "parse_report"]


def choose_profile(root: Document | None, name: str | None = None) -> VendorProfile:
    """The vendor profile for this service root: the one named (``"dmtf"`` for none), else the first that matches."""
    from dcmaint_redfish.parse import oem

    if name is not None:
        if name == VendorProfile.name:
            return VendorProfile()
        for profile in oem.PROFILES:
            if profile.name == name:
                return profile
        from dcmaint_redfish.options import InvalidOptions

        known = ", ".join([VendorProfile.name, *(profile.name for profile in oem.PROFILES)])
        raise InvalidOptions(f"option vendor={name!r}: no such vendor profile (known: {known})")
    try:
        return oem.detect(root if isinstance(root, Mapping) else {})
    except Exception as error:  # noqa: BLE001 - a profile's matches() bug must not crash the run
        raise ProtocolError(f"vendor detection failed: {type(error).__name__}: {error}") from None


def parse_report(
    resources: Resources,
    profile: VendorProfile | None = None,
    *,
    unread: Mapping[str, str] | None = None,
    log_entries: int = 20,
    filter_wear: float | None = 90.0,
) -> DeviceReport:
    """The report for a resource map (path -> JSON document).

    ``profile`` defaults to the one detected from the service root;
    ``unread`` lists resources the crawler could not read (path -> reason),
    reported as ``unknown`` alarms; ``log_entries`` caps the events kept; ``filter_wear`` is the share (percent)
    of a facility filter's rated service hours from which it is due (None: the device's verdict only).
    """
    from dcmaint_redfish.parse.standard import parse_standard

    if not isinstance(resources, Mapping):
        raise ProtocolError(f"expected a resource map, got {type(resources).__name__}")
    if profile is None:
        profile = choose_profile(resources.get(ROOT))
    try:
        return parse_standard(resources, profile, unread=unread or {}, log_entries=log_entries, filter_wear=filter_wear)
    except DriverError:
        raise
    except RecursionError:
        raise ProtocolError("the Redfish documents nest too deeply to read") from None
    except Exception as error:  # noqa: BLE001 - the promise: a report or a ProtocolError, nothing else
        raise ProtocolError(
            f"unreadable Redfish data ({profile.name} profile): {type(error).__name__}: {error}"
        ) from None

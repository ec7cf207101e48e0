"""Rules every device record obeys, wherever it comes from (CLI, import, edit)."""

from __future__ import annotations

from dataclasses import replace

from dcmaint.domain import parse
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.secrets import parse_reference


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def normalise(device: Device) -> Device:
    """Validate and tidy a device; raise UsageError naming the first bad value."""
    text_fields = {
        key: _clean(getattr(device, key))
        for key in ("vendor", "model", "serial", "room", "rack", "rack_unit", "driver", "endpoint",
                    "username", "ca_file", "notes")
    }
    device = replace(
        device,
        name=parse.name(device.name, _("device")),
        kind=parse.enum_value(DeviceKind, device.kind, _("device kind")).value,
        **text_fields,
    )
    if device.endpoint and any(ch.isspace() for ch in device.endpoint):
        raise UsageError(_("invalid endpoint {value!r}: no spaces allowed").format(value=device.endpoint))
    if device.credential:
        device = replace(device, credential=str(parse_reference(device.credential)))
    if device.fingerprint:
        device = replace(device, fingerprint=parse.fingerprint(device.fingerprint))
    if not device.tls_verify and (device.ca_file or device.fingerprint):
        raise UsageError(
            _("device {name!r}: --insecure cannot be combined with a CA file or fingerprint").format(name=device.name)
        )
    return device

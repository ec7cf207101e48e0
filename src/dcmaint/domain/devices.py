"""Rules every device record obeys, wherever it comes from (CLI, import, edit)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dcmaint.domain import parse, text
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.domain.urls import refuse_password_in_url
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.secrets import parse_reference


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


OPTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def parse_option(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` as typed after ``--option``."""
    key, sep, value = text.partition("=")
    if not sep or not OPTION_KEY.match(key.strip()) or not value.strip():
        raise UsageError(_("invalid option {value!r}: expected KEY=VALUE, e.g. auth=basic").format(value=text))
    return key.strip(), value.strip()


def parse_options(options: Mapping[str, str]) -> dict[str, str]:
    """Driver options: lower-case keys, non-empty string values (what each key means is the driver's business)."""
    clean = {}
    for key, value in options.items():
        if not isinstance(key, str) or not OPTION_KEY.match(key) or not isinstance(value, str) or not value.strip():
            raise UsageError(
                _("invalid option {value!r}: expected KEY=VALUE, e.g. auth=basic").format(value=f"{key}={value}")
            )
        clean[key] = value.strip()
    return dict(sorted(clean.items()))


def normalise(device: Device) -> Device:
    """Validate and tidy a device; raise UsageError naming the first bad value.

    A password in the endpoint is refused before anything else is looked at, so that no other message
    about the device can repeat it.
    """
    refuse_password_in_url(device.endpoint, _("endpoint"))
    text_fields: dict[str, Any] = {  # each a str | None field of Device
        key: _clean(getattr(device, key))
        for key in (
            "vendor",
            "model",
            "serial",
            "room",
            "rack",
            "rack_unit",
            "driver",
            "endpoint",
            "username",
            "ca_file",
            "notes",
        )
    }
    device = replace(
        device,
        name=parse.name(device.name, _("device")),
        kind=parse.enum_value(DeviceKind, device.kind, _("device kind")).value,
        **text_fields,
    )
    device = replace(device, options=parse_options(device.options))
    for key, value in text_fields.items():  # a sheet's cells enter here too: names refused, notes escaped
        if value is not None and key not in ("notes", "serial"):  # a serial: parse.serial below
            text.identifier(value, key)
    if device.notes is not None:
        device = replace(device, notes=text.free_text(device.notes, _("notes")))
    if device.serial:
        device = replace(device, serial=parse.serial(device.serial, _("serial")))
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

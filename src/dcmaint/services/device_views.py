"""What ``device list``, ``device show`` and ``device check-credential`` read (writes: :mod:`dcmaint.services.devices`).

``device list`` is the command whose start-up is measured against a bare
``import typer``: this module imports only the DB-API read path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dcmaint.domain.records import Device
from dcmaint.services.context import Context
from dcmaint.store import queries
from dcmaint.store.queries import DeviceFilter, LastPoll, OpenFault

__all__ = ["CredentialCheck", "DeviceFilter", "DeviceView", "check_credential", "devices", "show"]


def devices(context: Context, where: DeviceFilter | None = None) -> list[Device]:
    """The devices ``where`` selects (all without one), by site and name; an unknown site is an error (entry
    point)."""
    with context.read() as reader:
        return queries.devices(reader, where or DeviceFilter())


@dataclass(frozen=True)
class DeviceView:
    """One device with its last recorded poll (and that poll's report), its open faults, and its site's time zone
    (for tables; JSON keeps UTC)."""

    device: Device
    last_poll: LastPoll | None
    report: dict[str, Any] | None
    open_faults: tuple[OpenFault, ...]
    timezone: str = "UTC"

    def as_json(self) -> dict[str, Any]:
        """The device's keys, then ``last_poll`` (with its ``report``) and ``open_faults`` (docs/json.md)."""
        return {
            **self.device.as_json(),
            "last_poll": {**self.last_poll.as_json(), "report": self.report} if self.last_poll else None,
            "open_faults": [fault.as_json() for fault in self.open_faults],
        }


def show(context: Context, name: str, site: str | None = None) -> DeviceView:
    """One device by name (``site`` when the name is used at two), read in one transaction (entry point)."""
    with context.read() as reader:
        device = queries.device(reader, name, site)
        polled = queries.last_poll(reader, device)
        faults = queries.open_faults(reader, device.site, device.name)
        zone = queries.site(reader, device.site).timezone
    poll, report = polled if polled is not None else (None, None)
    return DeviceView(device, poll, report, tuple(faults), zone)


@dataclass(frozen=True)
class CredentialCheck:
    """A credential reference that resolved; the secret itself is never kept, only its length."""

    site: str
    device: str
    reference: str
    length: int


def check_credential(context: Context, name: str, site: str | None = None) -> CredentialCheck:
    """Resolve a device's credential reference to show that it works (entry point); a device without one,
    or a reference that does not resolve, is a usage error."""
    import logging

    from dcmaint.errors import UsageError
    from dcmaint.i18n import _
    from dcmaint.secrets import resolve

    with context.read() as reader:
        device = queries.device(reader, name, site)
    if not device.credential:
        raise UsageError(_("device {name!r} has no credential reference").format(name=name))
    secret = resolve(device.credential)
    logging.getLogger("dcmaint.secrets").info("resolved %s for %s/%s", device.credential, device.site, device.name)
    return CredentialCheck(device.site, device.name, device.credential, len(secret.reveal()))

"""What :meth:`Driver.discover <dcmaint.drivers.base.Driver.discover>` returns: the devices behind one endpoint.

A manager (a vCenter, an array's controller, a chassis manager) knows the
devices it manages. A driver that can ask it implements ``discover`` and
returns one :class:`FoundDevice` per device; ``dcmaint device import --from
URL`` registers those not registered yet. Like a report, a found device is
frozen, converts strings given for its kind, and escapes the control
characters of its text at construction (the manager's answer is hostile
text), so a bad value fails inside the driver.

:func:`judge_found` is the core's side: what a ``discover`` call's return
value is worth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.model import _escape_texts, _Plain, _set
from dcmaint.drivers.plain import frozen_mapping
from dcmaint.drivers.report import DeviceIdentity
from dcmaint.i18n import _


@dataclass(frozen=True)
class FoundDevice(_Plain):
    """One device a manager endpoint knows about, as ``dcmaint`` would register it.

    ``name`` is the suggested register name (the host's inventory name);
    ``endpoint`` is the URL the device will be polled by, through the
    discovering driver; ``options`` are the driver options stored with the
    device (what the driver needs to find it again behind the manager);
    ``note`` is one line shown to the user.

    >>> found = FoundDevice("esx01.example", "hypervisor", "vsphere://vc01.example/?host=host-12",
    ...                     DeviceIdentity(vendor="Dell Inc.", model="PowerEdge R650", serial="7XK2Q33"),
    ...                     options={"host": "host-12"}, note="in cluster C0")
    >>> found.kind, found.identity.serial, found.options["host"]
    (<DeviceKind.HYPERVISOR: 'hypervisor'>, '7XK2Q33', 'host-12')
    """

    name: str
    kind: DeviceKind
    endpoint: str
    identity: DeviceIdentity = field(default_factory=DeviceIdentity)
    options: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None

    def __post_init__(self) -> None:
        _set(self, "kind", DeviceKind(self.kind))
        for name in ("name", "endpoint"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"FoundDevice.{name} must be a string, not {type(getattr(self, name)).__name__}")
        if not isinstance(self.identity, DeviceIdentity):
            raise TypeError(f"FoundDevice.identity must be a DeviceIdentity, not {type(self.identity).__name__}")
        _set(self, "options", frozen_mapping(self.options))
        _escape_texts(self)


@dataclass(frozen=True)
class Discovery:
    """What one ``discover`` call came to: the devices found, or why there are none (``kind`` and ``message``)."""

    found: tuple[FoundDevice, ...] = ()
    kind: ErrorKind | None = None
    message: str = ""
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return self.kind is None


def judge_found(value: Any, duration: float) -> Discovery:
    """The discovery for what ``discover`` returned: its devices, or ``invalid_report`` when it is not a sequence
    of :class:`FoundDevice`."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        wrong = [item for item in value if not isinstance(item, FoundDevice)]
        if not wrong:
            return Discovery(tuple(value), duration=duration)
        what = type(wrong[0]).__name__
    else:
        what = type(value).__name__
    return Discovery(
        kind=ErrorKind.INVALID_REPORT,
        message=_("driver returned {type} instead of a list of FoundDevice").format(type=what),
        duration=duration,
    )

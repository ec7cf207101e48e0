"""The data a maintenance form (维护单) shows: the contract between the ticket code and the renderer.

The ticket side fills a ``FormData`` from the store; the renderer turns it
into a document for the customer and never touches the store. Keeping the
contract a plain frozen value means the form can be rendered, tested and
re-rendered (after the customer signs, after the centre verifies) without a
database. ``__post_init__`` rejects values that would make a wrong form
(a naive datetime shown in the wrong zone, a score of 7 stars): those are
bugs in the caller, so they raise ``ValueError``, not a user error.

>>> from datetime import datetime, timedelta, timezone
>>> t0 = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
>>> form = FormData(
...     ticket="T-2026-000042", customer="某市商业银行", site="dc1", site_address=None, contract_no=None,
...     timezone="Asia/Shanghai", source="phone", caller=None, contact=None, severity="high",
...     devices=(FormDevice("db01", "server", "Inspur", "NF5280M6", "SN1", "A/R03/U12"),),
...     fault="电源模块故障", reported_at=t0, started_at=None, restored_at=None, handling=None,
...     sla_hours=12, sla_met=None, sla_elapsed=None, sla_paused=timedelta(0), actions=None,
...     time_spent=None, parts=(), engineer=None, signed_by=None, signed_at=None, score=None,
...     comment=None, signature_png=None, verified_by=None, verified_at=None)
>>> form.ticket, form.devices[0].serial
('T-2026-000042', 'SN1')
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

DIRECTIONS = ("in", "out")  # "in": fitted into the device; "out": removed from it
HANDLINGS = ("remote", "onsite")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


def image_type(data: bytes) -> str | None:
    """The MIME type of a signature image ("image/png", "image/jpeg"), or None for anything else.

    The ticket code checks a user's signature file with this before it builds
    a form, so a wrong file is refused when it is given, not when it is printed.
    """
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None


@dataclass(frozen=True)
class FormDevice:
    name: str
    kind: str  # a DeviceKind value; unknown kinds are shown as given
    vendor: str | None
    model: str | None
    serial: str | None
    location: str | None  # room/rack/U as one string


@dataclass(frozen=True)
class FormPart:
    direction: str  # "in" (fitted) or "out" (removed)
    device: str
    slot: str
    part_number: str | None
    serial: str | None
    description: str | None

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"part direction must be one of {DIRECTIONS}, not {self.direction!r}")


@dataclass(frozen=True)
class FormData:
    ticket: str  # e.g. "T-2026-000042"
    customer: str
    site: str
    site_address: str | None
    contract_no: str | None
    timezone: str  # IANA name; every datetime is timezone-aware and shown in this zone
    source: str  # phone, email, inspection, monitoring
    caller: str | None
    contact: str | None
    severity: str  # critical, high, medium, low
    devices: tuple[FormDevice, ...]
    fault: str  # the fault as reported
    reported_at: datetime
    started_at: datetime | None
    restored_at: datetime | None
    handling: str | None  # "remote" or "onsite"
    sla_hours: int
    sla_met: bool | None  # None while not restored
    sla_elapsed: timedelta | None  # handling time that counts, pauses excluded
    sla_paused: timedelta
    actions: str | None  # what was done (multi-line)
    time_spent: timedelta | None
    parts: tuple[FormPart, ...]
    engineer: str | None
    signed_by: str | None
    signed_at: datetime | None
    score: int | None  # 1..5
    comment: str | None
    signature_png: bytes | None  # PNG or JPEG bytes of the customer's signature
    verified_by: str | None
    verified_at: datetime | None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, datetime) and value.utcoffset() is None:
                raise ValueError(f"{field.name} must be timezone-aware")
        if self.score is not None and not 1 <= self.score <= 5:
            raise ValueError(f"score must be 1 to 5, not {self.score}")
        if self.handling is not None and self.handling not in HANDLINGS:
            raise ValueError(f"handling must be one of {HANDLINGS}, not {self.handling!r}")
        if self.signature_png is not None and image_type(self.signature_png) is None:
            raise ValueError("signature_png must hold PNG or JPEG bytes")

"""The registers' records as the rest of the program sees them.

Both the write path (ORM) and the fast read path (plain SQL) produce these, so
every output format renders one type. ``as_json`` keys are a public contract,
documented in docs/json.md: add keys, never rename or remove them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


@dataclass(frozen=True)
class Record:
    def as_json(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Site(Record):
    name: str
    customer: str
    address: str | None
    contract_no: str | None
    signed_on: date | None
    sla_restore_hours: int
    depot_deadline_days: int
    timezone: str
    calendar: str


@dataclass(frozen=True)
class Device(Record):
    site: str
    name: str
    kind: str
    vendor: str | None
    model: str | None
    serial: str | None
    room: str | None
    rack: str | None
    rack_unit: str | None
    covered: bool
    driver: str | None
    endpoint: str | None
    username: str | None
    credential: str | None  # a reference such as env:NAME, never a secret
    tls_verify: bool
    ca_file: str | None
    fingerprint: str | None
    notes: str | None
    options: Mapping[str, str] = field(default_factory=dict)  # driver settings, e.g. {"auth": "basic"}

    def as_json(self) -> dict[str, Any]:
        """The record, its endpoint's password (a row written before such URLs were refused) blanked.

        Every listing, export and audit row goes through here, so such a password is never shown again
        nor copied into a new audit row; ``dcmaint db check`` names the row so it can be cleaned.
        """
        from dcmaint.secrets import redact_url

        data = super().as_json()
        if self.endpoint:
            data["endpoint"] = redact_url(self.endpoint)
        return data


@dataclass(frozen=True)
class StaffMember(Record):
    name: str
    role: str
    skills: tuple[str, ...]
    phone: str | None
    email: str | None
    active: bool


@dataclass(frozen=True)
class AuditEntry(Record):
    seq: int
    at: datetime
    actor: str
    command: str
    entity: str
    entity_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str

    def as_json(self) -> dict[str, Any]:
        """The entry as stored, but a device endpoint's password (audited by a dcmaint that did not refuse
        one yet) blanked: the hash still covers the stored value, see docs/database.md."""
        from dcmaint.secrets import redact_url

        data = super().as_json()
        for side in ("before", "after"):
            record = data[side]
            if self.entity == "device" and record and isinstance(record.get("endpoint"), str):
                data[side] = {**record, "endpoint": redact_url(record["endpoint"])}
        return data

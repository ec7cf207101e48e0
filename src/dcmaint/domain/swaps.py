"""Records of swaps, customer consents and removed parts in custody, as commands show them (keys in docs/json.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dcmaint.domain.records import Record


class Verification(StrEnum):
    NOT_CHECKED = "not_checked"  # no --verify: nobody has polled the device since
    VERIFIED = "verified"  # the device reported the new serial, healthy, in the slot
    UNVERIFIED = "unverified"  # the poll failed or showed something else (verify_message says what)


@dataclass(frozen=True)
class SwapRecord(Record):
    id: int
    site: str
    device: str
    slot: str
    spare_serial: str | None  # None: a consumable, taken from its bin
    part_number: str
    fit: str
    consent: str | None
    from_site: str
    removed_serial: str | None
    removed_part_number: str | None
    custody_location: str | None
    ticket: str | None
    technician: str
    swapped_at: datetime
    fault_id: int | None  # the open fault the swap closed
    verification: str
    verified_at: datetime | None
    verify_message: str | None


@dataclass(frozen=True)
class Consent(Record):
    id: int
    site: str
    part_number: str
    substitute: str
    device: str | None
    agreed_by: str
    agreed_on: date
    document_ref: str
    notes: str | None


@dataclass(frozen=True)
class CustodyLine(Record):
    """A removed part: where it came from, where it is kept, and whether the customer has it yet."""

    site: str
    serial: str | None
    part_number: str
    condition: str
    device: str | None
    slot: str | None
    removed_at: datetime | None
    ticket: str | None
    kept_at: str | None
    handed_to: str | None
    handed_at: datetime | None
    receipt: str | None


@dataclass(frozen=True)
class Handover(Record):
    id: int
    site: str
    received_by: str
    handed_at: datetime
    document_ref: str | None
    serials: tuple[str, ...]
    parts: int

"""``spare consent``: the customer's agreement to fit a declared substitute instead of the original part.

The contract leaves that choice to the customer, so a swap with a substitute
is refused until a consent names who agreed, on which day, and the document
(an e-mail, a signed change note) that proves it. A consent holds for one
device, or for the whole site when no device is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from dcmaint.domain.parts import optional_text
from dcmaint.domain.swaps import Consent
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.services import sites
from dcmaint.services.context import Context
from dcmaint.services.stock import find_part
from dcmaint.store.models.depot import ConsentRow, PartSubstituteRow
from dcmaint.store.unit import UnitOfWork

ENTITY = "consent"


@dataclass(frozen=True)
class ConsentEntry:
    site: str
    part: str
    substitute: str
    agreed_by: str
    agreed_on: date
    document_ref: str
    device: str | None = None
    notes: str | None = None


def add(context: Context, entry: ConsentEntry) -> Consent:
    """Record the customer's consent to fit a declared substitute (entry point)."""
    with context.write() as unit:
        return _add(unit, entry)


def _add(unit: UnitOfWork, entry: ConsentEntry) -> Consent:
    site = sites.find(unit, entry.site)
    part = find_part(unit, entry.part)
    substitute = find_part(unit, entry.substitute)
    declared = unit.session.scalars(
        select(PartSubstituteRow).where(
            ((PartSubstituteRow.part_id == part.id) & (PartSubstituteRow.substitute_id == substitute.id))
            | ((PartSubstituteRow.part_id == substitute.id) & (PartSubstituteRow.substitute_id == part.id))
        )
    ).first()
    if declared is None:
        raise UsageError(
            _("{substitute} is not a declared substitute for {part}: declare it in the catalogue first").format(
                substitute=substitute.part_number, part=part.part_number
            )
        )
    agreed_by = optional_text(entry.agreed_by, _("agreed by"), 100)
    document = optional_text(entry.document_ref, _("document reference"), 200)
    if agreed_by is None or document is None:
        raise UsageError(_("a consent needs who agreed (--by) and the document that proves it (--document)"))
    device = device_register.find(unit, entry.device, site.name) if entry.device else None
    row = ConsentRow(
        site_id=site.id,
        part_id=part.id,
        substitute_id=substitute.id,
        device_id=device.id if device else None,
        agreed_by=agreed_by,
        agreed_on=entry.agreed_on,
        document_ref=document,
        notes=optional_free_text(entry.notes, _("notes")),
    )
    unit.session.add(row)
    unit.session.flush()
    record = Consent(
        row.id,
        site.name,
        part.part_number,
        substitute.part_number,
        device.name if device else None,
        agreed_by,
        entry.agreed_on,
        document,
        row.notes,
    )
    unit.record(ENTITY, str(row.id), "add", None, record.as_json())
    return record

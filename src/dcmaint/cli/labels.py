"""People-facing names of record fields and values, for tables.

JSON and CSV keep the stable English keys and stored values; only the table
view shows these. A field's value from a closed vocabulary (a ticket's
state, a part's condition) is shown by :func:`shown` through
:func:`dcmaint.i18n.value_label`, the one way an enum value reaches a reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from enum import Enum, StrEnum
from typing import TypeVar

from dcmaint.domain.enums import OutputFormat
from dcmaint.domain.records import Record
from dcmaint.i18n import _, value_label

R = TypeVar("R", bound=Record)
Vocabularies = type[Enum] | tuple[type[Enum], ...]


class FaultSource(StrEnum):
    """A recorded fault that is not a part: an alarm the device raised (its kind is none of ComponentKind)."""

    ALARM = "alarm"


def fault_values() -> dict[str, Vocabularies]:
    """The coded fields of a fault line (``device show``): its kind (a part's, or an alarm) and health.

    A function: the driver contract's enums are imported only by the commands that show faults.
    """
    from dcmaint.drivers.health import ComponentKind, Health

    return {"kind": (ComponentKind, FaultSource), "health": Health}


def label(vocabularies: Vocabularies, value: object) -> str:
    """``value`` in the reader's words, from the first of ``vocabularies`` that has it."""
    choices = vocabularies if isinstance(vocabularies, tuple) else (vocabularies,)
    text = value.value if isinstance(value, Enum) else value
    owner = next((v for v in choices if text in v._value2member_map_), choices[0])
    return value_label(owner, text if text is None else str(text))


def shown(fmt: OutputFormat, record: R, vocabularies: Mapping[str, Vocabularies]) -> R:
    """``record`` as ``fmt`` prints it: in a table each field of ``vocabularies`` (field -> enum, or enums
    tried in turn) is in the reader's language; JSON and CSV keep the stored values, their stable contract."""
    if fmt is not OutputFormat.TABLE:
        return record
    return replace(record, **{key: label(choices, getattr(record, key)) for key, choices in vocabularies.items()})


def field_labels() -> dict[str, str]:
    return {
        # sites
        "name": _("Name"),
        "customer": _("Customer"),
        "address": _("Address"),
        "contract_no": _("Contract"),
        "signed_on": _("Signed"),
        "sla_restore_hours": _("SLA restore hours"),
        "depot_deadline_days": _("Depot deadline (working days)"),
        "timezone": _("Time zone"),
        "calendar": _("Calendar"),
        # devices
        "site": _("Site"),
        "kind": _("Kind"),
        "vendor": _("Vendor"),
        "model": _("Model"),
        "serial": _("Serial"),
        "room": _("Room"),
        "rack": _("Rack"),
        "rack_unit": _("U"),
        "covered": _("Covered"),
        "driver": _("Driver"),
        "endpoint": _("Endpoint"),
        "username": _("Username"),
        "credential": _("Credential"),
        "tls_verify": _("Verify TLS"),
        "ca_file": _("CA file"),
        "fingerprint": _("Fingerprint"),
        "notes": _("Notes"),
        "options": _("Driver options"),
        # staff
        "role": _("Role"),
        "skills": _("Skills"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "active": _("Active"),
        # spares, swaps and custody
        "id": "ID",
        "part_number": _("Part number"),
        "catalogue_part_number": _("Catalogue part"),
        "part_class": _("Class"),
        "description": _("Description"),
        "bin": _("Bin"),
        "condition": _("Condition"),
        "quantity": _("Quantity"),
        "status": _("Status"),
        "reserved_for": _("Reserved for"),
        "proof_ref": _("Proof of origin"),
        "proof_file": _("Proof file"),
        "received_on": _("Received"),
        "device": _("Device"),
        "slot": _("Slot"),
        "custody_location": _("Kept at"),
        "updated_at": _("Updated"),
        "spare_serial": _("Spare fitted"),
        "fit": _("Fit"),
        "consent": _("Customer consent"),
        "from_site": _("From depot"),
        "removed_serial": _("Removed serial"),
        "removed_part_number": _("Removed part number"),
        "ticket": _("Ticket"),
        "technician": _("Technician"),
        "swapped_at": _("Swapped at"),
        "fault_id": _("Fault closed"),
        "verification": _("Verification"),
        "verified_at": _("Verified at"),
        "verify_message": _("Device reported"),
        "substitute": _("Substitute"),
        "agreed_by": _("Agreed by"),
        "agreed_on": _("Agreed on"),
        "document_ref": _("Document"),
        "received_by": _("Received by"),
        "handed_at": _("Handed over"),
        "serials": _("Serials"),
        "parts": _("Parts"),
        # import summaries
        "file": _("File"),
        "files": _("Files"),
        "rows": _("Rows"),
        "units": _("Units"),
        "added": _("Added"),
        "updated": _("Updated"),
        "unchanged": _("Unchanged"),
        # configuration
        "config_file": _("Configuration file"),
        "user.actor": _("Actor (user.actor)"),
        "database.url": _("Database (database.url)"),
        "plugins.load": _("Plugins loaded (plugins.load)"),
        "plugins.disable": _("Plugins disabled (plugins.disable)"),
        "plugins.strict": _("Strict plugin loading (plugins.strict)"),
        "plugins.load_timeout": _("Plugin load timeout, s (plugins.load_timeout)"),
        "runner.concurrency": _("Devices polled at once (runner.concurrency)"),
        "runner.timeout": _("Deadline per device, s (runner.timeout)"),
        "runner.workers": _("Worker processes, 0 = automatic (runner.workers)"),
        # catalogue parts
        "attributes": _("Attributes"),
        "annual_failure_rate": _("Annual failure rate"),
        "lead_time_days": _("Lead time (days)"),
        "consumable": _("Consumable"),
        "numbers": _("Other numbers"),
        "substitutes": _("Substitutes"),
    }

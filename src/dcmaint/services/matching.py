"""``spare match``: the faulty slots a user names, and the ranked spares for each (rules in
:mod:`dcmaint.domain.matching`)."""

from __future__ import annotations

from dcmaint.domain.matching import Candidate, SlotIdentity, pick_slot, rank
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store import match_queries, queries, ticket_queries
from dcmaint.store.reader import Reader, Rows

DEFAULT_LIMIT = 5


def match_spares(
    context: Context,
    device: str | None = None,
    site: str | None = None,
    slot: str | None = None,
    fault: int | None = None,
    ticket: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[Candidate]:
    """``dcmaint spare match``: the ranked spares for the slots named (see :func:`slots_for`), read in one
    transaction (entry point)."""
    with context.read() as reader:
        return match(reader, slots_for(reader, device, site, slot, fault, ticket), ticket, limit)


def slots_for(
    reader: Reader, device: str | None, site: str | None, slot: str | None, fault: int | None, ticket: str | None = None
) -> list[SlotIdentity]:
    """The slots to match: one named slot, one recorded fault, every open fault of a device, or a ticket's."""
    if ticket is not None:
        row = ticket_queries.ticket_row(reader, ticket)  # an unknown ticket is an error here too
        if fault is None and device is None:
            found = ticket_slots(reader, row.id, row.fault_id)
            if not found:
                raise UsageError(
                    _(
                        "ticket {ticket} has no open part faults on its devices: name the part with --device and --slot"
                    ).format(ticket=row.ref)
                )
            return found
    if fault is not None:
        if device is not None or slot is not None:
            raise UsageError(_("--fault names the slot already: leave out --device and --slot"))
        return [match_queries.fault_slot(reader, fault)]
    if device is None:
        raise UsageError(_("name what to match: --device (with --slot), --fault or --ticket"))
    named = queries.device(reader, device, site)
    device_id, _site_id = match_queries.device_ids(reader, named.site, named.name)
    if slot is not None:
        kind, location = pick_slot(slot, named.name, match_queries.slot_names(reader, device_id))
        return [match_queries.slot(reader, named.site, named.name, device_id, kind, location)]
    faulty = match_queries.open_fault_slots(reader, device_id)
    if not faulty:
        raise UsageError(_("{device} has no open faults: name the part with --slot").format(device=named.name))
    return faulty


def ticket_slots(rows: Rows, ticket_id: int, fault_id: int | None) -> list[SlotIdentity]:
    """The part faults a ticket is about: the fault monitoring opened it for, else the open part faults of its
    devices (``spare match --ticket``, and ``spare swap --ticket`` without ``--device``/``--slot``)."""
    if fault_id is not None:
        return [match_queries.fault_slot(rows, fault_id)]
    return match_queries.ticket_fault_slots(rows, ticket_id)


def match(
    reader: Reader, slots: list[SlotIdentity], ticket: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> list[Candidate]:
    if limit is not None and limit < 1:
        raise UsageError(_("invalid limit {value!r}: must be at least 1").format(value=limit))
    ticket = ticket.strip().upper() if ticket else None
    lines: list[Candidate] = []
    for identity in slots:
        device_id, site_id = match_queries.device_ids(reader, identity.site, identity.device)
        known = match_queries.slot_parts(reader, identity.numbers, site_id, device_id)
        spares = match_queries.candidate_spares(reader, identity, known, site_id, ticket, limit)
        lines.extend(rank(identity, known, spares, ticket, limit))
    return lines

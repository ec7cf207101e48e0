"""Read queries behind ``spare match`` and ``spare swap``: a device's slots, what the catalogue knows of them,
and the depot units that could fit.

Every function takes anything with ``rows(sql, params)``: the DB-API
:class:`~dcmaint.store.reader.Reader` for ``spare match`` (fast, no ORM) or
the :class:`~dcmaint.store.unit.UnitOfWork` of a swap, so the two commands
decide fit with the same SQL. Each is one indexed query whatever the depot's
size (docs/performance.md has the figures for 100,000 units).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcmaint.domain.matching import CataloguePart, SlotIdentity, SlotName, SlotParts, Spare
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.store.reader import Row, Rows, as_date


def _marks(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    return (
        ", ".join(f":{prefix}{i}" for i in range(len(values))),
        {f"{prefix}{i}": value for i, value in enumerate(values)},
    )


_SLOT_COLUMNS = "kind, location, health, part_number, spare_part_number, serial, model"


def device_ids(rows: Rows, site: str, device: str) -> tuple[int, int]:
    """(device id, site id) of a device already found by name (see ``queries.device``)."""
    found = rows.rows(
        "SELECT d.id, d.site_id FROM devices d JOIN sites s ON s.id = d.site_id "
        "WHERE s.name = :site AND d.name = :device",
        {"site": site, "device": device},
    )
    if not found:
        raise NotFound(_("unknown device {name!r}").format(name=device))
    return found[0]["id"], found[0]["site_id"]


def slot_names(rows: Rows, device_id: int) -> list[SlotName]:
    """The device's slots with the health each last reported (the hint of an unknown slot lists faulty ones first)."""
    return [
        SlotName(r["kind"], r["location"], r["health"])
        for r in rows.rows("SELECT kind, location, health FROM components WHERE device_id = :d", {"d": device_id})
    ]


def slot(rows: Rows, site: str, device: str, device_id: int, kind: str, location: str) -> SlotIdentity:
    """A slot as the installed base last saw it, with its open fault if it has one."""
    found = rows.rows(
        f"SELECT {_SLOT_COLUMNS} FROM components WHERE device_id = :d AND kind = :k AND location = :l",
        {"d": device_id, "k": kind, "l": location},
    )
    fault = rows.rows(
        "SELECT id, reason FROM faults WHERE device_id = :d AND kind = :k AND location = :l AND closed_at IS NULL",
        {"d": device_id, "k": kind, "l": location},
    )
    if not found:
        raise NotFound(_("slot {slot!r} does not exist on {device}").format(slot=f"{kind}:{location}", device=device))
    row = found[0]
    return SlotIdentity(
        site=site,
        device=device,
        kind=row["kind"],
        location=row["location"],
        health=row["health"],
        part_number=row["part_number"],
        spare_part_number=row["spare_part_number"],
        serial=row["serial"],
        model=row["model"],
        fault_id=fault[0]["id"] if fault else None,
        reason=fault[0]["reason"] if fault else None,
    )


_FAULT_COLUMNS = (
    "f.id, s.name AS site, d.name AS device, f.kind, f.location, f.health, f.part_number, "
    "f.spare_part_number, f.serial, f.model, f.reason, f.closed_at"
)


def _fault_slot(row: Row) -> SlotIdentity:
    return SlotIdentity(
        site=row["site"],
        device=row["device"],
        kind=row["kind"],
        location=row["location"],
        health=row["health"],
        part_number=row["part_number"],
        spare_part_number=row["spare_part_number"],
        serial=row["serial"],
        model=row["model"],
        fault_id=row["id"],
        reason=row["reason"],
    )


def fault_slot(rows: Rows, fault_id: int) -> SlotIdentity:
    """The slot of a recorded fault, with the part identity the fault was reported with."""
    found = rows.rows(
        f"SELECT {_FAULT_COLUMNS} FROM faults f JOIN devices d ON d.id = f.device_id "
        "JOIN sites s ON s.id = d.site_id WHERE f.id = :id",
        {"id": fault_id},
    )
    if not found:
        raise NotFound(_("unknown fault {id}: `dcmaint device show` lists a device's open faults").format(id=fault_id))
    if found[0]["closed_at"] is not None:
        raise UsageError(_("fault {id} is closed: the part reported healthy again").format(id=fault_id))
    slot = _fault_slot(found[0])
    if not rows.rows(
        "SELECT 1 FROM components c JOIN devices d ON d.id = c.device_id JOIN sites s ON s.id = d.site_id "
        "WHERE s.name = :site AND d.name = :device AND c.kind = :kind AND c.location = :location",
        {"site": slot.site, "device": slot.device, "kind": slot.kind, "location": slot.location},
    ):
        raise UsageError(
            _("fault {id} ({slot}) is not about a part in the installed base: match the part's own fault").format(
                id=fault_id, slot=slot.slot
            )
        )
    return slot


def open_fault_slots(rows: Rows, device_id: int) -> list[SlotIdentity]:
    """Open faults of parts in the installed base (a BMC's alarm about a part is not a part to replace)."""
    return [
        _fault_slot(r)
        for r in rows.rows(
            f"SELECT {_FAULT_COLUMNS} FROM faults f JOIN devices d ON d.id = f.device_id "
            "JOIN sites s ON s.id = d.site_id WHERE f.device_id = :d AND f.closed_at IS NULL AND EXISTS ("
            "SELECT 1 FROM components c "
            "WHERE c.device_id = f.device_id AND c.kind = f.kind AND c.location = f.location) "
            "ORDER BY f.kind, f.location",
            {"d": device_id},
        )
    ]


def ticket_fault_slots(rows: Rows, ticket_id: int) -> list[SlotIdentity]:
    """Open part faults of the devices on a ticket, by device and slot."""
    return [
        _fault_slot(r)
        for r in rows.rows(
            f"SELECT {_FAULT_COLUMNS} FROM faults f JOIN devices d ON d.id = f.device_id "
            "JOIN sites s ON s.id = d.site_id JOIN ticket_devices td ON td.device_id = f.device_id "
            "WHERE td.ticket_id = :t AND f.closed_at IS NULL AND EXISTS ("
            "SELECT 1 FROM components c "
            "WHERE c.device_id = f.device_id AND c.kind = f.kind AND c.location = f.location) "
            "ORDER BY d.name, f.kind, f.location",
            {"t": ticket_id},
        )
    ]


def slot_parts(rows: Rows, numbers: Sequence[str], site_id: int, device_id: int | None) -> SlotParts:
    """The catalogue parts ``numbers`` name, their declared substitutes (both ways), and consents for them."""
    if not numbers:
        return SlotParts({}, {}, {})
    marks, params = _marks("n", list(numbers))
    found = rows.rows(
        "SELECT p.id, p.part_number, p.part_class, p.vendor, p.description, p.lead_time_days FROM parts p "
        f"WHERE p.part_number IN ({marks}) OR p.id IN (SELECT part_id FROM part_numbers WHERE number IN ({marks}))",
        params,
    )
    if not found:
        return SlotParts({}, {}, {})
    ids = [r["id"] for r in found]
    id_marks, id_params = _marks("p", ids)
    spares: dict[int, list[str]] = {}
    for r in rows.rows(
        f"SELECT part_id, number FROM part_numbers WHERE part_id IN ({id_marks}) AND kind = 'spare' ORDER BY number",
        id_params,
    ):
        spares.setdefault(r["part_id"], []).append(r["number"])
    parts = {
        r["id"]: CataloguePart(
            id=r["id"],
            part_number=r["part_number"],
            part_class=r["part_class"],
            vendor=r["vendor"],
            description=r["description"],
            lead_time_days=r["lead_time_days"],
            spare_numbers=tuple(spares.get(r["id"], ())),
        )
        for r in found
    }
    substitutes: dict[int, tuple[int, str | None]] = {}
    for r in rows.rows(
        f"SELECT part_id AS original, substitute_id AS substitute, note FROM part_substitutes "
        f"WHERE part_id IN ({id_marks}) UNION SELECT substitute_id, part_id, note FROM part_substitutes "
        f"WHERE substitute_id IN ({id_marks})",
        id_params,
    ):
        if r["substitute"] not in parts:
            substitutes.setdefault(r["substitute"], (r["original"], r["note"]))
    consents = {}
    for r in rows.rows(
        f"SELECT part_id, substitute_id, agreed_by, agreed_on, document_ref FROM consents "
        f"WHERE site_id = :site AND part_id IN ({id_marks}) AND (device_id IS NULL OR device_id = :device) "
        "ORDER BY agreed_on",
        {**id_params, "site": site_id, "device": device_id},
    ):
        agreed = f"{r['document_ref']} ({r['agreed_by']}, {as_date(r['agreed_on'])})"
        consents[(r["part_id"], r["substitute_id"])] = agreed
    return SlotParts(parts, substitutes, consents)


_SPARE_COLUMNS = (
    "u.serial, u.part_number AS labelled, u.part_id, p.part_number AS catalogue_number, p.part_class, "
    "s.name AS site, u.bin, u.condition, u.status, u.reserved_for, u.received_on, u.quantity"
)
# Serialised spares free or reserved, and consumable bins (no serial, a quantity: ``spare add --quantity``) that
# hold at least one; a consumable taken out of its bin or removed from a device is a row of its own with
# another status, never offered.
_SPARE_FROM = (
    "FROM stock_units u JOIN sites s ON s.id = u.site_id LEFT JOIN parts p ON p.id = u.part_id "
    "WHERE ((u.serial IS NOT NULL AND u.status IN ('in_stock', 'reserved')) "
    "OR (u.serial IS NULL AND u.status = 'in_stock' AND u.quantity >= 1))"
)


def _spare(row: Row) -> Spare:
    return Spare(
        serial=row["serial"],
        labelled=row["labelled"],
        part_id=row["part_id"],
        catalogue_number=row["catalogue_number"],
        part_class=row["part_class"],
        site=row["site"],
        bin=row["bin"],
        condition=row["condition"],
        status=row["status"],
        reserved_for=row["reserved_for"],
        received_on=as_date(row["received_on"]),
        quantity=row["quantity"] if row["serial"] is None else None,
    )


def candidate_spares(
    rows: Rows,
    slot: SlotIdentity,
    known: SlotParts,
    site_id: int | None = None,
    ticket: str | None = None,
    limit: int | None = None,
) -> list[Spare]:
    """Serialised units in any depot, free or reserved, and consumable bins holding at least one, that carry one
    of the slot's numbers or parts.

    With no number to go by, the units of the slot's class are offered (``unchecked``). A class can hold
    tens of thousands of units (every disk of every depot), so then the depots are asked for their best
    ``limit`` each, the slot's own site first, in the order :func:`dcmaint.domain.matching.rank` uses.
    """
    if not slot.numbers:
        return _class_spares(rows, slot, site_id, ticket, limit)
    clauses, params = [], {}
    marks, numbers = _marks("n", list(slot.numbers))
    clauses.append(f"u.part_number IN ({marks})")
    params.update(numbers)
    ids = [*known.parts, *known.substitutes]
    if ids:
        marks, id_params = _marks("p", ids)
        clauses.append(f"u.part_id IN ({marks})")
        params.update(id_params)
    return [_spare(r) for r in rows.rows(f"SELECT {_SPARE_COLUMNS} {_SPARE_FROM} AND ({' OR '.join(clauses)})", params)]


# As :func:`dcmaint.domain.matching.rank` orders them: a consumable bin (no serial) first among equals, then by
# bin; COALESCE because SQLite and PostgreSQL sort NULL at opposite ends.
_BEST_FIRST = (
    "ORDER BY CASE WHEN u.condition = 'new' THEN 0 ELSE 1 END, "
    "CASE WHEN u.received_on IS NULL THEN 1 ELSE 0 END, u.received_on, COALESCE(u.serial, ''), COALESCE(u.bin, '')"
)


def _class_spares(
    rows: Rows, slot: SlotIdentity, site_id: int | None, ticket: str | None, limit: int | None
) -> list[Spare]:
    """The best free units of the slot's class at its own site, then elsewhere only to fill ``limit``;
    plus any already reserved for ``ticket`` (they rank first at their site)."""
    params = {"kind": slot.kind, "site": site_id if site_id is not None else -1, "ticket": ticket or ""}
    of_class = f"SELECT {_SPARE_COLUMNS} {_SPARE_FROM} AND p.part_class = :kind"
    found = (
        list(rows.rows(f"{of_class} AND u.status = 'reserved' AND u.reserved_for = :ticket", params)) if ticket else []
    )
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    own = rows.rows(f"{of_class} AND u.status = 'in_stock' AND u.site_id = :site {_BEST_FIRST}{cap}", params)
    found += own
    if limit is None or len(own) < limit:  # otherwise the slot's own site fills the list: other depots rank after
        found += rows.rows(f"{of_class} AND u.status = 'in_stock' AND u.site_id <> :site {_BEST_FIRST}{cap}", params)
    return [_spare(r) for r in found]


def spare_by_serial(rows: Rows, serial: str) -> Spare | None:
    found = rows.rows(
        f"SELECT {_SPARE_COLUMNS} FROM stock_units u JOIN sites s ON s.id = u.site_id "
        "LEFT JOIN parts p ON p.id = u.part_id WHERE u.serial = :serial",
        {"serial": serial},
    )
    return _spare(found[0]) if found else None

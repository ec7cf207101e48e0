"""Read queries of the parts catalogue and depot stock (the fast DB-API path of :mod:`dcmaint.store.reader`).

A part is found by any of its numbers: technicians read whatever is on the
label (an HPE option kit number, its spare number, a FRU number), and the
catalogue must answer the same part for each.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from dcmaint.domain.parts import Part, PartNumber, StockUnit, Substitute
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.queries import site
from dcmaint.store.reader import Reader, Row, Rows, as_bool, as_date, as_datetime

PART_COLUMNS = (
    "p.id, p.part_number, p.vendor, p.description, p.part_class, p.attributes, "
    "p.annual_failure_rate, p.lead_time_days, p.consumable"
)
STOCK_COLUMNS = (
    "u.serial, u.part_number, p.part_number AS catalogue_part_number, p.part_class, p.description, s.name AS site, "
    "u.bin, u.condition, u.quantity, u.status, u.reserved_for, u.proof_ref, u.proof_file, u.received_on, "
    "d.name AS device, u.slot, u.custody_location, u.notes, u.updated_at"
)
STOCK_FROM = (
    "FROM stock_units u JOIN sites s ON s.id = u.site_id LEFT JOIN parts p ON p.id = u.part_id "
    "LEFT JOIN devices d ON d.id = u.device_id"
)


def _parts(reader: Reader, rows: Sequence[Row]) -> list[Part]:
    """Part records with their numbers and substitutes, in two queries whatever the count."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    marks = ", ".join(f":id{i}" for i in range(len(ids)))
    params = {f"id{i}": value for i, value in enumerate(ids)}
    numbers: dict[int, list[PartNumber]] = {}
    for row in reader.rows(
        f"SELECT part_id, number, kind FROM part_numbers WHERE part_id IN ({marks}) ORDER BY kind, number", params
    ):
        numbers.setdefault(row["part_id"], []).append(PartNumber(number=row["number"], kind=row["kind"]))
    substitutes: dict[int, list[Substitute]] = {}
    for row in reader.rows(
        "SELECT ps.part_id, p.part_number, ps.note FROM part_substitutes ps "
        f"JOIN parts p ON p.id = ps.substitute_id WHERE ps.part_id IN ({marks}) ORDER BY p.part_number",
        params,
    ):
        substitutes.setdefault(row["part_id"], []).append(Substitute(part_number=row["part_number"], note=row["note"]))
    return [
        Part(
            part_number=row["part_number"],
            vendor=row["vendor"],
            description=row["description"],
            part_class=row["part_class"],
            attributes=json.loads(row["attributes"]) if row["attributes"] else {},
            annual_failure_rate=row["annual_failure_rate"],
            lead_time_days=row["lead_time_days"],
            consumable=as_bool(row["consumable"]),
            numbers=tuple(numbers.get(row["id"], ())),
            substitutes=tuple(substitutes.get(row["id"], ())),
        )
        for row in rows
    ]


def parts(reader: Reader, part_class: str | None = None, vendor: str | None = None) -> list[Part]:
    clauses, params = [], {}
    if part_class is not None:
        clauses.append("p.part_class = :part_class")
        params["part_class"] = part_class
    if vendor is not None:
        clauses.append("lower(p.vendor) = lower(:vendor)")
        params["vendor"] = vendor
    sql = f"SELECT {PART_COLUMNS} FROM parts p"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return _parts(reader, reader.rows(sql + " ORDER BY p.part_class, p.vendor, p.part_number", params))


def part_id(reader: Rows, number: str) -> int | None:
    """The catalogue part a number names (its main number or any other), or None."""
    found = reader.rows(
        "SELECT id AS part_id FROM parts WHERE part_number = :n UNION "
        "SELECT part_id FROM part_numbers WHERE number = :n",
        {"n": number},
    )
    return found[0]["part_id"] if found else None


def part(reader: Reader, number: str) -> Part:
    found = part_id(reader, number)
    if found is None:
        raise NotFound(_("unknown part number {number!r}: not in the catalogue").format(number=number))
    return _parts(reader, reader.rows(f"SELECT {PART_COLUMNS} FROM parts p WHERE p.id = :id", {"id": found}))[0]


def _unit(row: Row) -> StockUnit:
    updated = row["updated_at"]
    return StockUnit(
        serial=row["serial"],
        part_number=row["part_number"],
        catalogue_part_number=row["catalogue_part_number"],
        part_class=row["part_class"],
        description=row["description"],
        site=row["site"],
        bin=row["bin"],
        condition=row["condition"],
        quantity=row["quantity"],
        status=row["status"],
        reserved_for=row["reserved_for"],
        proof_ref=row["proof_ref"],
        proof_file=row["proof_file"],
        received_on=as_date(row["received_on"]),
        device=row["device"],
        slot=row["slot"],
        custody_location=row["custody_location"],
        notes=row["notes"],
        updated_at=as_datetime(updated) if updated is not None else None,
    )


@dataclass(frozen=True)
class StockFilter:
    site: str | None = None
    part: str | None = None
    status: str | None = None
    part_class: str | None = None


def stock(reader: Reader, where: StockFilter = StockFilter()) -> list[StockUnit]:
    clauses, params = [], {}
    if where.site is not None:
        site(reader, where.site)  # an unknown site is an error, not an empty list
        clauses.append("s.name = :site")
        params["site"] = where.site
    if where.part is not None:
        found = part_id(reader, where.part)
        clauses.append("u.part_id = :part_id" if found is not None else "u.part_number = :part")
        params.update({"part_id": found} if found is not None else {"part": where.part})
    if where.status is not None:
        clauses.append("u.status = :status")
        params["status"] = where.status
    if where.part_class is not None:
        clauses.append("p.part_class = :part_class")
        params["part_class"] = where.part_class
    sql = f"SELECT {STOCK_COLUMNS} {STOCK_FROM}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY s.name, u.part_number, u.serial, u.bin, u.id"
    return [_unit(r) for r in reader.rows(sql, params)]


def stock_unit(reader: Reader, serial: str) -> StockUnit:
    row = reader.one(f"SELECT {STOCK_COLUMNS} {STOCK_FROM} WHERE u.serial = :serial", {"serial": serial})
    if row is None:
        raise NotFound(_("unknown spare serial {serial!r}").format(serial=serial))
    return _unit(row)

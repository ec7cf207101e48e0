"""Which depot spares fit a device slot, and in what order to offer them. Pure logic, no I/O.

A technician standing at a broken server wants one answer: which spare to
take. The rules (docs/spares.md, "Matching") put the safest choice first:

1. ``exact``: the spare's labelled number is a number the slot reports
   (its part number or its spare number).
2. ``alias``: the spare is the same catalogue part under another of its
   numbers (an HPE option kit number and its spare number).
3. ``substitute``: a declared functional equivalent. The contract lets the
   customer decide, so it is offered with "needs customer consent" until a
   consent is recorded, and ``spare swap`` refuses it before then.
4. ``unchecked``: the slot reports no number at all (some BMCs hide it);
   a spare of the same class may fit, the technician must check the label.

A consumable (CRAC filters, humidifier cylinders) is stocked as a quantity
per site, part and bin, not by serial; a bin holding at least one is a
candidate by the same fits and the same order as a serialised spare (it has
no serial, so among equals it comes first, bins by name).

Within a fit, the device's own site comes before other depots (a transfer
costs hours of the 12-hour SLA), a spare already reserved for this ticket
before free ones, new before refurbished, and the oldest received first so
that stock does not age on the shelf.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dcmaint.domain.records import Record
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _, pgettext, value_label


class Fit(StrEnum):
    EXACT = "exact"
    ALIAS = "alias"
    SUBSTITUTE = "substitute"
    UNCHECKED = "unchecked"
    ORDER = "order"  # nothing fits in any depot: what to order

    @property
    def rank(self) -> int:
        return _FIT_RANK[self]


_FIT_RANK = {Fit.EXACT: 0, Fit.ALIAS: 1, Fit.SUBSTITUTE: 2, Fit.UNCHECKED: 3, Fit.ORDER: 4}


@dataclass(frozen=True)
class SlotIdentity:
    """A device slot as the last health report described it."""

    site: str
    device: str
    kind: str
    location: str
    health: str
    part_number: str | None
    spare_part_number: str | None
    serial: str | None
    model: str | None = None
    fault_id: int | None = None
    reason: str | None = None

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(n for n in (self.part_number, self.spare_part_number) if n)

    @property
    def slot(self) -> str:
        return f"{self.kind}:{self.location}"


@dataclass(frozen=True)
class CataloguePart:
    id: int
    part_number: str
    part_class: str
    vendor: str | None
    description: str | None
    lead_time_days: int | None
    spare_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlotParts:
    """What the catalogue knows about a slot: the parts its numbers name, and their declared substitutes."""

    parts: Mapping[int, CataloguePart]  # parts the slot's numbers name, by id
    substitutes: Mapping[int, tuple[int, str | None]]  # substitute part id -> (original part id, note)
    consents: Mapping[tuple[int, int], str]  # (original id, substitute id) -> consent reference


@dataclass(frozen=True)
class Spare:
    """A depot unit that could go into the slot: a serialised spare, or a consumable bin (``serial`` None,
    ``quantity`` how many it holds; None for a serialised spare, so the two cannot be confused)."""

    serial: str | None
    labelled: str
    part_id: int | None
    catalogue_number: str | None
    part_class: str | None
    site: str
    bin: str | None
    condition: str
    status: str
    reserved_for: str | None
    received_on: date | None
    quantity: int | None = None

    @property
    def consumable(self) -> bool:
        return self.quantity is not None


@dataclass(frozen=True)
class Candidate(Record):
    """One line of ``spare match``: a spare (or what to order) for a slot, and why."""

    device: str
    slot: str
    rank: int
    fit: str
    serial: str | None
    part_number: str | None
    site: str | None
    bin: str | None
    condition: str | None
    status: str | None
    needs_consent: bool
    consent: str | None
    explanation: str
    quantity: int | None = None  # how many a consumable bin holds; None for a serialised spare and for ``order``


def fit_of(slot: SlotIdentity, known: SlotParts, spare: Spare) -> tuple[Fit, int | None] | None:
    """How ``spare`` fits ``slot`` and, for a substitute, the original part it stands in for; None if it does not."""
    if spare.labelled in slot.numbers:
        return Fit.EXACT, None
    if spare.part_id is not None and spare.part_id in known.parts:
        return Fit.ALIAS, None
    if spare.part_id is not None and spare.part_id in known.substitutes:
        return Fit.SUBSTITUTE, known.substitutes[spare.part_id][0]
    if not slot.numbers and spare.part_class == slot.kind:
        return Fit.UNCHECKED, None
    return None


def _usable(spare: Spare, ticket: str | None) -> bool:
    if spare.consumable:  # a bin is never reserved; an empty one is nothing to offer
        return spare.status == "in_stock" and (spare.quantity or 0) >= 1
    if spare.status == "in_stock":
        return True
    return spare.status == "reserved" and ticket is not None and spare.reserved_for == ticket


def _where(spare: Spare, slot: SlotIdentity) -> str:
    place = _("at {site}").format(site=spare.site)
    if spare.bin:
        place += _(" bin {bin}").format(bin=spare.bin)
    if spare.site != slot.site:
        place += _(" (another site's depot: transfer it first)")
    return place


def _clauses() -> str:
    """What joins the clauses of an explanation ("; " in English, a full-width "；" in Chinese)."""
    return pgettext("clause separator", "; ")


def explain(slot: SlotIdentity, known: SlotParts, spare: Spare, fit: Fit, original: int | None) -> str:
    """One line a technician reads at the rack."""
    from dcmaint.domain.parts import Condition
    from dcmaint.drivers.health import ComponentKind

    where = _where(spare, slot)
    if spare.consumable:
        return _explain_consumable(slot, known, spare, fit, original, where)
    if fit is Fit.EXACT:
        text = _("labelled {number}, the number the slot reports; {where}").format(number=spare.labelled, where=where)
    elif fit is Fit.ALIAS:
        text = _("labelled {number}, another number of catalogue part {part} that the slot reports; {where}").format(
            number=spare.labelled, part=spare.catalogue_number, where=where
        )
    elif fit is Fit.SUBSTITUTE:
        assert original is not None
        part = known.parts[original]
        consent = known.consents.get((original, spare.part_id or 0))
        note = known.substitutes[spare.part_id or 0][1]
        text = _("declared substitute {number} for {part}").format(number=spare.catalogue_number, part=part.part_number)
        if note:
            text += _(" ({note})").format(note=note)
        text += _clauses() + _consent_clause(consent)
        text += _clauses() + where
    else:
        text = _("same class {kind}, but the slot reports no part number: check the label first; {where}").format(
            kind=value_label(ComponentKind, slot.kind), where=where
        )
    if spare.status == "reserved":
        text += _clauses() + _("reserved for {ticket}").format(ticket=spare.reserved_for)
    if spare.condition != "new":
        text += _clauses() + value_label(Condition, spare.condition)
    return text


def _consent_clause(consent: str | None) -> str:
    if consent:
        return _("customer consent {reference}").format(reference=consent)
    return _("needs customer consent: record it with `dcmaint spare consent add`")


def _explain_consumable(
    slot: SlotIdentity, known: SlotParts, spare: Spare, fit: Fit, original: int | None, where: str
) -> str:
    """The line for a consumable bin: what it is and how many it holds first (no serial to read), then the fit."""
    from dcmaint.domain.parts import Condition
    from dcmaint.drivers.health import ComponentKind

    clauses = [_("consumable {number}: {count} in stock").format(number=spare.labelled, count=spare.quantity)]
    if fit is Fit.ALIAS:
        clauses.append(
            _("another number of catalogue part {part} that the slot reports").format(part=spare.catalogue_number)
        )
    elif fit is Fit.SUBSTITUTE:
        assert original is not None
        text = _("declared substitute {number} for {part}").format(
            number=spare.catalogue_number, part=known.parts[original].part_number
        )
        note = known.substitutes[spare.part_id or 0][1]
        clauses.append(text + (_(" ({note})").format(note=note) if note else ""))
        clauses.append(_consent_clause(known.consents.get((original, spare.part_id or 0))))
    elif fit is Fit.UNCHECKED:
        clauses.append(
            _("same class {kind}, but the slot reports no part number: check the label first").format(
                kind=value_label(ComponentKind, slot.kind)
            )
        )
    clauses.append(where)
    if spare.condition != "new":
        clauses.append(value_label(Condition, spare.condition))
    return _clauses().join(clauses)


def rank(
    slot: SlotIdentity, known: SlotParts, spares: Iterable[Spare], ticket: str | None = None, limit: int | None = None
) -> list[Candidate]:
    """The candidates for ``slot``, best first; an ``order`` line when nothing in any depot fits."""
    scored = []
    for spare in spares:
        if not _usable(spare, ticket):
            continue
        found = fit_of(slot, known, spare)
        if found is None:
            continue
        fit, original = found
        key = (
            fit.rank,
            spare.site != slot.site,
            spare.status != "reserved",
            spare.condition != "new",
            spare.received_on or date.max,
            spare.serial or "",  # a consumable bin has none: first among equals, then by bin
            spare.bin or "",
        )
        scored.append((key, spare, fit, original))
    scored.sort(key=lambda item: item[0])
    if limit is not None:
        scored = scored[:limit]
    lines = []
    for number, (_key, spare, fit, original) in enumerate(scored, 1):
        consent = known.consents.get((original, spare.part_id or 0)) if original is not None else None
        lines.append(
            Candidate(
                slot.device,
                slot.slot,
                number,
                fit.value,
                spare.serial,
                spare.labelled,
                spare.site,
                spare.bin,
                spare.condition,
                spare.status,
                fit is Fit.SUBSTITUTE and consent is None,
                consent,
                explain(slot, known, spare, fit, original),
                spare.quantity,
            )
        )
    if not any(c.site == slot.site and c.fit in (Fit.EXACT, Fit.ALIAS) for c in lines):
        lines.append(order_line(slot, known, len(lines) + 1))
    return lines


def order_line(slot: SlotIdentity, known: SlotParts, position: int = 1) -> Candidate:
    """No like-for-like spare at the slot's site: the number to order, and how long it takes."""
    part = min(known.parts.values(), key=lambda p: p.part_number, default=None)
    if part is not None:
        number = part.part_number
        text = (
            _("nothing in stock: order {number}")
            if position == 1
            else _("no like-for-like spare at {site}: order {number}")
        ).format(number=number, site=slot.site)
        if part.spare_numbers:
            text += _(" (spare number {numbers})").format(numbers=", ".join(part.spare_numbers))
        if part.lead_time_days is not None:
            text += _clauses() + _("lead time {days} days").format(days=part.lead_time_days)
    elif slot.numbers:
        number = slot.numbers[0]
        text = _("nothing in stock: order {number} (not in the catalogue: add it to plan stock)").format(number=number)
        if position > 1:
            text = _("no like-for-like spare at {site}: order {number} (not in the catalogue)").format(
                number=number, site=slot.site
            )
    else:
        number = None
        text = (
            _("nothing in stock, and the slot reports no part number: read it from the part's label ({model})")
            if position == 1
            else _(
                "no spare known to fit at {site}: the slot reports no part number, so read it from the part's "
                "label ({model}) to order one"
            )
        ).format(model=slot.model or slot.kind, site=slot.site)
    return Candidate(
        slot.device, slot.slot, position, Fit.ORDER.value, None, number, None, None, None, None, False, None, text
    )


@dataclass(frozen=True)
class SlotName:
    """A device slot as the installed base names it, with the health it last reported (for hints)."""

    kind: str
    location: str
    health: str = "unknown"

    @property
    def faulty(self) -> bool:
        return self.health in ("warning", "critical")

    @property
    def slot(self) -> str:
        return f"{self.kind}:{self.location}"


def slot_key(text: str) -> str:
    """A slot name as typed, compared without spaces or case: "PSU2", "PSU 2" and "psu 2" are one slot.

    >>> slot_key(" PSU 2 ") == slot_key("psu2") == slot_key("Psu\u00a02")
    True
    """
    return "".join(text.split()).casefold()


def natural_key(text: str) -> tuple[tuple[int, str, int], ...]:
    """Sort key that orders the numbers inside names by value: DIMM 2 before DIMM 10.

    >>> sorted(["DIMM 10", "dimm 9", "DIMM 2", "Bay 1"], key=natural_key)
    ['Bay 1', 'DIMM 2', 'dimm 9', 'DIMM 10']
    """
    return tuple(
        (1, "", int(piece)) if piece.isdigit() else (0, piece.casefold(), 0)
        for piece in re.split(r"(\d+)", text)
        if piece
    )


def likely_first(slots: Iterable[SlotName], spare_class: str | None = None) -> list[SlotName]:
    """The slots a technician most likely means, first: faulty ones, then those of the spare's class, then the
    rest; each group in natural order.

    >>> [s.slot for s in likely_first([SlotName("dimm", "DIMM 10"), SlotName("psu", "PSU 2", "critical"),
    ...                                SlotName("dimm", "DIMM 2"), SlotName("fan", "Fan 1")], "dimm")]
    ['psu:PSU 2', 'dimm:DIMM 2', 'dimm:DIMM 10', 'fan:Fan 1']
    """
    return sorted(
        set(slots),
        key=lambda s: (not s.faulty, s.kind != spare_class, natural_key(s.kind), natural_key(s.location)),
    )


def pick_slot(
    spec: str, device: str, slots: Iterable[SlotName | tuple[str, str]], spare_class: str | None = None
) -> tuple[str, str]:
    """The (kind, location) a user's ``--slot`` names: ``KIND:LOCATION``, or a location unique on the device.

    Locations are matched as the driver reports them ("PSU 2", "Bay 3") ignoring case, and then also
    ignoring spaces ("PSU2", "psu:psu 2"). An unknown slot lists the device's slots (of the kind named, when
    one is), the likely ones first (:func:`likely_first`, with ``spare_class`` the class of the spare being
    fitted, else the kind the typed name starts with).
    """
    known = [s if isinstance(s, SlotName) else SlotName(*s) for s in slots]
    kind, _sep, rest = spec.strip().partition(":")
    kinds = {s.kind for s in known}
    if rest and kind.strip().lower() in kinds:
        pool, wanted = [s for s in known if s.kind == kind.strip().lower()], rest
    else:
        pool, wanted = known, spec
    chosen = sorted({(s.kind, s.location) for s in pool if s.location.strip().lower() == wanted.strip().lower()})
    if not chosen:
        chosen = sorted({(s.kind, s.location) for s in pool if slot_key(s.location) == slot_key(wanted)})
    if len(chosen) == 1:
        return chosen[0]
    if len(chosen) > 1:
        raise UsageError(
            _("slot {slot!r} on {device} is ambiguous: name one of {choices}").format(
                slot=spec, device=device, choices=", ".join(f"{k}:{loc}" for k, loc in chosen)
            )
        )
    if spare_class is None:  # "PSU 9", "dimm99": the kind the name starts with is the likely class
        spare_class = next((k for k in sorted(kinds, key=len, reverse=True) if slot_key(wanted).startswith(k)), None)
    raise NotFound(
        _("slot {slot!r} does not exist on {device} (known slots: {choices})").format(
            slot=spec, device=device, choices=_hint(pool, spare_class)
        )
    )


def _hint(known: list[SlotName], spare_class: str | None, most: int = 12) -> str:
    """The slots an unknown slot's error lists: the likely ones (faulty, of the class) when there are any,
    else the first ``most``; how many more there are."""
    if not known:
        return _("none recorded: run `dcmaint health --record` first")
    ordered = likely_first(known, spare_class)
    likely = [s for s in ordered if s.faulty or s.kind == spare_class]
    shown = (likely or ordered)[:most]
    text = ", ".join(s.slot for s in shown)
    if len(shown) < len(ordered):
        text = _("{slots} and {count} more").format(slots=text, count=len(ordered) - len(shown))
    return text

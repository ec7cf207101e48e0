"""The read side of ``dcmaint spare levels``: a site's installed base and depot, counted per part.

Three grouped queries through the DB-API :class:`~dcmaint.store.reader.Reader`
(no ORM, no per-row round trips), so a site of tens of thousands of
components answers in milliseconds; the model itself is
:mod:`dcmaint.domain.levels`.

Matching rules (docs/stock-levels.md):

* A component number names a catalogue part when it equals the part's main
  number (``parts.part_number``) or one of its other numbers
  (``part_numbers.number``); a main number wins over an alias. The
  component's ``part_number`` is tried before its ``spare_part_number``.
  Matching is exact: numbers are stored as the vendor prints them.
* A component with neither number cannot be stocked and is not counted.
* On hand is the quantity of the site's stock units with status
  ``in_stock``. A ``reserved`` unit is already promised to a ticket (its
  failure has happened) and would be counted twice if it also covered the
  failures to come; installed, removed and returned units are not spares.
* A stock unit counts for its ``part_id``; a unit received before its part
  was catalogued (``part_id`` empty) is matched through its labelled number
  like a component. Declared substitutes are not counted: using one needs
  the customer's consent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dcmaint.domain.levels import DEFAULT_FILL_RATE, LevelLine, PartDemand, check_fill_rate, level_lines
from dcmaint.domain.levels import depot_complete as depot_complete
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store.reader import Reader

__all__ = ["depot_complete", "levels", "site_levels"]

_SITE_ID = "SELECT id FROM sites WHERE name = :site"

_INSTALLED = """
SELECT c.part_number, c.spare_part_number, COUNT(*) AS installed
FROM components c JOIN devices d ON d.id = c.device_id
WHERE d.site_id = :site_id AND (c.part_number IS NOT NULL OR c.spare_part_number IS NOT NULL)
GROUP BY c.part_number, c.spare_part_number
"""

_ON_HAND = """
SELECT part_id, part_number, SUM(quantity) AS on_hand
FROM stock_units
WHERE site_id = :site_id AND status = 'in_stock'
GROUP BY part_id, part_number
"""

# Only the catalogue entries the site's numbers can reach: the catalogue may be large.
_CATALOGUE = """
WITH numbers AS (
    SELECT c.part_number AS number FROM components c JOIN devices d ON d.id = c.device_id
    WHERE d.site_id = :site_id AND c.part_number IS NOT NULL
    UNION
    SELECT c.spare_part_number FROM components c JOIN devices d ON d.id = c.device_id
    WHERE d.site_id = :site_id AND c.spare_part_number IS NOT NULL
    UNION
    SELECT part_number FROM stock_units
    WHERE site_id = :site_id AND part_id IS NULL AND status = 'in_stock'
)
SELECT n.number, 0 AS rank, p.id, p.part_number, p.part_class, p.description, p.annual_failure_rate,
       p.lead_time_days
FROM numbers n JOIN parts p ON p.part_number = n.number
UNION ALL
SELECT n.number, 1, p.id, p.part_number, p.part_class, p.description, p.annual_failure_rate, p.lead_time_days
FROM numbers n JOIN part_numbers pn ON pn.number = n.number JOIN parts p ON p.id = pn.part_id
"""


@dataclass(frozen=True)
class _Part:
    id: int
    part_number: str
    part_class: str
    description: str | None
    annual_failure_rate: float | None
    lead_time_days: int | None


@dataclass
class _Tally:
    """Counts for one line while the rows are read; becomes a PartDemand."""

    part: _Part | None
    part_number: str
    installed: int = 0
    on_hand: int = 0

    def demand(self) -> PartDemand:
        part = self.part
        if part is None:
            return PartDemand(self.part_number, None, None, self.installed, None, None, self.on_hand, catalogued=False)
        rate = None if part.annual_failure_rate is None else float(part.annual_failure_rate)
        return PartDemand(
            part.part_number, part.part_class, part.description, self.installed, rate, part.lead_time_days, self.on_hand
        )


def _site_id(reader: Reader, site: str) -> int:
    row = reader.one(_SITE_ID, {"site": site})
    if row is None:
        raise NotFound(_("unknown site {name!r}").format(name=site))
    return int(row["id"])


def _catalogue(reader: Reader, site_id: int) -> dict[str, _Part]:
    """Number -> part for every number the site uses; a main number beats an alias."""
    found: dict[str, tuple[int, _Part]] = {}
    for row in reader.rows(_CATALOGUE, {"site_id": site_id}):
        number, rank = row["number"], row["rank"]
        if number not in found or rank < found[number][0]:
            found[number] = (
                rank,
                _Part(
                    row["id"],
                    row["part_number"],
                    row["part_class"],
                    row["description"],
                    row["annual_failure_rate"],
                    row["lead_time_days"],
                ),
            )
    return {number: part for number, (_rank, part) in found.items()}


def _resolve(catalogue: dict[str, _Part], numbers: Sequence[str | None]) -> _Part | None:
    for number in numbers:
        if number is not None and number in catalogue:
            return catalogue[number]
    return None


def demands(reader: Reader, site: str) -> list[PartDemand]:
    """Installed count and stock on hand per part of the site's installed base."""
    site_id = _site_id(reader, site)
    params: dict[str, Any] = {"site_id": site_id}
    catalogue = _catalogue(reader, site_id)
    by_part: dict[int, _Tally] = {}
    uncatalogued: dict[str, _Tally] = {}  # keyed by the reported number
    label_of: dict[str, _Tally] = {}  # any number an uncatalogued component reports -> its line
    for row in reader.rows(_INSTALLED, params):
        part_number, spare_number, count = row["part_number"], row["spare_part_number"], row["installed"]
        part = _resolve(catalogue, (part_number, spare_number))
        if part is not None:
            tally = by_part.setdefault(part.id, _Tally(part, part.part_number))
        else:
            key = part_number if part_number is not None else spare_number
            tally = uncatalogued.setdefault(key, _Tally(None, key))
            for number in (part_number, spare_number):
                if number is not None:
                    label_of.setdefault(number, tally)
        tally.installed += int(count)
    for row in reader.rows(_ON_HAND, params):
        part_id, label, quantity = row["part_id"], row["part_number"], row["on_hand"]
        part = _resolve(catalogue, (label,)) if part_id is None else None
        target_id = part_id if part_id is not None else (part.id if part is not None else None)
        held = by_part.get(target_id) if target_id is not None else label_of.get(label)
        if held is not None:
            held.on_hand += int(quantity or 0)
    return [t.demand() for t in (*by_part.values(), *uncatalogued.values())]


def levels(reader: Reader, site: str, fill_rate: float = DEFAULT_FILL_RATE) -> list[LevelLine]:
    """The stock-level lines of a site, shortfalls first; an unknown site or fill rate is a usage error."""
    fill_rate = check_fill_rate(fill_rate)
    return level_lines(demands(reader, site), fill_rate)


def site_levels(context: Context, site: str, fill_rate: float = DEFAULT_FILL_RATE) -> list[LevelLine]:
    """``dcmaint spare levels``: the stock-level lines of a site, shortfalls first (entry point)."""
    with context.read() as reader:
        return levels(reader, site, fill_rate)

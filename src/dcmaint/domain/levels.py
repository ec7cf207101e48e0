"""How many spares a depot should hold: a Poisson model of failures during the lead time.

For a part installed ``n`` times, failing at ``r`` per unit and year and
replenished ``L`` days after it is ordered, the failures that can happen
before a replacement arrives are Poisson distributed with mean
``λ = n·r·L/365``. The recommended stock is the smallest ``s`` whose Poisson
CDF reaches the fill rate: with ``s`` spares on the shelf, the chance that a
failure finds the shelf empty before the reorder arrives is at most
``1 − fill``. docs/stock-levels.md states the assumptions.

This module is pure (no store, no I/O) so the numbers can be tested on their
own; :mod:`dcmaint.services.levels` gathers the counts. scipy is not a
dependency: the quantile is a short compensated sum of log-space terms, which
is exact enough and stays finite where ``exp(−λ)`` underflows (λ > ~745).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _

DEFAULT_FILL_RATE = 0.95
DAYS_PER_YEAR = 365.0

# A CDF this close below the target counts as reaching it: a quantile that is
# exact in theory must not move up by one because of rounding.
_CDF_SLACK = 1e-12
# Terms further than this many standard deviations below λ are < e^-200 and
# cannot move a sum compared against a fill rate; skipping them keeps large λ cheap.
_LEFT_TAIL_SIGMAS = 20.0


class LevelStatus(StrEnum):
    """Where a part's stock stands against the model (shown translated, stored in JSON as is)."""

    SHORT = "short"
    OK = "ok"
    NO_DATA = "no failure data"
    NOT_CATALOGUED = "not catalogued"


SHORT = LevelStatus.SHORT
OK = LevelStatus.OK
NO_DATA = LevelStatus.NO_DATA
NOT_CATALOGUED = LevelStatus.NOT_CATALOGUED

# Display order: what needs buying first, then what cannot be judged, then what is fine.
_STATUS_ORDER = {SHORT: 0, NO_DATA: 1, NOT_CATALOGUED: 2, OK: 3}


def check_fill_rate(fill_rate: float) -> float:
    """A fill rate is a probability strictly between 0 and 1: 1 would need infinite stock."""
    if not (isinstance(fill_rate, int | float) and 0.0 < fill_rate < 1.0):
        raise UsageError(_("fill rate must be greater than 0 and less than 1, not {value}").format(value=fill_rate))
    return float(fill_rate)


def expected_demand(installed: int, annual_failure_rate: float, lead_time_days: float) -> float:
    """λ = n·r·L/365: the mean number of failures while one replacement is on its way."""
    if installed < 0 or annual_failure_rate < 0 or lead_time_days < 0:
        raise ValueError("installed count, failure rate and lead time must not be negative")
    return installed * annual_failure_rate * lead_time_days / DAYS_PER_YEAR


def _log_pmf(k: int, lam: float) -> float:
    return k * math.log(lam) - lam - math.lgamma(k + 1)


def poisson_cdf(s: int, lam: float) -> float:
    """P(X ≤ s) for X ~ Poisson(λ), summed in log space with compensation."""
    if lam < 0 or math.isnan(lam):
        raise ValueError("λ must be a non-negative number")
    if s < 0:
        return 0.0
    if lam == 0:
        return 1.0
    start = max(0, math.floor(lam - _LEFT_TAIL_SIGMAS * math.sqrt(lam)))
    return min(1.0, math.fsum(math.exp(_log_pmf(k, lam)) for k in range(start, s + 1)))


def poisson_quantile(lam: float, fill_rate: float = DEFAULT_FILL_RATE) -> int:
    """The smallest s with P(X ≤ s) ≥ fill_rate, X ~ Poisson(λ); 0 when λ is 0.

    Walks up from the far left tail adding pmf terms with Neumaier's
    compensated sum, so the cost is O(λ + z·√λ) and no term over- or underflows.
    """
    fill_rate = check_fill_rate(fill_rate)
    if lam < 0 or math.isnan(lam) or math.isinf(lam):
        raise ValueError("λ must be a finite non-negative number")
    if lam == 0:
        return 0
    target = fill_rate - _CDF_SLACK
    k = max(0, math.floor(lam - _LEFT_TAIL_SIGMAS * math.sqrt(lam)))
    total = compensation = 0.0
    # Past λ + 40σ + 50 the remaining mass is below any representable fill shortfall.
    limit = math.ceil(lam + 40.0 * math.sqrt(lam) + 50.0)
    while True:
        term = math.exp(_log_pmf(k, lam))
        t = total + term
        if abs(total) >= abs(term):
            compensation += (total - t) + term
        else:
            compensation += (term - t) + total
        total = t
        if total + compensation >= target or k >= limit:
            return k
        k += 1


def recommended_stock(
    installed: int, annual_failure_rate: float, lead_time_days: float, fill_rate: float = DEFAULT_FILL_RATE
) -> int:
    """The stock level for one part: the fill-rate quantile of failures during the lead time."""
    return poisson_quantile(expected_demand(installed, annual_failure_rate, lead_time_days), fill_rate)


@dataclass(frozen=True)
class PartDemand:
    """What the store knows about one part of a site's installed base.

    ``catalogued`` is False when the installed number matched no catalogue
    part; rate and lead time are then None, and ``part_number`` is the number
    as the device reported it.
    """

    part_number: str
    part_class: str | None
    description: str | None
    installed: int
    annual_failure_rate: float | None
    lead_time_days: int | None
    on_hand: int
    catalogued: bool = True


@dataclass(frozen=True)
class LevelLine(Record):
    """One row of ``dcmaint spare levels``; ``as_json`` keys are a public contract.

    ``shortfall`` is recommended − on hand and is negative for a surplus;
    ``expected_demand``, ``recommended`` and ``shortfall`` are None when the
    model cannot be applied (status ``no failure data`` or ``not catalogued``).
    """

    part_number: str
    part_class: str | None
    description: str | None
    installed: int
    annual_failure_rate: float | None
    lead_time_days: int | None
    expected_demand: float | None
    recommended: int | None
    on_hand: int
    shortfall: int | None
    status: LevelStatus


def _usable(value: float | None) -> bool:
    return value is not None and not math.isnan(value) and value >= 0


def level_line(demand: PartDemand, fill_rate: float = DEFAULT_FILL_RATE) -> LevelLine:
    """Apply the model to one part; unknown or unusable inputs give a line that says so, not a guess."""

    def line(expected: float | None, recommended: int | None, shortfall: int | None, status: LevelStatus) -> LevelLine:
        return LevelLine(
            part_number=demand.part_number,
            part_class=demand.part_class,
            description=demand.description,
            installed=demand.installed,
            annual_failure_rate=demand.annual_failure_rate,
            lead_time_days=demand.lead_time_days,
            expected_demand=expected,
            recommended=recommended,
            on_hand=demand.on_hand,
            shortfall=shortfall,
            status=status,
        )

    if not demand.catalogued:
        return line(None, None, None, NOT_CATALOGUED)
    if not (_usable(demand.annual_failure_rate) and _usable(demand.lead_time_days)):
        return line(None, None, None, NO_DATA)
    assert demand.annual_failure_rate is not None and demand.lead_time_days is not None
    lam = expected_demand(demand.installed, demand.annual_failure_rate, demand.lead_time_days)
    recommended = poisson_quantile(lam, fill_rate)
    shortfall = recommended - demand.on_hand
    return line(lam, recommended, shortfall, SHORT if shortfall > 0 else OK)


def sort_lines(lines: list[LevelLine]) -> list[LevelLine]:
    """Shortfalls first, largest first; then lines the model cannot judge; then the parts that are fine."""
    return sorted(lines, key=lambda line: (_STATUS_ORDER[line.status], -(line.shortfall or 0), line.part_number))


def level_lines(demands: list[PartDemand], fill_rate: float = DEFAULT_FILL_RATE) -> list[LevelLine]:
    fill_rate = check_fill_rate(fill_rate)
    return sort_lines([level_line(d, fill_rate) for d in demands])


def depot_complete(lines: list[LevelLine]) -> bool:
    """True only when every part of the installed base is judged and stocked.

    A part without failure data or outside the catalogue cannot be shown to
    be stocked, so it keeps the depot incomplete rather than being assumed fine.
    """
    return all(line.status == OK for line in lines)

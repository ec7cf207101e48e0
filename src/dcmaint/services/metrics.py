"""What ``dcmaint serve-metrics`` exposes: the latest *recorded* health of the fleet, read from the store.

Nothing here polls a device: a scrape reads what ``health --record`` (or a
collector) last wrote, so a monitoring system may scrape every few seconds
without a single request reaching a BMC. One scrape is one read-only snapshot
of the store (:meth:`dcmaint.store.reader.Reader.snapshot`), so the devices,
parts, faults, tickets and depot it reports are the same moment's. Unlike
:meth:`Context.read`, the exporter reads the store as it is: a missing store
or one without a schema is an error the scrape reports (``dcmaint_store_up
0``), never a store it creates, since an exporter may start before the
database it watches and must not write to it.

The rules are the existing ones, not copies: device and part status come as
``health --record`` stored them; the SLA clocks are the ticket views'
readings (:func:`dcmaint.store.ticket_queries.tickets`, which measures every
clock with :func:`dcmaint.domain.sla.measure`); depot shortfalls are ``spare
levels`` (:func:`dcmaint.services.levels.levels`). A future web page can call
:func:`fleet_metrics` as the exporter does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dcmaint.domain.levels import SHORT
from dcmaint.domain.sla import SlaState
from dcmaint.errors import StoreError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.levels import levels
from dcmaint.store import metrics_queries, queries, ticket_queries
from dcmaint.store.metrics_queries import ComponentLine, FaultGroup, PollLine
from dcmaint.store.reader import Reader

__all__ = [
    "ComponentLine",
    "FaultGroup",
    "FleetMetrics",
    "PollLine",
    "Shortfall",
    "SlaClocks",
    "check_sites",
    "fleet_metrics",
]


@dataclass(frozen=True)
class SlaClocks:
    """The restoration clocks of one site's open tickets that are not restored yet.

    ``running`` counts down, ``paused`` stands still for a reason the contract allows, ``breaching`` is past its
    target while the fault is still not restored (running or paused). ``next_due`` is when the first running clock
    breaches if nothing changes; ``longest_overdue`` how far the most overdue breaching clock is past its target.
    """

    site: str
    running: int
    paused: int
    breaching: int
    next_due: datetime | None
    longest_overdue: timedelta | None


@dataclass(frozen=True)
class Shortfall:
    """A part of a site's installed base whose depot stock is below the level ``spare levels`` recommends."""

    site: str
    part_number: str
    part_class: str | None
    recommended: int
    on_hand: int
    shortfall: int


@dataclass(frozen=True)
class FleetMetrics:
    """One scrape's reading of the store, as of ``read_at``; ``sites`` are the sites it covers (by name)."""

    read_at: datetime
    sites: tuple[str, ...]
    polls: tuple[PollLine, ...]
    components: tuple[ComponentLine, ...]
    faults: tuple[FaultGroup, ...]
    sla: tuple[SlaClocks, ...]
    shortfalls: tuple[Shortfall, ...]


@contextmanager
def _existing(context: Context) -> Iterator[Reader]:
    """A reader on the store as it is, at this dcmaint's schema revision; StoreError otherwise (nothing created)."""
    from dcmaint.store import revision
    from dcmaint.store.integrity import open_as_is
    from dcmaint.store.reader import current_revision

    with open_as_is(context.database_url) as (reader, _connection):
        found = current_revision(reader)
        if found is None:
            raise StoreError(_("the database has no dcmaint schema: run `dcmaint db upgrade`"))
        if found != revision.HEAD:
            raise StoreError(revision.mismatch(found))
        yield reader


def check_sites(context: Context, sites: Sequence[str]) -> tuple[str, ...]:
    """The ``--site`` names, each checked to exist (an unknown one is a usage error naming it), duplicates dropped
    (entry point: the exporter calls it once, before it listens). Without ``--site`` the store is not read: the
    exporter starts whether or not its database is up yet."""
    wanted = tuple(dict.fromkeys(sites))
    if wanted:
        with _existing(context) as reader:
            for name in wanted:
                queries.site(reader, name)
    return wanted


def fleet_metrics(context: Context, sites: Sequence[str] = (), now: datetime | None = None) -> FleetMetrics:
    """The recorded health of ``sites`` (every site for none) at ``now``, read in one snapshot (entry point)."""
    with _existing(context) as reader, reader.snapshot():
        return _read(reader, tuple(sites), now or datetime.now(UTC))


def _read(reader: Reader, sites: tuple[str, ...], now: datetime) -> FleetMetrics:
    covered = tuple(metrics_queries.site_names(reader, sites))
    return FleetMetrics(
        read_at=now,
        sites=covered,
        polls=tuple(metrics_queries.polls(reader, sites)),
        components=tuple(metrics_queries.components(reader, sites)),
        faults=tuple(metrics_queries.open_fault_groups(reader, sites)),
        sla=_sla_clocks(reader, covered, now),
        shortfalls=tuple(short for site in covered for short in _shortfalls(reader, site)),
    )


def _sla_clocks(reader: Reader, sites: tuple[str, ...], now: datetime) -> tuple[SlaClocks, ...]:
    """Every site's clocks, zero included, from the open tickets' readings as ``ticket list`` shows them."""
    waiting = [
        line
        for line in ticket_queries.tickets(reader, ticket_queries.TicketFilter(), now)
        if line.restored_at is None and line.site in sites
    ]
    clocks = []
    for site in sites:
        mine = [line for line in waiting if line.site == site]
        running = [line for line in mine if line.sla == SlaState.RUNNING]
        breaching = [line for line in mine if line.sla == SlaState.BREACHED]
        dues = [line.sla_due_at for line in running if line.sla_due_at is not None]
        overdue = [line.sla_breached_by for line in breaching if line.sla_breached_by is not None]
        clocks.append(
            SlaClocks(
                site=site,
                running=len(running),
                paused=sum(1 for line in mine if line.sla == SlaState.PAUSED),
                breaching=len(breaching),
                next_due=min(dues, default=None),
                longest_overdue=max(overdue, default=None),
            )
        )
    return tuple(clocks)


def _shortfalls(reader: Reader, site: str) -> list[Shortfall]:
    """The site's ``spare levels`` lines that are short (at the default fill rate), largest shortfall first."""
    return [
        Shortfall(site, line.part_number, line.part_class, line.recommended, line.on_hand, line.shortfall)
        for line in levels(reader, site)
        if line.status is SHORT and line.recommended is not None and line.shortfall is not None
    ]

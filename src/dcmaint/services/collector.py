"""``dcmaint collect``: poll a site's devices on a schedule and record what they said, until stopped.

One collector runs per site network, all of them recording into one shared
PostgreSQL (docs/deploy.md). Each run chooses the devices as ``dcmaint
health --site`` does, polls them with :func:`dcmaint.services.health.run_health`
and records them with :func:`dcmaint.services.recording.record_run`, the same
functions the CLI calls; this module only adds what a daemon needs:

- the schedule (:mod:`dcmaint.domain.schedule`): jittered ticks, runs that
  never overlap, ticks missed by a long run logged once and skipped;
- surviving the database: a write that fails for the store's sake (a
  restart, refused connections) is logged and its results are kept in memory,
  the newest per device, and written at the next attempt (again and again,
  with a growing pause, while waiting for the next run; and after every run).
  Recording is idempotent, so a result written twice changes nothing. If the
  store cannot be read, the run polls the devices it chose last time;
- leaving alone the devices another collector has just polled (overlapping
  sites by mistake): one query reads the recorded poll times of the run's
  devices, and a device whose recorded poll is not this collector's own and is
  younger than :func:`dcmaint.domain.schedule.freshness` (a minute, or the
  interval when shorter) is counted as skipped, not polled;
- one log line per run, and a last one when a signal or ``runs`` stops it.

Ctrl-C and SIGTERM arrive as :class:`dcmaint.signals.Stopped` (the CLI installs
:func:`dcmaint.signals.raising`): a wait ends at once, a poll is cancelled by
the runner, and a write in progress is rolled back by its transaction, so
nothing is half written. The results still kept are abandoned (the next
collector polls afresh) and counted in the last line.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from dcmaint.domain.schedule import Schedule, freshness, schedule
from dcmaint.errors import DcmaintError, StoreError
from dcmaint.i18n import _
from dcmaint.signals import Stopped

if TYPE_CHECKING:
    from dcmaint.domain.records import Device
    from dcmaint.drivers.result import PollResult
    from dcmaint.services.context import Context
    from dcmaint.services.recording import RecordSummary

#: Seconds between two attempts to write kept results: doubled after each failure up to the cap.
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0

Key = tuple[str, str]  # (site, device)


@dataclass(frozen=True)
class CollectRequest:
    """What to collect and how often: the ``sites`` (every site when empty), a run every ``every`` started up
    to ``jitter`` late (None: a tenth of ``every``), tickets for open faults with ``open_tickets``, and stop
    after ``runs`` runs (None: until a signal)."""

    every: timedelta
    sites: tuple[str, ...] = ()
    jitter: timedelta | None = None
    open_tickets: bool = False
    runs: int | None = None


@dataclass(frozen=True)
class RunReport:
    """One run, as its log line shows it: the devices polled and their status, what recording changed, the
    devices left to another collector, the time polling and recording took, and the results still kept."""

    sites: str
    devices: int
    counts: dict[str, int]
    opened: int
    closed: int
    tickets: int
    skipped: int
    poll: float
    record: float
    kept: int

    def line(self) -> str:
        """``key=value`` words in a fixed order, never translated: log parsers read them (docs/deploy.md)."""
        counts = " ".join(f"{name}={self.counts.get(name, 0)}" for name in ("ok", "warning", "critical", "unknown"))
        return (
            f"collect site={self.sites} devices={self.devices} {counts} opened={self.opened} closed={self.closed} "
            f"tickets={self.tickets} skipped={self.skipped} kept={self.kept} poll={self.poll:.1f}s "
            f"record={self.record:.1f}s"
        )


@dataclass(frozen=True)
class CollectOutcome:
    """How the collector ended: the runs done, the signal that stopped it (None: ``runs`` reached) and the
    results it could not write."""

    runs: int
    stopped: Stopped | None
    kept: int


@dataclass(frozen=True)
class Written:
    """What one write of the kept results stored."""

    summary: RecordSummary
    tickets: int


@dataclass
class Clock:
    """Time as the collector sees it: replaceable so that tests of the loop need not wait."""

    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    sleep: Callable[[float], None] = time.sleep
    draw: Callable[[], float] = random.random


class Collector:
    """The state one collector keeps between runs: results not yet written, its own last poll of each device,
    the devices it chose last, and the pause before the next write attempt."""

    def __init__(self, context: Context, request: CollectRequest, log: Callable[[str], None], clock: Clock) -> None:
        self.context = context
        self.request = request
        self.log = log
        self.clock = clock
        self.label = ",".join(request.sites) or "*"
        self.kept: dict[Key, PollResult] = {}
        self.own: dict[Key, datetime] = {}
        self.devices: list[Device] = []
        self.pause = FIRST_PAUSE

    def check(self) -> Schedule:
        """The schedule, and every site known: UsageError (nothing polled, nothing written) otherwise."""
        from dcmaint.store import queries

        plan = schedule(self.request.every, self.request.jitter)
        with self.context.read() as reader:
            for site in self.request.sites:
                queries.site(reader, site)
        return plan

    def choose(self, started: datetime) -> tuple[list[Device], int]:
        """The devices to poll now and how many were left to another collector; the last choice when the store
        cannot be read (every device is polled then: nothing says another collector got there)."""
        from dcmaint.services.health_check import _partition, select_devices
        from dcmaint.store.poll_queries import polled_at

        try:
            with self.context.read() as reader:
                selected: list[Device] = []
                for site in self.request.sites or (None,):
                    selected += select_devices(reader, (), site, None)
                recorded = polled_at(reader, self.request.sites)
        except StoreError as error:
            self.log(
                _("collect site={site}: cannot read the store, polling the devices of the last run: {error}").format(
                    site=self.label, error=error
                )
            )
            return self.devices, 0
        self.devices, _unpollable = _partition(selected, self.context.drivers())
        since = started - freshness(self.request.every)
        fresh = {
            key
            for key, when in recorded.items()
            if when >= since and when != self.own.get(key) and key not in self.kept
        }
        wanted = [d for d in self.devices if (d.site, d.name) not in fresh]
        return wanted, len(self.devices) - len(wanted)

    def poll(self, devices: Sequence[Device]) -> dict[str, int]:
        """Poll ``devices`` and keep their results (the newest per device); the status counts."""
        from dcmaint.services.health import HealthRun, run_health

        if not devices:
            return HealthRun((), self.clock.now(), self.clock.now()).counts()
        settings = self.context.config.runner
        run = run_health(
            devices,
            self.context.drivers(),
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            workers=settings.workers,
        )
        for result in run.results:
            key = (result.site or "", result.device)
            older = self.kept.get(key)
            if older is None or older.polled_at <= result.polled_at:
                self.kept[key] = result
            self.own[key] = result.polled_at
        return run.counts()

    def write(self) -> Written | None:
        """Record the kept results in one transaction; None (logged, results kept) when the store fails.

        An error that is not the store's (a device deleted from the register meanwhile) would fail every
        attempt alike: it is logged and those results are dropped.
        """
        from dcmaint.services.health import HealthRun
        from dcmaint.services.recording import record_run

        results = tuple(self.kept.values())
        run = HealthRun(results, min(r.polled_at for r in results), max(r.polled_at for r in results))
        try:
            summary, tickets = record_run(self.context, run, open_tickets=self.request.open_tickets)
        except StoreError as error:
            self.log(
                _("collect site={site}: cannot record {count} results, kept for the next attempt: {error}").format(
                    site=self.label, count=len(results), error=error
                )
            )
            self.pause = min(self.pause * 2, LONGEST_PAUSE)
            return None
        except DcmaintError as error:
            self.log(
                _("collect site={site}: {count} results dropped: {error}").format(
                    site=self.label, count=len(results), error=error
                )
            )
            self.kept.clear()
            return None
        self.kept.clear()
        self.pause = FIRST_PAUSE
        return Written(summary, len(tickets or ()))

    def wait(self, until: datetime) -> None:
        """Sleep until ``until``; meanwhile, with results kept, try to write them after a growing pause."""
        while (left := (until - self.clock.now()).total_seconds()) > 0:
            if not self.kept:
                self.clock.sleep(left)
                return
            self.clock.sleep(min(self.pause, left))
            if self.clock.now() < until and self.write() is not None:
                self.log(_("collect site={site}: kept results written").format(site=self.label))

    def run(self) -> RunReport:
        """One run: choose, poll, record."""
        began = time.monotonic()  # poll= counts choosing the devices too: a run's time is poll + record
        started = self.clock.now()
        devices, skipped = self.choose(started)
        counts = self.poll(devices)
        polled = time.monotonic()
        written = self.write() if self.kept else None
        recorded = time.monotonic()
        summary = written.summary if written else None
        return RunReport(
            sites=self.label,
            devices=len(devices),
            counts=counts,
            opened=summary.opened if summary else 0,
            closed=summary.closed if summary else 0,
            tickets=written.tickets if written else 0,
            skipped=skipped,
            poll=polled - began,
            record=recorded - polled,
            kept=len(self.kept),
        )


#: The systemd template unit shipped with dcmaint (package data), one instance per site.
UNIT_FILE = "dcmaint-collect@.service"


def unit_file() -> str:
    """The text of the systemd unit for collectors, as installed with the package (docs/deploy.md)."""
    from dcmaint.paths import bundled

    return bundled("deploy").joinpath(UNIT_FILE).read_text(encoding="utf-8")


def collect(
    context: Context, request: CollectRequest, *, log: Callable[[str], None], clock: Clock | None = None
) -> CollectOutcome:
    """Run the collector until a signal (or ``request.runs`` runs); UsageError before the first run for a bad
    schedule or an unknown site, nothing polled or written then."""
    clock = clock or Clock()
    collector = Collector(context, request, log, clock)
    plan = collector.check()
    log(
        _("collect site={site}: every {every:g}s, jitter up to {jitter:g}s").format(
            site=collector.label, every=plan.every.total_seconds(), jitter=plan.jitter.total_seconds()
        )
    )
    tick = clock.now()
    runs = 0
    try:
        while request.runs is None or runs < request.runs:
            collector.wait(plan.start(tick, clock.draw()))
            report = collector.run()
            runs += 1  # before the line: a stop that follows the line counts this run
            log(report.line())
            following = plan.following(tick, clock.now())
            if following.missed:
                log(
                    _("collect site={site}: the run outlasted the interval, {count} ticks skipped").format(
                        site=collector.label, count=following.missed
                    )
                )
            tick = following.tick
    except Stopped as stop:
        log(
            _("collect site={site}: stopped ({reason}) after {runs} runs, {kept} results not written").format(
                site=collector.label, reason=stop.line(), runs=runs, kept=len(collector.kept)
            )
        )
        return CollectOutcome(runs, stop, len(collector.kept))
    log(
        _("collect site={site}: done after {runs} runs, {kept} results not written").format(
            site=collector.label, runs=runs, kept=len(collector.kept)
        )
    )
    return CollectOutcome(runs, None, len(collector.kept))

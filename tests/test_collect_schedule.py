"""The collector's schedule (dcmaint.domain.schedule): ticks, jitter, missed ticks, the values users type."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dcmaint.domain import schedule
from dcmaint.errors import UsageError

T0 = datetime(2026, 12, 1, 8, 0)
FIVE = timedelta(minutes=5)


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("10s", 10), ("24h", 86400)]
)
def test_every_reads_the_usual_spans(text, seconds):
    assert schedule.interval(text, "--every") == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["9s", "0s", "25h", "2d", "soon", "", "-5m", "5", "99999999999999999999s"])
def test_a_bad_every_names_the_option_and_the_value(text):
    with pytest.raises(UsageError) as raised:
        schedule.interval(text, "--every")
    assert str(raised.value).startswith(f"invalid --every {text!r}")


def test_jitter_zero_means_none_and_defaults_to_a_tenth():
    assert schedule.jitter("0", "--jitter") == timedelta(0)
    assert schedule.schedule(FIVE, None) == schedule.Schedule(FIVE, timedelta(seconds=30))
    assert schedule.schedule(FIVE, timedelta(0)).jitter == timedelta(0)


@pytest.mark.parametrize("seconds", [150, 151, 600])
def test_a_jitter_of_half_the_interval_or_more_is_refused(seconds):
    with pytest.raises(UsageError, match="--jitter"):
        schedule.schedule(FIVE, timedelta(seconds=seconds))


def test_each_run_starts_within_its_jitter_after_its_tick():
    plan = schedule.schedule(FIVE, timedelta(seconds=30))
    assert plan.start(T0, 0.0) == T0
    assert plan.start(T0, 0.999) < T0 + timedelta(seconds=30)


@pytest.mark.parametrize(
    ("finished", "tick", "missed"),
    [
        (T0 + timedelta(seconds=40), T0 + FIVE, 0),  # a quick run: the next tick
        (T0 + FIVE - timedelta(microseconds=1), T0 + FIVE, 0),  # ended just before the next tick
        (T0 + FIVE, T0 + 2 * FIVE, 1),  # ended on the tick: it passed, skipped, not queued
        (T0 + timedelta(minutes=12), T0 + 3 * FIVE, 2),  # a long run: every tick it outlasted is skipped
        (T0 - timedelta(seconds=1), T0 + FIVE, 0),  # the clock stepped back: never a tick in the past
    ],
)
def test_runs_never_overlap_and_missed_ticks_are_skipped(finished, tick, missed):
    assert schedule.Schedule(FIVE, timedelta(0)).following(T0, finished) == schedule.Next(tick, missed)


def test_the_next_start_is_always_after_the_run_ended():
    plan = schedule.Schedule(timedelta(seconds=10), timedelta(seconds=4))
    for seconds in range(60):
        finished = T0 + timedelta(seconds=seconds, milliseconds=500)
        following = plan.following(T0, finished)
        assert plan.start(following.tick, 0.0) > finished
        assert following.tick - finished <= plan.every


def test_freshness_is_a_minute_or_the_interval_when_shorter():
    assert schedule.freshness(FIVE) == timedelta(minutes=1)
    assert schedule.freshness(timedelta(seconds=20)) == timedelta(seconds=20)


class SteppedClock:
    """A clock that moves only when the collector sleeps: the loop's timing, without waiting for it."""

    def __init__(self) -> None:
        from datetime import UTC

        self.at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)


def test_the_collector_starts_each_run_at_its_tick_plus_the_drawn_jitter(cli, db_url):
    from dcmaint.services.collector import Clock, CollectRequest, collect
    from dcmaint.services.context import Context
    from dcmaint.store.urls import parse

    cli.ok("site", "add", "hq", "--customer", "Bank")
    stepped = SteppedClock()
    start = stepped.at
    logged: list[tuple[float, str]] = []
    request = CollectRequest(every=timedelta(seconds=10), sites=("hq",), jitter=timedelta(seconds=2), runs=3)
    outcome = collect(
        Context(parse(db_url), actor="collector-hq", command="collect"),
        request,
        log=lambda line: logged.append(((stepped.at - start).total_seconds(), line)),
        clock=Clock(now=stepped.now, sleep=stepped.sleep, draw=lambda: 0.5),
    )
    assert (outcome.runs, outcome.stopped, outcome.kept) == (3, None, 0)
    runs = [(at, line) for at, line in logged if " devices=" in line]
    assert [at for at, _line in runs] == [1.0, 11.0, 21.0]  # ticks 0, 10, 20 s, each 0.5 x 2 s late
    assert all("devices=0" in line and "skipped=0" in line for _at, line in runs)
    assert logged[-1][1] == "collect site=hq: done after 3 runs, 0 results not written"

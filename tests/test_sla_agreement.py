"""One source for the SLA: for random ticket histories, every view agrees with ``dcmaint.domain.sla.measure``.

Each example plays a history through the CLI (start, pauses and resumes, perhaps a last pause left open, a
restore, sometimes the form filled, signed and verified), every step with ``--at`` so its time is exact, then
reads the ticket back through ``ticket show``, ``ticket list`` (plain, ``--breached`` and
``--breaching-within``), the form's SLA line and ``report kpi``. The expected values are ``measure`` of the
generated history itself, never of anything the store wrote. Views of a clock that still runs are read at the
moment of the command, so the expectation is taken just before and just after it: a shown figure must lie
between the two.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dcmaint.domain.sla import Clock, Reading, SlaState, measure
from dcmaint.forms.content import duration
from dcmaint.forms.labels import label

SITES = {"hq": 12, "dr": 4}  # site -> SLA hours
ENDINGS = ("running", "paused", "restored", "restored-while-paused", "verified")
OFFICE = ZoneInfo("Asia/Shanghai")  # `report kpi`'s default time zone
H = 3600


@dataclass(frozen=True)
class History:
    site: str
    steps: tuple[str, ...]  # start, pause, resume, ..., then perhaps restore, fill, sign, verify
    gaps: tuple[int, ...]  # seconds from the previous step to each step (the first: from the start)
    tail: int  # seconds from the last step to the moment the test begins

    def times(self, now: datetime) -> list[datetime]:
        first = now - timedelta(seconds=sum(self.gaps) + self.tail)
        return [first + timedelta(seconds=sum(self.gaps[: i + 1])) for i in range(len(self.steps))]

    def clock(self, now: datetime) -> Clock:
        """The clock the contract defines for this history, straight from the generated steps."""
        started = restored = None
        pauses: list[tuple[datetime, datetime | None]] = []
        for step, at in zip(self.steps, self.times(now), strict=True):
            if step == "start":
                started = at
            elif step == "pause":
                pauses.append((at, None))
            elif step == "resume" or (step == "restore" and pauses and pauses[-1][1] is None):
                pauses[-1] = (pauses[-1][0], at)
            if step == "restore":
                restored = at
        return Clock(timedelta(hours=SITES[self.site]), started, restored, tuple(pauses))


@st.composite
def histories(draw: st.DrawFn) -> History:
    steps = ["start"] + ["pause", "resume"] * draw(st.integers(0, 3))
    steps += {
        "running": [],
        "paused": ["pause"],
        "restored": ["restore"],
        "restored-while-paused": ["pause", "restore"],
        "verified": ["restore", "fill", "sign", "verify"],
    }[draw(st.sampled_from(ENDINGS))]
    gaps = draw(st.lists(st.integers(0, 5 * 3600), min_size=len(steps), max_size=len(steps)))
    return History(draw(st.sampled_from(sorted(SITES))), tuple(steps), (0, *gaps[1:]), draw(st.integers(0, 14 * 3600)))


def _seconds(value: timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _between(shown: int | None, readings: list[Reading], field: str) -> bool:
    """``shown`` (whole seconds) lies between the values measured before and after the command."""
    bounds = [_seconds(getattr(r, field)) for r in readings]
    if shown is None or None in bounds:
        return shown in bounds
    return min(bounds) <= shown <= max(bounds)  # type: ignore[type-var]


def _form_sla(reading: Reading, restored: bool) -> str:
    """The form's SLA line in English for a started clock, as the figures of ``reading`` make it."""
    if restored:
        verdict = label("en", "met" if reading.state is SlaState.MET else "not_met")
    else:
        verdict = label("en", "not_restored")
    notes = [label("en", "elapsed").format(elapsed=duration(reading.elapsed, "en"))]
    if reading.paused > timedelta(0):
        notes.append(label("en", "paused").format(paused=duration(reading.paused, "en")))
    return verdict + label("en", "brackets").format(text=label("en", "list_separator").join(notes))


def test_every_view_agrees_with_measure(cli, tmp_path: Path) -> None:
    for site, hours in SITES.items():
        cli.ok("site", "add", site, "--customer", "某银行", "--sla-hours", str(hours))
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    cli.ok("staff", "add", "zhao.centre", "--role", "centre")  # verifies: not who did the work
    engineers = itertools.count(1)
    form = tmp_path / "form.md"

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(history=histories())
    @example(History("dr", ("start", "pause"), (0, 5 * H), H))  # paused after the target was used up
    @example(History("dr", ("start", "restore"), (0, 4 * H), 0))  # restored exactly at the limit: met
    @example(History("dr", ("start", "pause", "resume", "restore"), (0, H, 2 * H, 3 * H + 1), 60))  # a second late
    @example(History("dr", ("start", "pause", "resume"), (0, H, H), 5 * H))  # running past its due time
    @example(
        History(
            "hq",
            ("start", "pause", "resume", "pause", "restore", "fill", "sign", "verify"),
            (0, H, H, 3 * H, H, 60, 60, 60),
            0,
        )
    )
    def check(history: History) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        times = history.times(now)
        first = times[0]
        engineer = "li.na"
        if "verify" in history.steps:  # a KPI line of its own
            engineer = f"e{next(engineers)}"
            cli.ok("staff", "add", engineer, "--role", "engineer")
        ref = cli.ok(
            "ticket",
            "new",
            "--site",
            history.site,
            "--description",
            "PSU 2 故障",
            "--reported",
            _iso(first - timedelta(minutes=10)),
        ).out.split(":")[0]
        cli.ok("ticket", "assign", ref, "--to", engineer, "--at", _iso(first - timedelta(minutes=5)))
        extra = {
            "start": ["--remote"],
            "pause": ["--reason", "downtime-window"],
            "fill": ["--actions", "换电源"],
            "sign": ["--by", "王工", "--score", "4"],
            "verify": ["--by", "zhao.centre"],
        }
        for step, at in zip(history.steps, times, strict=True):
            cli.ok("ticket", step, ref, *extra.get(step, []), "--at", _iso(at))

        clock = history.clock(now)
        before = measure(clock, datetime.now(UTC))
        shown = cli.ok("ticket", "show", ref, "-f", "json").json()
        listed = {t["ref"]: t for t in cli.ok("ticket", "list", "--all", "-f", "json").json()}[ref]
        breached = {t["ref"] for t in cli.ok("ticket", "list", "--all", "--breached", "-f", "json").json()}
        breaching = {t["ref"] for t in cli.ok("ticket", "list", "--breaching-within", "30d", "-f", "json").json()}
        cli.ok("ticket", "form", ref, "--format", "md", "--lang", "en", "-o", form)
        after = measure(clock, datetime.now(UTC))
        readings = [before, after]

        assert shown["sla"] in {r.state.value for r in readings}
        assert listed["sla"] in {r.state.value for r in readings}
        for field in ("elapsed", "paused", "remaining", "breached_by"):
            assert _between(shown[f"sla_{field}"], readings, field), (field, shown, readings)
        for field in ("remaining", "breached_by"):
            assert _between(listed[f"sla_{field}"], readings, field), (field, listed, readings)
        due = {_iso(r.due_at) for r in readings}
        assert shown["sla_due_at"] in due and listed["sla_due_at"] in due
        assert (ref in breached) in {r.state is SlaState.BREACHED for r in readings}
        assert (ref in breaching) is (before.due_at is not None)  # far enough ahead to hold every running clock
        line = next(x for x in form.read_text().splitlines() if x.startswith("- **SLA**: "))
        assert line.removeprefix("- **SLA**: ") in {_form_sla(r, clock.restored_at is not None) for r in readings}

        if "verify" in history.steps:
            month = times[-1].astimezone(OFFICE).strftime("%Y-%m")
            kpi = cli.ok("report", "kpi", "--month", month, "-f", "json").json()
            mine = next(e for e in kpi["engineers"] if e["engineer"] == engineer)
            assert (mine["tickets"], mine["sla_met"]) == (1, int(before.state is SlaState.MET))
            assert mine["mean_time_to_restore"] == round(before.elapsed.total_seconds())

    check()

"""`roster who` and `roster check` at a site with a year of rotations and 500 overrides.

    python benchmarks/rosters.py [--overrides 500] [--backend sqlite|postgresql|both] [--runs 25] [--quick]

1. Seeds a store (a temporary SQLite file, or a private PostgreSQL schema
   dropped at the end) through the migrations, then in one transaction: one
   site in Asia/Shanghai, eight engineers, a year of rotations (one per
   month, daily hand-over at 09:00, the team in a different order each
   month; one day left between July and August as a planted gap) and
   --overrides overrides of 2 to 12 hours spread over the year, each by an
   engineer who is off duty at the time.
2. In this process: `roster_views.who` (what `roster who --site S --at T`
   runs: the rotations, the overrides around T, the phones) at --runs random
   instants of the year, and `roster_views.problems` (what `roster check
   --from --to` runs) over the whole year, --runs times each after a warm-up:
   median and p95.
3. Checks: every `who` answer equals the pure domain's `on_duty` on the same
   records; the year's check finds the planted gap and nothing is reported
   that the seeding did not make (no overlap, nobody on duty twice: each
   override is by an engineer off duty then; an override next to the
   engineer's own turn makes a stretch over 24 h, which is reported).
4. The real commands once each, as separate processes (start-up included).

Targets (medians in the process, on each backend): `who` under 50 ms,
`check` over a year under 1 s. Exit status 1 when a check fails, 3 when every
check passed but a target was missed (a smoke test may accept 3: tests never
assert timings), 0 otherwise.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from harness import (
    arguments,
    backends,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    print_checks,
    repeated,
    run_timed,
    scratch_home,
    scratch_store,
    store_arguments,
    verdict,
)

TARGETS_MS = {"who": 50.0, "check": 1000.0}
SITE, ZONE = "bench", "Asia/Shanghai"
ENGINEERS = [f"eng{i:02d}" for i in range(8)]
YEAR = 2026
GAP_DAY = date(YEAR, 8, 1)  # July's rotation ends on the 31st, August's starts on 2 August


@dataclass
class Outcome:
    backend: str
    medians: dict[str, float] = field(default_factory=dict)
    checks: list[tuple[bool, str]] = field(default_factory=list)


def seed(url: Any, overrides: int, rng: random.Random) -> None:
    """The site, its team, twelve monthly rotations and ``overrides`` overrides, in one transaction."""
    from dcmaint.domain.rosters import Period, Role, Rotation, base_shifts
    from dcmaint.store.models.registers import SiteRow, StaffRow
    from dcmaint.store.models.rosters import OverrideRow, RotationMemberRow, RotationRow
    from dcmaint.store.unit import ensure_schema, write

    ensure_schema(url)
    zone = ZoneInfo(ZONE)
    with write(url, "bench", "seed") as unit:
        site = SiteRow(name=SITE, customer="bench", timezone=ZONE)
        unit.session.add(site)
        staff = {
            name: StaffRow(name=name, role="engineer", phone=f"1380000{i:04d}") for i, name in enumerate(ENGINEERS)
        }
        unit.session.add_all(staff.values())
        unit.session.flush()
        rotations = []
        for month in range(1, 13):
            starts = date(YEAR, month, 2 if month == 8 else 1)
            ends = date(YEAR, 7, 31) if month == 7 else date(YEAR + (month == 12), month % 12 + 1, 1)
            order = ENGINEERS[month % 8 :] + ENGINEERS[: month % 8]
            row = RotationRow(
                name=f"bench-{month:02d}",
                site_id=site.id,
                period="daily",
                handover="09:00",
                starts_on=starts,
                ends_on=ends,
            )
            unit.session.add(row)
            unit.session.flush()
            for position, name in enumerate(order):
                unit.session.add(RotationMemberRow(rotation_id=row.id, position=position, staff_id=staff[name].id))
            rotations.append(Rotation(row.name, SITE, ZONE, Period.DAILY, time(9), tuple(order), starts, ends))
        year_start = datetime(YEAR, 1, 1, 9, tzinfo=zone)
        for _ in range(overrides):
            start = year_start + timedelta(hours=rng.randrange(0, 360 * 24))
            end = start + timedelta(hours=rng.randrange(2, 13))
            on = [s for r in rotations for s in base_shifts(r, start, end)]
            primary = next((s.engineer for s in on if s.role is Role.PRIMARY), None)
            if primary is None:
                continue
            busy = {s.engineer for s in on}
            free = [e for e in ENGINEERS if e not in busy]
            unit.session.add(
                OverrideRow(
                    site_id=site.id,
                    staff_id=staff[rng.choice(free)].id,
                    covers_id=staff[primary].id,
                    starts_at=start.astimezone(UTC),  # stored in UTC, as the services store every time
                    ends_at=end.astimezone(UTC),
                )
            )


def measure(backend: str, args: Any) -> Outcome:
    from dcmaint.domain.rosters import on_duty
    from dcmaint.services import roster_views
    from dcmaint.services.context import Context
    from dcmaint.store import roster_queries
    from dcmaint.store.reader import open_reader

    outcome = Outcome(backend)
    rng = random.Random(args.seed)
    with scratch_store(backend, args.pg_url, "rosters") as store:
        seed(store.url, args.overrides, rng)
        context = Context(store.url, "bench", "bench")
        instants = [
            datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            for _ in range(args.runs)
        ]
        answers: list[Any] = []
        queue = iter(instants * 2)

        def who() -> Any:
            at = next(queue)
            found = roster_views.who(context, SITE, at.isoformat())[0]
            answers.append((at, found))
            return found

        timing, _ = repeated(who, args.runs)
        outcome.medians["who"] = timing.median_ms
        print(
            f"{backend}: roster who --site {SITE} --at T: median {timing.median_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms"
        )
        with open_reader(store.url) as reader:
            rotations = roster_queries.rotations(reader, SITE)
            overrides = roster_queries.overrides(
                reader, SITE, datetime(YEAR - 1, 1, 1, tzinfo=UTC), datetime(YEAR + 1, 12, 31, tzinfo=UTC)
            )
        same = all(
            (found.primary, found.secondary)
            == (lambda d: (d.primary.engineer if d.primary else None, d.secondary.engineer if d.secondary else None))(
                on_duty(SITE, rotations, overrides, at)
            )
            for at, found in answers
        )
        outcome.checks.append((same, "who: every answer equals the domain's on_duty on the same records"))
        print(f"  {len(overrides)} overrides, {len(rotations)} rotations")

        def check() -> Any:
            return roster_views.problems(
                context, SITE, f"{YEAR}-01-01T09:00", f"{YEAR + 1}-01-01T09:00", timedelta(hours=24)
            )

        timing, problems = repeated(check, max(3, args.runs // 5))
        outcome.medians["check"] = timing.median_ms
        print(f"{backend}: roster check over {YEAR}: median {timing.median_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms")
        kinds: dict[str, int] = {}
        for problem in problems:
            kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
        print(f"  problems found: {kinds}")
        gaps = [p for p in problems if p.kind == "gap"]
        outcome.checks.append(
            (
                [(g.start, g.end) for g in gaps] == [(f"{YEAR}-07-31T09:00+08:00", f"{YEAR}-08-02T09:00+08:00")],
                "check: the planted gap is found, and no other",
            )
        )
        outcome.checks.append(
            (not kinds.get("overlap") and not kinds.get("double"), "check: no overlap or double duty (none was seeded)")
        )
        with scratch_home("rosters-home") as home:
            env = clean_env(home, DCMAINT_DB_URL=store.text)
            wall, _done = run_timed([*dcmaint(), "roster", "who", "--site", SITE, "--at", f"{YEAR}-06-01T12:00"], env)
            print(f"  end to end, `dcmaint roster who --site {SITE} --at {YEAR}-06-01T12:00`: {wall * 1000:.0f} ms")
            argv = [
                "roster",
                "check",
                "--site",
                SITE,
                "--from",
                f"{YEAR}-01-01T09:00",
                "--to",
                f"{YEAR + 1}-01-01T09:00",
            ]
            done = __import__("subprocess").run(
                [*dcmaint(), *argv], env=env, capture_output=True, text=True, check=False
            )
            outcome.checks.append((done.returncode == 1, "check: the command exits 1 on the planted gap"))
            wall2 = _end_to_end([*dcmaint(), *argv], env)
            print(f"  end to end, `dcmaint roster check --site {SITE}` over {YEAR}: {wall2 * 1000:.0f} ms")
    return outcome


def _end_to_end(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run of a command that exits 1 by design (a problem found)."""
    import subprocess
    import time as clock

    start = clock.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return clock.perf_counter() - start


def parse_args() -> Any:
    parser = arguments(__doc__, "50 overrides, 5 runs")
    parser.add_argument("--overrides", type=int, default=500)
    parser.add_argument("--runs", type=int, default=25, help="timed runs of `who` (check: a fifth, at least 3)")
    store_arguments(parser, default="both")
    return parsed(parser, overrides=50, runs=5)


def main() -> int:
    args = parse_args()
    print(f"a year of rotations at one site, {args.overrides} overrides, {machine()}")
    outcomes = [measure(backend, args) for backend in backends(args.backend)]
    print_checks(outcomes)
    print("targets (median in the process):")
    met = []
    for outcome in outcomes:
        for name, target in TARGETS_MS.items():
            met.append(outcome.medians[name] < target)
            print(
                f"  {outcome.backend} {name}: {outcome.medians[name]:.1f} ms, target under {target:.0f} ms "
                f"-> {verdict(met[-1])}"
            )
    return exit_status(all(ok for o in outcomes for ok, _ in o.checks), all(met))


if __name__ == "__main__":
    sys.exit(main())

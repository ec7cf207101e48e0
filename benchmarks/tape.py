"""Record and replay (`dcmaint record`, `dcmaint.testing`): what listening costs a poll, and what replay saves.

    python benchmarks/tape.py [--count 24] [--latency 20] [--rounds 3] [--quick]

1. Starts `dcmaint sim redfish --count N --latency MS` (every vendor flavour) in
   its own process.
2. Baseline, in the same run: each BMC polled by the Redfish driver with
   nothing listening, one after another (the poll `dcmaint health` makes).
3. The same polls with a recorder listening (`dcmaint record`): the cost of
   keeping every question and answer, as a share of the baseline.
4. Each recording replayed through the same driver (what a vendor's tests
   and dcmaint's regression fixtures do): no socket, no latency.
5. `tape.deck_for` with nothing listening, the one call every poll pays
   whether or not anyone records.

Checks: every replay gives the live poll's report (times aside). Targets:
recording adds at most 15 % to the median poll, and a replay is at least 5x
faster than a live poll. Exit status 1 when a check failed, 3 when only a
target was missed.
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import subprocess
import sys
import timeit
from typing import Any

from harness import arguments, check_line, exit_status, machine, parsed, scratch_home
from health_fleet import PASSWORD, start_bmcs

from dcmaint.drivers import DeviceReport, Target, tape
from dcmaint.secrets import Secret

TARGET_RECORD_SHARE = 0.15
TARGET_REPLAY_SPEEDUP = 5.0


def target_of(endpoint: dict[str, Any], number: int) -> Target:
    return Target(
        f"bmc{number:04d}", "server", endpoint["url"], username="admin", credential=Secret(PASSWORD), timeout=60.0
    )


def without_times(report: DeviceReport) -> dict[str, Any]:
    return {key: value for key, value in report.as_json().items() if key not in ("polled_at", "duration")}


def poll(target: Target) -> tuple[float, DeviceReport]:
    from dcmaint_redfish.driver import RedfishDriver

    loop = asyncio.new_event_loop()
    try:
        start = loop.time()
        report = loop.run_until_complete(RedfishDriver().poll(target))
        return loop.time() - start, report
    finally:
        loop.close()


def recorded(target: Target) -> tuple[float, DeviceReport, tape.Recording]:
    recorder = tape.Recorder()
    with tape.listening(recorder):
        seconds, report = poll(target)
    recording = tape.Recording(
        driver="redfish",
        kind="server",
        endpoint=target.endpoint,
        exchanges=tuple(recorder.exchanges),
        report=report.as_json(),
        name=target.name,
        username=target.username,
    )
    return seconds, report, recording


def replayed(recording: tape.Recording) -> tuple[float, DeviceReport]:
    with tape.replaying(recording):
        return poll(recording.target(timeout=60.0))


def main() -> int:
    parser = arguments(__doc__, "6 BMCs, 5 ms latency, 1 round")
    parser.add_argument("--count", type=int, default=24, help="simulated BMCs (every flavour in turn)")
    parser.add_argument("--latency", type=int, default=20, help="milliseconds added to every answer")
    parser.add_argument("--rounds", type=int, default=3, help="times each BMC is polled each way")
    args = parsed(parser, count=6, latency=5, rounds=1)
    with scratch_home("tape") as workdir:
        simulator, endpoints = start_bmcs(args.count, args.latency, workdir)
        try:
            return measure(args, endpoints)
        finally:
            simulator.send_signal(signal.SIGTERM)
            try:
                simulator.wait(timeout=20)
            except subprocess.TimeoutExpired:
                simulator.kill()


def measure(args: Any, endpoints: list[dict[str, Any]]) -> int:
    targets = [target_of(endpoint, number) for number, endpoint in enumerate(endpoints, 1)]
    live: list[float] = []
    recording: list[float] = []
    replay: list[float] = []
    recordings: list[tape.Recording] = []
    faithful = 0
    exchanges = 0
    poll(targets[0])  # warm: imports, the simulator's first answers
    for round_number in range(args.rounds):
        for target in targets:
            seconds, report = poll(target)
            live.append(seconds)
            seconds, _report, kept = recorded(target)
            recording.append(seconds)
            if round_number == 0:
                recordings.append(kept)
                exchanges += len(kept.exchanges)
    for kept in recordings:
        for _ in range(args.rounds):
            seconds, report = replayed(kept)
            replay.append(seconds)
        faithful += without_times(report) == {
            k: v for k, v in kept.report.items() if k not in ("polled_at", "duration")
        }
    idle_ns = min(timeit.repeat(lambda: tape.deck_for("redfish://10.0.0.5"), number=100_000, repeat=5)) / 100_000 * 1e9

    live_ms, record_ms, replay_ms = (statistics.median(values) * 1000 for values in (live, recording, replay))
    share = record_ms / live_ms - 1
    speedup = live_ms / replay_ms
    print(
        f"{len(targets)} simulated BMCs (every flavour), {args.latency} ms added to every answer, "
        f"{args.rounds} rounds; {machine()}"
    )
    print(f"baseline, a live poll with nothing listening: median {live_ms:.1f} ms per BMC")
    print(f"recording (dcmaint record): median {record_ms:.1f} ms per BMC, {share:+.1%} over the baseline")
    print(f"  {exchanges} exchanges kept, {exchanges / len(recordings):.0f} per BMC")
    print(f"replay (dcmaint.testing): median {replay_ms:.2f} ms per BMC, {speedup:.0f}x faster than a live poll")
    print(f"tape.deck_for with nothing listening: {idle_ns:.0f} ns per call (one per poll)")
    checks_ok = faithful == len(recordings)
    print(check_line(checks_ok, f"every replay gives the live report: {faithful} of {len(recordings)}"))
    targets_met = share <= TARGET_RECORD_SHARE and speedup >= TARGET_REPLAY_SPEEDUP
    print(
        f"targets: recording adds at most {TARGET_RECORD_SHARE:.0%} "
        f"({'met' if share <= TARGET_RECORD_SHARE else 'MISSED'}), replay at least {TARGET_REPLAY_SPEEDUP:g}x faster "
        f"({'met' if speedup >= TARGET_REPLAY_SPEEDUP else 'MISSED'})"
    )
    return exit_status(checks_ok, targets_met)


if __name__ == "__main__":
    sys.exit(main())

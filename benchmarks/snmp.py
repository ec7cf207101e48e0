"""`dcmaint health` over a fleet of simulated SNMP UPS agents, against an engine-per-device, sequential poll.

    python benchmarks/snmp.py [--count 1000] [--flavour ups-apc] [--latency 0] [--sample 50] [--quick]

1. Starts `dcmaint sim snmp --count N --flavour F` (one process serves every
   agent, each on its own UDP port) and registers its N UPSes in a fresh home.
2. Runs `dcmaint health --format json` over all of them in a child process: the
   full UPS poll (probe, scalars, walks, parse) of every agent. Reports wall
   time, CPU time of that process (user + system, its workers included) per
   device, and peak memory.
3. Baseline, in the same run, on --sample agents scaled to N: what a script
   without dcmaint's transport does, one agent after another, a new
   `SnmpEngine` for each, the same GETs and walks (pysnmp's own
   `bulk_walk_cmd`, one subtree at a time, MIB lookup on as by default).

Targets on the project's 2-core machines: N=1000 within 10 s wall, faster than
the baseline. Exit status 1 when a device did not answer, 3 when every device
answered but a target was missed.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import (
    arguments,
    check_line,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    scratch_home,
    start_simulator,
    times,
)
from health_fleet import timed_child

TARGET_WALL = 10.0
COMMUNITY = "bench-community"


def register(endpoints: list[dict], home: Path) -> dict[str, str]:
    """The UPSes as a customer's device list, imported in one transaction; the environment to run in."""
    sheet = home.parent / "ups.csv"
    lines = ["name,kind,driver,endpoint,credential"]
    lines += [f"ups{n:04d},ups,snmp,{e['url']},env:UPS_COMMUNITY" for n, e in enumerate(endpoints, 1)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = clean_env(home, UPS_COMMUNITY=COMMUNITY)
    for argv in (
        ["site", "add", "fleet", "--customer", "Benchmark"],
        ["device", "import", str(sheet), "--site", "fleet"],
    ):
        subprocess.run([*dcmaint(), *argv], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def baseline_poll(url: str, scalars: tuple[str, ...], walks: tuple[str, ...]) -> int:
    """One agent the plain way: a fresh engine, the scalars in one GET, each subtree walked on its own."""
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
        get_cmd,
    )

    host, port = url.removeprefix("snmp://").rsplit(":", 1)

    async def poll() -> int:
        engine = SnmpEngine()
        try:
            target = await UdpTransportTarget.create((host, int(port)), timeout=2, retries=1)
            auth, context = CommunityData(COMMUNITY), ContextData()
            _e, _s, _i, got = await get_cmd(
                engine, auth, target, context, *(ObjectType(ObjectIdentity(o)) for o in scalars)
            )
            values = len(got)
            for root in walks:
                async for _e, _s, _i, rows in bulk_walk_cmd(
                    engine, auth, target, context, 0, 25, ObjectType(ObjectIdentity(root)), lexicographicMode=False
                ):
                    values += len(rows)
            return values
        finally:
            engine.close_dispatcher()

    return asyncio.run(poll())


def main() -> int:
    parser = arguments(__doc__, "30 agents, a baseline of 3")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--flavour", default="ups-apc", help="the simulated UPS's profile")
    parser.add_argument("--latency", type=int, default=0, help="milliseconds added to every answer")
    parser.add_argument("--sample", type=int, default=50, help="agents polled sequentially for the baseline")
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parsed(parser, count=30, sample=3)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    with scratch_home("snmp") as workdir:
        options = ["--count", str(args.count), "--flavour", args.flavour]
        options += ["--latency", str(args.latency)] if args.latency else []
        simulator, endpoints = start_simulator("snmp", workdir / "sim-home", *options)
        try:
            return measure(args, endpoints, workdir / "home")
        finally:
            simulator.send_signal(signal.SIGTERM)
            try:
                simulator.wait(timeout=20)
            except subprocess.TimeoutExpired:
                simulator.kill()


def measure(args: Any, endpoints: list[dict], home: Path) -> int:
    from dcmaint_snmp.profiles import by_name
    from dcmaint_snmp.snapshot import SYSTEM

    env = register(endpoints, home)
    fleet = [*dcmaint(), "health", "--format", "json", "--concurrency", str(args.concurrency)]
    fleet += ["--timeout", str(args.timeout)]
    wall, cpu, peak_mb, done = timed_child(fleet, env)
    report = json.loads(done.stdout)
    counts = report["counts"]

    profile = by_name(args.flavour)
    assert profile is not None, args.flavour
    sample = endpoints[: args.sample]
    started = time.perf_counter()
    values = [baseline_poll(e["url"], (*SYSTEM, *profile.probe, *profile.scalars), profile.walks) for e in sample]
    per_device = (time.perf_counter() - started) / len(sample)
    baseline = per_device * args.count

    print(f"{args.count} simulated {args.flavour} agents, {args.latency} ms added to every answer, {machine()}")
    print(f"dcmaint health (concurrency {args.concurrency}):")
    print(
        f"  wall {wall:8.2f} s   cpu {cpu:8.2f} s ({cpu / args.count * 1000:.1f} ms per device)"
        f"   peak memory {peak_mb:7.1f} MB"
    )
    print(f"  devices by status: {counts}   (exit {done.returncode})")
    print(
        f"baseline, an engine per device, one after another: {per_device * 1000:.1f} ms per device "
        f"({sum(values) / len(values):.0f} values), {baseline:8.1f} s for {args.count} (from {len(sample)} timed)"
    )
    print(f"speed-up over the baseline: {times(baseline, wall)}")
    answered = counts["unknown"] == 0
    print(check_line(answered, f"every device answered: {args.count - counts['unknown']} of {args.count}"))
    missed = [
        label
        for label, ok in (
            (f"wall <= {TARGET_WALL:.0f} s", wall <= TARGET_WALL),
            ("faster than the baseline", baseline > wall),
        )
        if not ok
    ]
    print("targets: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    return exit_status(answered, not missed)


if __name__ == "__main__":
    sys.exit(main())

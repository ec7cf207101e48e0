"""`dcmaint health` over a fleet of simulated BMCs, against the plain `redfish` library crawl.

    python benchmarks/health_fleet.py [--count 1000] [--latency 50] [--sample 20] [--concurrency 1000] [--quick]

1. Starts `dcmaint sim redfish --count N --latency MS` (every vendor flavour) in
   its own process, and registers its N BMCs in a fresh home.
2. Runs `dcmaint health --format json` over all of them in a child process and
   reports wall time, CPU time (user+system of that process) and peak memory
   (its maximum resident set).
3. Baseline, in the same run: what a user has today, one device after another
   with the DMTF `redfish` library (session login, walk every resource under
   Systems, Chassis, Managers and UpdateService, logout), timed on --sample
   devices and scaled to N (sequential cost is linear).
4. Floor: one device polled alone, without the per-BMC request cap, shows the
   depth of its request chain; depth x latency is the least any client could
   take for one device.

Targets on the project's 2-core machines: N=1000 within 20 s wall, at least
30x faster than the baseline, under 400 MB. Exit status 1 when a device did
not answer, 3 when every device answered but a target was missed.
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import time
from collections import deque
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
    timed,
    times,
)

TARGET_WALL = 20.0
TARGET_SPEEDUP = 30.0
TARGET_MEMORY_MB = 400.0
PASSWORD = "bench-password"
SKIP = ("/JsonSchemas", "/Registries", "/SessionService", "/AccountService", "/TaskService", "/EventService")


def start_bmcs(count: int, latency: int, workdir: Path) -> tuple[subprocess.Popen[str], list[dict]]:
    """`dcmaint sim redfish` with COUNT BMCs, LATENCY ms added to each request; its endpoints once they listen."""
    home = workdir / "sim-home"
    options = ("--count", str(count), "--latency", str(latency))
    return start_simulator("redfish", home, *options, env=env_of(home))


def env_of(home: Path) -> dict[str, str]:
    return clean_env(home, BMC_PASSWORD=PASSWORD)


def register(endpoints: list[dict], home: Path) -> None:
    """The fleet as a customer's device list, imported in one transaction."""
    sheet = home.parent / "fleet.csv"
    lines = ["name,kind,driver,endpoint,username,credential"]
    lines += [f"bmc{n:04d},server,redfish,{e['url']},admin,env:BMC_PASSWORD" for n, e in enumerate(endpoints, 1)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = env_of(home)
    for argv in (
        ["site", "add", "fleet", "--customer", "Benchmark"],
        ["device", "import", str(sheet), "--site", "fleet"],
    ):
        subprocess.run([*dcmaint(), *argv], env=env, check=True, stdout=subprocess.DEVNULL)


def _kb(path: Path, key: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def tree_rss_mb(root: int) -> float:
    """Memory of a process and all its descendants (health forks workers for large runs).

    Proportional set size: pages a forked worker still shares with its parent
    are counted once, split between them, not once per process as RSS would.
    """
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = _kb(entry / "status", "PPid")
            except OSError:
                continue
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    for pid in family:
        try:
            total += _kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
        except OSError:
            continue
    return total / 1024


def timed_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (with its workers) and peak resident memory (MB, all its processes together)."""
    import threading

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done = subprocess.CompletedProcess(argv, process.returncode, out, err)
    return wall, cpu, max(peak, after.ru_maxrss / 1024 if peak == 0 else peak), done


def chain_seconds(url: str) -> float:
    """One BMC polled alone with no per-BMC request cap: what is left is the request chain's depth."""
    import asyncio

    from dcmaint.drivers.target import Target
    from dcmaint.secrets import Secret
    from dcmaint_redfish.driver import RedfishDriver

    target = Target(
        "floor", "server", url, username="admin", credential=Secret(PASSWORD), timeout=60, options={"concurrency": "32"}
    )
    driver = RedfishDriver()
    return timed(asyncio.run, driver.poll(target))[0]


def library_crawl(url: str) -> int:
    """What a user scripts today: the `redfish` library, one GET after another; returns the GET count."""
    import redfish

    base = url.replace("redfish+http://", "http://").replace("redfish://", "https://")
    client = redfish.redfish_client(base_url=base, username="admin", password=PASSWORD, timeout=30, max_retry=1)
    client.login(auth="session")
    try:
        seen, queue, gets = set(), deque(["/redfish/v1"]), 0
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            gets += 1
            if response.status != 200:
                continue
            stack = [response.dict]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    link = node.get("@odata.id")
                    if (
                        isinstance(link, str)
                        and link.startswith("/redfish/v1/")
                        and "#" not in link
                        and not link.startswith(tuple("/redfish/v1" + s for s in SKIP))
                        and link not in seen
                    ):
                        queue.append(link.rstrip("/"))
                    stack.extend(v for k, v in node.items() if k != "@odata.id")
                elif isinstance(node, list):
                    stack.extend(node)
        return gets
    finally:
        client.logout()


def main() -> int:
    parser = arguments(__doc__, "20 BMCs, 5 ms latency, a baseline of 2")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency", type=int, default=50, help="milliseconds added to every request")
    parser.add_argument("--sample", type=int, default=20, help="devices crawled sequentially for the baseline")
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parsed(parser, count=20, latency=5, sample=2)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    with scratch_home("fleet") as workdir:
        simulator, endpoints = start_bmcs(args.count, args.latency, workdir)
        try:
            return measure(args, endpoints, workdir / "home")
        finally:
            simulator.send_signal(signal.SIGTERM)
            try:
                simulator.wait(timeout=20)
            except subprocess.TimeoutExpired:
                simulator.kill()


def measure(args: Any, endpoints: list[dict], home: Path) -> int:
    register(endpoints, home)
    env = env_of(home)

    one = [*dcmaint(), "health", "bmc0001", "--format", "json", "--timeout", str(args.timeout)]
    single_poll = json.loads(timed_child(one, env)[3].stdout)["devices"][0]["duration"]
    chain = min(chain_seconds(endpoints[0]["url"]) for _ in range(3))

    fleet = [
        *dcmaint(),
        "health",
        "--format",
        "json",
        "--concurrency",
        str(args.concurrency),
        "--timeout",
        str(args.timeout),
    ]
    wall, cpu, peak_mb, done = timed_child(fleet, env)
    counts = json.loads(done.stdout)["counts"]

    sample = endpoints[: args.sample]
    sample_seconds, gets = timed(lambda: [library_crawl(e["url"]) for e in sample])
    baseline = sample_seconds / len(sample) * args.count

    depth = round(chain / (args.latency / 1000))
    floor = depth * args.latency / 1000
    print(f"{args.count} simulated BMCs, {args.latency} ms added to every request, {machine()}")
    print(f"dcmaint health (concurrency {args.concurrency}):")
    print(f"  wall {wall:8.2f} s   cpu {cpu:8.2f} s   peak memory {peak_mb:7.1f} MB")
    print(f"  devices by status: {counts}   (exit {done.returncode})")
    print(
        f"baseline, redfish library one device after another: {sample_seconds / len(sample):.2f} s per device "
        f"({sum(gets) / len(gets):.0f} GETs), {baseline:8.1f} s for {args.count} (from {len(sample)} timed)"
    )
    print(
        f"floor: the request chain is {depth} requests deep x {args.latency} ms = {floor:.2f} s "
        f"(one device alone: {chain:.2f} s uncapped, {single_poll:.2f} s with the default 4 requests per BMC)"
    )
    print(f"speed-up over the baseline: {times(baseline, wall)}")
    answered = counts["unknown"] == 0
    print(check_line(answered, f"every device answered: {args.count - counts['unknown']} of {args.count}"))
    missed = [
        label
        for label, ok in (
            (f"wall <= {TARGET_WALL:.0f} s", wall <= TARGET_WALL),
            (f"speed-up >= {TARGET_SPEEDUP:.0f}x", baseline / wall >= TARGET_SPEEDUP),
            (f"memory < {TARGET_MEMORY_MB:.0f} MB", peak_mb < TARGET_MEMORY_MB),
        )
        if not ok
    ]
    print("targets: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    return exit_status(answered, not missed)


if __name__ == "__main__":
    sys.exit(main())

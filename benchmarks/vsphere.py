"""`dcmaint health` over the ESXi hosts of one simulated vCenter, against a login-per-host script; a mixed fleet.

    python benchmarks/vsphere.py [--hosts 500] [--delay 3] [--sample 25] [--bmcs 1000] [--latency 50] [--quick]

1. Builds (once, cached) and starts govmomi's vCenter simulator with dcmaint's
   harness (`dcmaint_vsphere.sim.vcsim`) serving N ESXi hosts (4 clusters and
   N/25 standalone hosts for N=500), --delay ms added to every SOAP call, and
   registers the N hosts (`vsphere+http://VC:PORT/host/NAME`) and the vCenter
   itself (`vsphere+http://VC:PORT/`) in a fresh home.
2. Runs `dcmaint health --format json` over those N+1 devices in a child
   process: one login, one PropertyCollector pass, one logout. Reports wall
   time, CPU time of that process (user + system, its workers included) and
   its peak memory (ru_maxrss of the process and its workers, the largest).
3. Baselines, in the same run, on --sample hosts scaled to N, each in a
   child process, both handed each host's managed object id (which spares
   them the lookup a real script would need):
   - per-host property access (the target's baseline): one login, then host
     after host each of the same property paths read with a call of its own,
     which is what reading `host.runtime.connectionState` and so on through
     pyVmomi does (without fetching whole top-level properties, so it is the
     kindest version of that script);
   - login per host (a harder comparison, reported beside it): host after
     host a login, one `RetrievePropertiesEx` of all its properties, a
     logout.
4. Mixed fleet: `dcmaint sim redfish --count M --latency MS` (as
   health_fleet.py) in its own process; `dcmaint health` over the M BMCs
   alone, then over the M BMCs and the N+1 vSphere devices in one run.
5. After every run, a fresh login counts the simulator's sessions: only that
   login's own session may be left (the driver always logs out).

Targets: the one pass at least 10x faster than per-host property access (wall), the mixed
run within the slower of the two alone + 20 %. Exit status 1 when a device
did not answer or a session was left behind, 3 when every check passed but a
target was missed.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    arguments,
    busy_share,
    check_line,
    clean_env,
    cpu_ticks,
    dcmaint,
    exit_status,
    load_before,
    machine,
    parsed,
    scratch_home,
    times,
)
from health_fleet import PASSWORD as BMC_PASSWORD
from health_fleet import register as register_bmcs
from health_fleet import start_bmcs, tree_rss_mb

TARGET_SPEEDUP = 10.0
TARGET_MIXED = 1.20  # the mixed run's wall, at most this times the slower of the two alone
USERNAME, PASSWORD = "user", "pass"  # the simulator's one account (its defaults)


# -- the simulated vCenter ----------------------------------------------------


def layout(hosts: int) -> dict[str, int]:
    """Clusters of equal size and a few standalone hosts, ``hosts`` in all: 4 x 120 + 20 for 500.

    >>> layout(500), layout(20)
    ({'clusters': 4, 'cluster_hosts': 120, 'standalone': 20}, {'clusters': 1, 'cluster_hosts': 19, 'standalone': 1})
    """
    clusters = max(1, round(hosts / 125))
    cluster_hosts = (hosts - max(1, hosts // 25)) // clusters
    return {"clusters": clusters, "cluster_hosts": cluster_hosts, "standalone": hosts - clusters * cluster_hosts}


def connect(address: str) -> Any:
    """A pyVmomi ServiceInstance logged in to the simulator at ``host:port`` (plain HTTP)."""
    from pyVim.connect import SmartConnect

    host, port = address.rsplit(":", 1)
    return SmartConnect(protocol="http", host=host, port=int(port), user=USERNAME, pwd=PASSWORD)


def sessions_left(address: str) -> int:
    """How many sessions the simulator holds, counted from a fresh login (which is one of them)."""
    service = connect(address)
    try:
        return len(service.content.sessionManager.sessionList or ())
    finally:
        service.content.sessionManager.Logout()


def host_ids(address: str) -> dict[str, str]:
    """Every host's name and managed object id, read once (untimed) for the baseline."""
    from pyVmomi import vim

    service = connect(address)
    try:
        content = service.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
        return {host.name: host._moId for host in view.view}
    finally:
        service.content.sessionManager.Logout()


def register_vsphere(served: Any, home: Path, env: dict[str, str]) -> int:
    """The vCenter and its hosts as a customer's device list, in their own site; how many devices."""
    sheet = home.parent / "vsphere.csv"
    rows = [("vcenter", served.endpoint())]
    rows += [(f"esx{n:04d}", served.endpoint(name)) for n, name in enumerate(served.hosts, 1)]
    lines = ["name,kind,driver,endpoint,username,credential"]
    lines += [f"{name},hypervisor,vsphere,{url},{USERNAME},env:VCENTER_PASSWORD" for name, url in rows]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for argv in (
        ["site", "add", "vcenter", "--customer", "Benchmark"],
        ["device", "import", str(sheet), "--site", "vcenter"],
    ):
        subprocess.run([*dcmaint(), *argv], env=env, check=True, stdout=subprocess.DEVNULL)
    return len(rows)


# -- a child process, measured --------------------------------------------------


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc; 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, float, str, int]:
    """Wall s, CPU s (user + system, its workers included), ru_maxrss MB (the largest of the process and its
    workers), peak PSS MB of the process tree (sampled every 100 ms, as health_fleet.py), stdout, exit status.

    ``os.wait4`` gives the rusage of this one child, not of every child the benchmark ever had.
    """
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(process.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    finished = threading.Event()
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.1):
            peak = max(peak, tree_rss_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    for thread in (*readers, sampler):
        thread.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    finished.set()
    for thread in (*readers, sampler):
        thread.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1, 2, 3):  # health's monitoring-plugin statuses; anything else is a failure
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {''.join(err).strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak, "".join(out), process.returncode


# -- the baseline ---------------------------------------------------------------


def _read(service: Any, host_id: str, paths: list[str]) -> int:
    """One PropertyCollector call for ``paths`` of one host, by pyVmomi; how many values came back."""
    from pyVmomi import vim, vmodl

    collector_type = vmodl.query.PropertyCollector
    spec = collector_type.FilterSpec(
        objectSet=[collector_type.ObjectSpec(obj=vim.HostSystem(host_id, service._stub), skip=False)],
        propSet=[collector_type.PropertySpec(type=vim.HostSystem, pathSet=paths)],
    )
    result = service.content.propertyCollector.RetrievePropertiesEx([spec], collector_type.RetrieveOptions())
    return sum(len(item.propSet or ()) for item in result.objects or ())


def baseline(how: str, address: str, ids: list[str]) -> dict[str, float]:
    """Host after host, in this process: ``per-property`` (one login; a call per property of each host) or
    ``per-host`` (a login, one call for all the host's properties and a logout per host)."""
    from dcmaint_vsphere.collect import HOST_PROPERTIES

    values = calls = 0
    started, cpu = time.perf_counter(), time.process_time()
    service = connect(address) if how == "per-property" else None
    try:
        for host_id in ids:
            if service is not None:
                for path in HOST_PROPERTIES:
                    values += _read(service, host_id, [path])
                    calls += 1
                continue
            session = connect(address)
            try:
                values += _read(session, host_id, list(HOST_PROPERTIES))
                calls += 3  # login, the call, logout
            finally:
                session.content.sessionManager.Logout()
    finally:
        if service is not None:
            service.content.sessionManager.Logout()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "properties": values / len(ids),
        "calls": calls / len(ids),
    }


def baseline_child(how: str, address: str, ids: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """:func:`baseline` over ``ids`` in a child process: its own figures and the child's ru_maxrss in MB."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--baseline", how, address, *ids]
    _wall, _cpu, maxrss, _pss, out, _status = measured_child(argv, env)
    return json.loads(out), maxrss


# -- the run ----------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 3 and sys.argv[1] == "--baseline":  # a baseline's child process
        print(json.dumps(baseline(sys.argv[2], sys.argv[3], sys.argv[4:])))
        return 0
    parser = arguments(__doc__, "20 hosts, 1 ms delay, a baseline of 3, 20 BMCs at 5 ms")
    parser.add_argument("--hosts", type=int, default=500, help="ESXi hosts behind the simulated vCenter")
    parser.add_argument("--delay", type=int, default=3, help="milliseconds the simulator adds to every SOAP call")
    parser.add_argument("--sample", type=int, default=25, help="hosts polled one by one for the baseline")
    parser.add_argument("--bmcs", type=int, default=1000, help="simulated BMCs of the mixed fleet (0: none)")
    parser.add_argument("--latency", type=int, default=50, help="milliseconds added to every BMC request")
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parsed(parser, hosts=20, delay=1, sample=3, bmcs=20, latency=5)

    from dcmaint_vsphere.sim.vcsim import Inventory, build, start

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    load = load_before()
    inventory = Inventory(**layout(args.hosts), delay_ms=args.delay, username=USERNAME, password=PASSWORD)
    with scratch_home("vsphere") as workdir:
        vcenter = start(inventory, build())
        bmcs = start_bmcs(args.bmcs, args.latency, workdir) if args.bmcs else None
        try:
            simulators = [vcenter.process.pid] + ([bmcs[0].pid] if bmcs else [])
            return measure(args, vcenter.served, simulators, bmcs[1] if bmcs else [], workdir / "home", load)
        finally:
            vcenter.stop()
            if bmcs:
                bmcs[0].send_signal(signal.SIGTERM)
                try:
                    bmcs[0].wait(timeout=20)
                except subprocess.TimeoutExpired:
                    bmcs[0].kill()


@dataclass(frozen=True)
class Run:
    """One measured `dcmaint health` run: the child's figures, the machine's and the simulators' share."""

    wall: float
    cpu: float
    maxrss: float
    pss: float
    counts: dict[str, int]
    slowest: dict[str, float]  # driver -> the longest device duration the report shows
    busy: float | None  # the machine's CPU in use during the run (every process, not only ours)
    simulators_cpu: float

    def lines(self, title: str) -> list[str]:
        busy = "unknown" if self.busy is None else f"{self.busy:.0%}"
        slowest = ", ".join(f"{driver} {seconds:.2f} s" for driver, seconds in sorted(self.slowest.items()))
        return [
            f"dcmaint health, {title}:",
            (
                f"  wall {self.wall:8.2f} s   cpu {self.cpu:8.2f} s   ru_maxrss {self.maxrss:7.1f} MB"
                f"   peak PSS {self.pss:7.1f} MB"
            ),
            f"  devices by status: {self.counts}   longest device duration: {slowest}",
            f"  simulators' CPU {self.simulators_cpu:.2f} s, machine {busy} busy during the run",
        ]


def measure(args: Any, served: Any, simulators: list[int], bmc_endpoints: list[dict], home: Path, load: str) -> int:
    env = clean_env(home, VCENTER_PASSWORD=PASSWORD, BMC_PASSWORD=BMC_PASSWORD)
    if len(served.hosts) != args.hosts:
        raise SystemExit(f"the simulator serves {len(served.hosts)} hosts, not {args.hosts}")
    if bmc_endpoints:
        register_bmcs(bmc_endpoints, home)  # site "fleet"
    devices = register_vsphere(served, home, env)
    health = [*dcmaint(), "health", "--format", "json", "--concurrency", str(args.concurrency)]
    health += ["--timeout", str(args.timeout)]

    checks: list[tuple[bool, str]] = []
    runs: dict[str, Run] = {}

    def run(label: str, *selection: str) -> None:
        ticks, simulated = cpu_ticks(), sum(map(process_cpu, simulators))
        wall, cpu, maxrss, pss, out, _status = measured_child([*health, *selection], env)
        busy, simulated = busy_share(ticks, cpu_ticks()), sum(map(process_cpu, simulators)) - simulated
        report = json.loads(out)
        counts, slowest = report["counts"], {}
        for device in report["devices"]:
            driver = str(device.get("driver"))
            slowest[driver] = max(slowest.get(driver, 0.0), float(device.get("duration") or 0.0))
        runs[label] = Run(wall, cpu, maxrss, pss, counts, slowest, busy, simulated)
        left = sessions_left(served.address)
        answered = sum(counts.values()) - counts["unknown"]
        checks.append((counts["unknown"] == 0, f"{label}: every device answered: {answered} of {sum(counts.values())}"))
        checks.append((left == 1, f"{label}: sessions on the simulator afterwards: {left} (the counting login's own)"))

    run("vsphere", "--site", "vcenter")
    ids = host_ids(served.address)
    sample = [ids[name] for name in served.hosts[: args.sample]]
    baselines: dict[str, tuple[dict[str, float], float]] = {}
    for how in ("per-property", "per-host"):
        baselines[how] = baseline_child(how, served.address, sample, env)
        left = sessions_left(served.address)
        checks.append(
            (left == 1, f"baseline {how}: sessions on the simulator afterwards: {left} (the counting login's own)")
        )
    if bmc_endpoints:
        run("bmcs", "--site", "fleet")
        run("mixed")

    scale = args.hosts / len(sample)
    alone = runs["vsphere"]
    print(
        f"{args.hosts} simulated ESXi hosts behind one vCenter ({layout(args.hosts)}), {args.delay} ms added "
        f"to every SOAP call; {machine()} ({load} before the start: others' work skews the figures)"
    )
    print("\n".join(alone.lines(f"{devices} vSphere devices (the hosts and the vCenter), one pass")))
    speedups = {}
    for how, title in (
        ("per-property", "per-host property access, one login, a call per property of each host (the target's)"),
        ("per-host", "login + one PropertyCollector call + logout per host (harder)"),
    ):
        figures, maxrss = baselines[how]
        base_wall, base_cpu = figures["seconds"] * scale, figures["cpu"] * scale
        print(
            f"baseline, {title}: {figures['seconds'] / len(sample) * 1000:.1f} ms and "
            f"{figures['cpu'] / len(sample) * 1000:.1f} ms CPU per host ({figures['properties']:.0f} properties, "
            f"{figures['calls']:.0f} calls), {base_wall:.1f} s wall and {base_cpu:.1f} s CPU for {args.hosts} "
            f"(from {len(sample)} timed), ru_maxrss {maxrss:.1f} MB"
        )
        speedups[how] = base_wall / alone.wall
        print(f"  one pass against it: {times(base_wall, alone.wall)} wall, {times(base_cpu, alone.cpu)} CPU")
    targets = [(speedups["per-property"] >= TARGET_SPEEDUP, f"one pass >= {TARGET_SPEEDUP:.0f}x per-property access")]
    if bmc_endpoints:
        print("\n".join(runs["bmcs"].lines(f"{args.bmcs} BMCs ({args.latency} ms) alone")))
        print("\n".join(runs["mixed"].lines(f"mixed fleet, {args.bmcs} BMCs and {devices} vSphere devices")))
        slower, mixed = max(runs["bmcs"].wall, alone.wall), runs["mixed"].wall
        print(
            f"mixed fleet: {mixed:.2f} s against {slower:.2f} s for the slower alone "
            f"({mixed / slower - 1:+.0%}; the target allows {TARGET_MIXED - 1:+.0%})"
        )
        targets.append((mixed <= slower * TARGET_MIXED, f"mixed <= slower alone + {TARGET_MIXED - 1:.0%}"))
    for ok, label in checks:
        print(check_line(ok, label))
    missed = [label for ok, label in targets if not ok]
    print("targets: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    return exit_status(all(ok for ok, _ in checks), not missed)


if __name__ == "__main__":
    sys.exit(main())

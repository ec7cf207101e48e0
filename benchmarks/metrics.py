"""`dcmaint serve-metrics` scraped over a recorded fleet, against `dcmaint health --format prometheus`.

    python benchmarks/metrics.py [--count 1000] [--scrapes 20] [--backend both] [--quick]

1. Starts `dcmaint sim redfish --count N` (every tenth BMC with a failed PSU)
   in its own process and registers its N BMCs in a fresh store (SQLite and/or
   a private PostgreSQL schema).
2. Baseline, in the same run: `dcmaint health --record --open-tickets --format
   prometheus`, the wall time of what a textfile-collector cron job runs
   today: every device polled live, the exposition written, the run recorded.
3. Starts `dcmaint serve-metrics` on a free port over that store and scrapes
   `/metrics` --scrapes times over HTTP (after one warm-up scrape): median,
   p95 and max wall time of a scrape, the exporter's own
   `dcmaint_scrape_duration_seconds` (the store read and the samples), the
   body's size and its series, parsed by prometheus_client's text parser.
4. Where the time goes, in this process on the same store: the store read,
   building the samples, and prometheus_client's text exposition.

Checks: every device has a `dcmaint_device_status` series and the value the
poll recorded; `dcmaint_store_up` is 1. Target on the project's 2-core
machines: a scrape of 1,000 devices within 1 s (median). Exit status 1 when a
check failed, 3 when only the target was missed.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from harness import (
    arguments,
    backends,
    check_line,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    register_devices,
    repeated,
    scratch_home,
    scratch_store,
    start_simulator,
    store_arguments,
    times,
    verdict,
)

TARGET_SCRAPE = 1.0  # seconds, median, at 1,000 devices
PASSWORD = "bench-password"
FAULTS = "every10:psu:2=critical"


def live_poll(env: dict[str, str], workdir: Path) -> tuple[float, dict[str, float]]:
    """The baseline: wall seconds of `health --record --open-tickets --format prometheus`, and its device statuses."""
    from prometheus_client.parser import text_string_to_metric_families

    output = workdir / "dcmaint.prom"
    argv = [*dcmaint(), "health", "--record", "--open-tickets", "--format", "prometheus", "--output", str(output)]
    argv += ["--timeout", "60"]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1, 2):  # the monitoring codes: 3 means dcmaint itself failed
        raise SystemExit(f"health failed ({done.returncode}): {done.stderr.strip()}")
    statuses = {
        sample.labels["device"]: sample.value
        for family in text_string_to_metric_families(output.read_text(encoding="utf-8"))
        for sample in family.samples
        if sample.name == "dcmaint_device_status"
    }
    return seconds, statuses


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return str(answer.read().decode("utf-8"))


def samples(body: str) -> dict[str, list[Any]]:
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def exporter_run(env: dict[str, str], scrapes: int) -> tuple[Any, str, list[float]]:
    """Scrape a running exporter: the timing of ``scrapes`` scrapes, the last body, the exporter's own durations."""
    port = _free_port()
    process = subprocess.Popen(
        [*dcmaint(), "serve-metrics", "--listen", f"127.0.0.1:{port}"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        if "/metrics" not in line:
            raise SystemExit(f"serve-metrics did not start: {line}{process.stderr.read()}")
        url = f"http://127.0.0.1:{port}/metrics"
        bodies: list[str] = []

        def one() -> str:  # the scrape only: parsing the body is the client's cost, not the exporter's
            bodies.append(scrape(url))
            return bodies[-1]

        timing, body = repeated(one, scrapes)
        own = [samples(text)["dcmaint_scrape_duration_seconds"][0].value for text in bodies[1:]]  # not the warm-up
        return timing, body, own
    finally:
        process.terminate()
        process.communicate(timeout=30)


def breakdown(url: Any, runs: int) -> tuple[float, float, float]:
    """Where a scrape's time goes, in this process on the same store: median seconds of the store read
    (:func:`dcmaint.services.metrics.fleet_metrics`), of building the samples, and of prometheus_client's text
    exposition."""
    from prometheus_client import CollectorRegistry, generate_latest

    from dcmaint.cli.metrics import families
    from dcmaint.services.context import Context
    from dcmaint.services.metrics import fleet_metrics

    context = Context(url, actor="benchmark", command="serve-metrics")
    read, fleet = repeated(lambda: fleet_metrics(context), runs)
    built, found = repeated(lambda: list(families(fleet)), runs)

    class Built:
        def collect(self) -> Any:
            return iter(found)

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Built())  # type: ignore[arg-type]
    written, _body = repeated(lambda: generate_latest(registry), runs)
    return read.median, built.median, written.median


def measure(backend: str, args: Any, endpoints: list[dict[str, Any]]) -> tuple[bool, bool]:
    """One backend: record, baseline, scrapes; prints its figures; (checks passed, target met)."""
    with scratch_store(backend, args.pg_url, "metrics") as store, scratch_home("metrics") as home:
        env = clean_env(home / "home", DCMAINT_DB_URL=store.text, BMC_PASSWORD=PASSWORD)
        register_devices(env, "fleet", [(f"bmc{n:04d}", e["url"]) for n, e in enumerate(endpoints, 1)], home)
        poll_seconds, recorded = live_poll(env, home)
        timing, body, own = exporter_run(env, args.scrapes)
        parts = breakdown(store.url, max(args.scrapes // 4, 1))
    served = samples(body)
    status = {s.labels["device"]: s.value for s in served.get("dcmaint_device_status", [])}
    series = sum(len(found) for found in served.values())
    print(f"\n{backend}:")
    print(f"  baseline, health --record --open-tickets --format prometheus (live poll): {poll_seconds:.2f} s")
    print(
        f"  serve-metrics scrape over HTTP: median {timing.median_ms:.0f} ms, p95 {timing.p95_ms:.0f} ms, "
        f"max {timing.max_ms:.0f} ms ({len(timing.seconds)} scrapes)"
    )
    print(f"  the exporter's own dcmaint_scrape_duration_seconds: median {sorted(own)[len(own) // 2] * 1000:.0f} ms")
    print(
        f"  where it goes (in process, medians): store read {parts[0] * 1000:.0f} ms, samples "
        f"{parts[1] * 1000:.0f} ms, text exposition {parts[2] * 1000:.0f} ms"
    )
    print(f"  body {len(body.encode()) / 1024:.0f} KiB, {series} samples, {len(served)} sample names")
    print(f"  a scrape is {times(poll_seconds, timing.median)} faster than the live poll")
    checks = [
        (status == recorded and len(status) == len(endpoints), f"every device's recorded status served: {len(status)}"),
        ([s.value for s in served.get("dcmaint_store_up", [])] == [1.0], "dcmaint_store_up is 1"),
    ]
    for ok, label in checks:
        print(f"  {check_line(ok, label)}")
    met = timing.median <= TARGET_SCRAPE
    print(f"  target, scrape median within {TARGET_SCRAPE:.0f} s at 1,000 devices: {verdict(met)}")
    return all(ok for ok, _label in checks), met


def main() -> int:
    parser = arguments(__doc__, "20 devices, 3 scrapes, SQLite")
    parser.add_argument("--count", type=int, default=1000, help="simulated BMCs")
    parser.add_argument("--scrapes", type=int, default=20, help="timed scrapes per backend")
    store_arguments(parser, "both")
    args = parsed(parser, count=20, scrapes=3, backend="sqlite")
    print(f"{args.count} simulated BMCs ({FAULTS}), {args.scrapes} scrapes; {machine()}")
    with scratch_home("metrics-sim") as sim_home:
        simulator, endpoints = start_simulator("redfish", sim_home, "--count", str(args.count), "--faults", FAULTS)
        try:
            results = [measure(backend, args, endpoints) for backend in backends(args.backend)]
        finally:
            simulator.terminate()
            simulator.communicate(timeout=60)
    checks_ok, targets_met = all(ok for ok, _ in results), all(met for _, met in results)
    print(f"\ntargets: {'met' if targets_met else 'MISSED'}")
    return exit_status(checks_ok, targets_met)


if __name__ == "__main__":
    raise SystemExit(main())

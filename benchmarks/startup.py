"""Start-up cost of the CLI, against a bare `import typer` measured in the same run.

    python benchmarks/startup.py [--runs 15] [--devices 1000]

Prints the median wall time of each command over --runs runs, its ratio to
the baseline (target: at most 3x), and checks with `python -X importtime` that
no device library (redfish, pyVmomi, pysnmp) is imported at start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEVICE_LIBRARIES = ("redfish", "pyVmomi", "pysnmp")
TARGET_RATIO = 3.0


def dcmaint_command() -> list[str]:
    script = Path(sys.executable).with_name("dcmaint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dcmaint"]


def populate(home: Path, count: int) -> None:
    """A store with ``count`` devices across 10 sites, written through the normal unit of work."""
    os.environ["DCMAINT_HOME"] = str(home)
    from dcmaint.domain.records import Device, Site
    from dcmaint.services import devices, sites
    from dcmaint.store import urls
    from dcmaint.store.unit import write

    url = urls.resolve(None)
    kinds = ["server", "storage", "hypervisor", "ups", "cooling", "network"]
    with write(url, "benchmark", "benchmark populate") as unit:
        for s in range(10):
            sites.add(unit, Site(f"site{s:02d}", f"Customer {s}", None, None, None, 12, 15, "Asia/Shanghai", "cn"))
        unit.session.flush()
        for n in range(count):
            devices.add(unit, Device(
                site=f"site{n % 10:02d}", name=f"dev{n:05d}", kind=kinds[n % len(kinds)], vendor="HPE",
                model="ProLiant DL380 Gen10", serial=f"CZ{n:08d}", room="3F", rack=f"A{n % 40:02d}",
                rack_unit=str(n % 42 + 1), covered=True, driver="redfish", endpoint=f"redfish://10.0.{n // 250}.{n % 250}",
                username="admin", credential="env:BMC_PASSWORD", tls_verify=True, ca_file=None, fingerprint=None,
                notes=None,
            ))


def median_seconds(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return statistics.median(times)


def device_libraries_imported(argv: list[str], env: dict[str, str]) -> list[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "dcmaint", *argv[1:]], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return sorted(m for m in modules if m.split(".")[0] in DEVICE_LIBRARIES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--devices", type=int, default=1000)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="dcmaint-bench-"))
    try:
        populate(home, args.devices)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
        env["DCMAINT_HOME"] = str(home)
        dcmaint = dcmaint_command()
        cases = [
            ("python -c 'import typer' (baseline)", [sys.executable, "-c", "import typer"]),
            ("dcmaint --help", [*dcmaint, "--help"]),
            (f"dcmaint device list --format json ({args.devices} devices)", [*dcmaint, "device", "list", "--format", "json"]),
        ]
        median_seconds(cases[2][1], 2, env)  # warm the page cache and .pyc files
        results = [(label, median_seconds(argv, args.runs, env)) for label, argv in cases]
        baseline = results[0][1]
        print(f"median of {args.runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        print(f"{'command':58} {'median ms':>10} {'ratio':>7}")
        worst = 0.0
        for label, seconds in results:
            ratio = seconds / baseline
            worst = max(worst, ratio)
            print(f"{label:58} {seconds * 1000:10.1f} {ratio:6.2f}x")
        leaks = {label: device_libraries_imported(argv, env) for label, argv in cases[1:]}
        for label, modules in leaks.items():
            print(f"device libraries imported by {label}: {', '.join(modules) or 'none'}")
        ok = worst <= TARGET_RATIO and not any(leaks.values())
        print(f"target: at most {TARGET_RATIO:.0f}x the baseline, no device library -> {'met' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

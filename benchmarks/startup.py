"""Start-up cost of the CLI, against a bare `import typer` measured in the same run.

    python benchmarks/startup.py [--runs 15] [--devices 1000] [--quick]

Prints the median wall time of each command over --runs runs, its ratio to
the baseline (target: at most 3x), and checks with `python -X importtime` that
no device library (redfish, pyVmomi, pysnmp) is imported at start-up. Exit
status 1 when a device library is imported, 3 when only the target is missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness import (
    Timing,
    arguments,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    run_timed,
    scratch_home,
    times,
    verdict,
)

DEVICE_LIBRARIES = ("redfish", "pyVmomi", "pysnmp")
TARGET_RATIO = 3.0


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
            devices.add(
                unit,
                Device(
                    site=f"site{n % 10:02d}",
                    name=f"dev{n:05d}",
                    kind=kinds[n % len(kinds)],
                    vendor="HPE",
                    model="ProLiant DL380 Gen10",
                    serial=f"CZ{n:08d}",
                    room="3F",
                    rack=f"A{n % 40:02d}",
                    rack_unit=str(n % 42 + 1),
                    covered=True,
                    driver="redfish",
                    endpoint=f"redfish://10.0.{n // 250}.{n % 250}",
                    username="admin",
                    credential="env:BMC_PASSWORD",
                    tls_verify=True,
                    ca_file=None,
                    fingerprint=None,
                    notes=None,
                ),
            )


def median_seconds(argv: list[str], runs: int, env: dict[str, str]) -> float:
    return Timing(tuple(run_timed(argv, env, output=False)[0] for _ in range(runs))).median


def device_libraries_imported(argv: list[str], env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dcmaint", *argv[1:]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return sorted(m for m in modules if m.split(".")[0] in DEVICE_LIBRARIES)


def main() -> int:
    parser = arguments(__doc__, "100 devices, 3 runs")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--devices", type=int, default=1000)
    args = parsed(parser, runs=3, devices=100)

    with scratch_home("bench") as home:
        populate(home, args.devices)
        env = clean_env(home)
        command = dcmaint()
        cases = [
            ("python -c 'import typer' (baseline)", [sys.executable, "-c", "import typer"]),
            ("dcmaint --help", [*command, "--help"]),
            (
                f"dcmaint device list --format json ({args.devices} devices)",
                [*command, "device", "list", "--format", "json"],
            ),
        ]
        median_seconds(cases[2][1], 2, env)  # warm the page cache and .pyc files
        results = [(label, median_seconds(argv, args.runs, env)) for label, argv in cases]
        baseline = results[0][1]
        print(f"median of {args.runs} runs, {machine()}")
        print(f"{'command':58} {'median ms':>10} {'ratio':>7}")
        worst = 0.0
        for label, seconds in results:
            worst = max(worst, seconds / baseline)
            print(f"{label:58} {seconds * 1000:10.1f} {times(seconds, baseline, 2):>7}")
        leaks = {label: device_libraries_imported(argv, env) for label, argv in cases[1:]}
        for label, modules in leaks.items():
            print(f"device libraries imported by {label}: {', '.join(modules) or 'none'}")
        ok = worst <= TARGET_RATIO and not any(leaks.values())
        print(f"target: at most {TARGET_RATIO:.0f}x the baseline, no device library -> {verdict(ok)}")
        return exit_status(not any(leaks.values()), worst <= TARGET_RATIO)


if __name__ == "__main__":
    sys.exit(main())

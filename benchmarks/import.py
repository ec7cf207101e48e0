"""`dcmaint device import` of a 50 MB device list: wall time and peak memory, against a 5 MB list in the same run.

    python benchmarks/import.py [--backend sqlite|postgresql|both] [--mb 50] [--baseline-mb 5] [--quick]

1. Writes two CSV device lists of the same shape, --baseline-mb and --mb
   megabytes: a customer's columns (name, kind, vendor, model, serial, room,
   rack, U, driver, management address, login, credential reference, a
   remark of a few hundred characters), about 450 bytes a row.
2. On each backend, imports each list into a fresh store (`dcmaint device
   import FILE --site bench`, a separate process, as a person runs it) and
   reads that process's own peak resident memory (`os.wait4`'s rusage) and
   its wall time.
3. Checks: every row imported, the audit chain intact (`dcmaint db check`),
   and all-or-nothing: the small list with one bad row near its end imports
   nothing, exit status 2, naming that row.

Target: the big list's peak memory at most 1.25x the small one's (memory
does not grow with the file; without streaming it grew about 30x the file's
size in rows held as objects). Exit status 1 when a check fails, 3 when
every check passed but the target was missed (a smoke test may accept 3:
tests never assert timings), 0 otherwise.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import (
    arguments,
    backends,
    check_line,
    clean_env,
    dcmaint,
    exit_status,
    load_before,
    machine,
    parsed,
    scratch_home,
    scratch_store,
    store_arguments,
    times,
    verdict,
)

TARGET_RATIO = 1.25
HEADER = "name,kind,vendor,model,serial,room,rack,rack_unit,driver,endpoint,username,credential,notes"
MODELS = [
    ("Dell", "PowerEdge R750"),
    ("HPE", "ProLiant DL380 Gen10"),
    ("Lenovo", "ThinkSystem SR650"),
    ("Huawei", "2288H V5"),
]
WORDS = (
    "机房",
    "巡检",
    "备件",
    "维保",
    "到期",
    "电源",
    "风扇",
    "硬盘",
    "更换",
    "客户",
    "值班",
    "rack",
    "power",
    "spare",
)


def write_list(path: Path, megabytes: float, seed: int) -> int:
    """A device list of about ``megabytes`` MB; its row count."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        while out.tell() < target:
            rows += 1
            vendor, model = MODELS[rows % len(MODELS)]
            notes = " ".join(rng.choice(WORDS) for _ in range(60))
            address = f"10.{rows // 65536 % 256}.{rows // 256 % 256}.{rows % 256}"
            out.write(
                f"srv{rows:07d},server,{vendor},{model},SN{rng.getrandbits(40):012X},"
                f"{rows % 7 + 1}F-A,R{rows % 40:02d},{rows % 42 + 1},redfish,https://{address},admin,"
                f"env:BMC_PASSWORD,{notes}\n"
            )
    return rows


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    code: int
    stdout: str
    stderr: str


def measured(argv: list[str], env: dict[str, str], workdir: Path) -> Run:
    """One process: its wall time, its own peak resident memory (rusage of this child alone) and its output."""
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)  # not wait(): it would reap the child and its rusage
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, out_path.read_text(), err_path.read_text())


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*dcmaint(), *argv], env=env, capture_output=True, text=True, check=False)


@dataclass(frozen=True)
class Imported:
    label: str
    megabytes: float
    rows: int
    run: Run


def import_once(
    backend: str, pg_url: str, sheet: Path, rows: int, label: str, checks: list[tuple[bool, str]]
) -> Imported:
    with scratch_store(backend, pg_url, "import") as store, scratch_home("import-home") as home:
        env = clean_env(home, DCMAINT_DB_URL=store.text, DCMAINT_LANG="en", BMC_PASSWORD="x")
        run(["site", "add", "bench", "--customer", "Benchmark"], env)
        done = measured([*dcmaint(), "device", "import", str(sheet), "--site", "bench"], env, home)
        checks.append(
            (done.code == 0 and f"Imported  {rows}" in done.stdout, f"{backend} {label}: {rows:,} rows imported")
        )
        checked = run(["db", "check"], env)
        checks.append((checked.returncode == 0, f"{backend} {label}: db check passes"))
    megabytes = sheet.stat().st_size / 1_000_000
    print(
        f"  {backend:10} {label:8} {megabytes:6.1f} MB {rows:>8,} rows: {done.seconds:7.1f} s "
        f"({rows / done.seconds:6.0f} rows/s), peak RSS {done.peak_mb:6.1f} MB"
    )
    return Imported(label, megabytes, rows, done)


def all_or_nothing(backend: str, pg_url: str, sheet: Path, rows: int, workdir: Path) -> tuple[bool, str]:
    """The list with one bad row near its end: nothing imported, exit 2, the row named."""
    bad = workdir / "bad.csv"
    lines = sheet.read_text(encoding="utf-8").splitlines()
    row = max(2, len(lines) - 2)  # row numbers as a spreadsheet shows them: the header is row 1
    lines[row - 1] = lines[row - 1].replace(",server,", ",toaster,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with scratch_store(backend, pg_url, "import") as store, scratch_home("import-home") as home:
        env = clean_env(home, DCMAINT_DB_URL=store.text, DCMAINT_LANG="en", BMC_PASSWORD="x")
        run(["site", "add", "bench", "--customer", "Benchmark"], env)
        done = run(["device", "import", str(bad), "--site", "bench"], env)
        listed = run(["device", "list", "--format", "csv"], env)
    ok = done.returncode == 2 and f"row {row}:" in done.stderr and len(listed.stdout.strip().splitlines()) <= 1
    return ok, f"{backend} one bad row (row {row} of {rows + 1:,}): nothing imported, exit 2, the row named"


def main() -> int:
    parser = arguments(__doc__, "a 1 MB list against a 0.1 MB one, on SQLite")
    store_arguments(parser, "sqlite")
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of the big list")
    parser.add_argument("--baseline-mb", type=float, default=5.0, help="megabytes of the baseline list")
    args = parsed(parser, mb=1.0, baseline_mb=0.1)
    print(f"device import: a {args.mb:g} MB list against a {args.baseline_mb:g} MB one; {machine()} ({load_before()})")
    checks: list[tuple[bool, str]] = []
    ratios: dict[str, float] = {}
    with scratch_home("import-lists") as workdir:
        small, big = workdir / "small.csv", workdir / "big.csv"
        small_rows = write_list(small, args.baseline_mb, args.seed)
        big_rows = write_list(big, args.mb, args.seed)
        for backend in backends(args.backend):
            base = import_once(backend, args.pg_url, small, small_rows, "baseline", checks)
            full = import_once(backend, args.pg_url, big, big_rows, "big", checks)
            ratios[backend] = full.run.peak_mb / base.run.peak_mb
            print(
                f"  {backend:10} {full.megabytes / base.megabytes:4.1f}x the file -> "
                f"{times(full.run.peak_mb, base.run.peak_mb, 2)} the peak memory, "
                f"{times(full.run.seconds, base.run.seconds)} the time"
            )
            checks.append(all_or_nothing(backend, args.pg_url, small, small_rows, workdir))
    for ok, label in checks:
        print(check_line(ok, label))
    checks_ok = all(ok for ok, _ in checks)
    met = all(ratio <= TARGET_RATIO for ratio in ratios.values())
    print(f"target: the big list's peak memory at most {TARGET_RATIO}x the baseline's -> {verdict(met)}")
    return exit_status(checks_ok, met)


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark shares: command line, scratch store, timing, machine load, client processes, verdicts.

The scripts beside this module measure different things, but each needs the
same plumbing, and each piece written once here measures and prints the
same way everywhere: medians and nearest-rank percentiles, a baseline timed
in the same run and shown as a ratio, ``--quick`` smoke sizes (the tests run
every benchmark at that size), a fresh SQLite file or a private PostgreSQL
schema dropped at the end, ``dcmaint`` run as a separate process with a
clean environment, and the exit status (1: a check failed, 3: only a speed
target was missed, which a smoke test accepts; tests never assert timings).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

PG_URL = os.environ.get("DCMAINT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CHECK_FAILED, TARGET_MISSED = 1, 3

T = TypeVar("T")


# -- the command line --------------------------------------------------------


def arguments(doc: str | None, quick: str) -> argparse.ArgumentParser:
    """A parser that prints the script's docstring as its help, with ``--quick`` (``quick`` says what it runs)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"a smoke-test size: {quick} (tests run it)")
    return parser


def store_arguments(parser: argparse.ArgumentParser, default: str) -> None:
    """``--backend`` (sqlite, postgresql or both), ``--pg-url`` and the ``--seed`` of the generated data."""
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default=default)
    parser.add_argument("--pg-url", default=PG_URL, help="the PostgreSQL server a private schema is made in")
    parser.add_argument("--seed", type=int, default=1, help="the random seed of the generated data")


def parsed(parser: argparse.ArgumentParser, **smoke: Any) -> argparse.Namespace:
    """The arguments, with the ``smoke`` sizes in place of the given ones when ``--quick`` is set."""
    args = parser.parse_args()
    if args.quick:
        for name, value in smoke.items():
            setattr(args, name, value)
    return args


def backends(choice: str) -> list[str]:
    """The backends ``--backend`` names, in the order they run."""
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def machine() -> str:
    """The line that says where a figure was measured."""
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"


# -- dcmaint as a separate process --------------------------------------------


def dcmaint() -> list[str]:
    """The installed ``dcmaint`` script beside this Python, or ``python -m dcmaint``."""
    script = Path(sys.executable).with_name("dcmaint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dcmaint"]


def clean_env(home: Path, **settings: str) -> dict[str, str]:
    """This environment without the caller's DCMAINT_* settings, with its own home (and ``settings``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(home), **settings)
    return env


def run_timed(
    argv: list[str], env: dict[str, str], *, output: bool = True
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall seconds of one run of ``argv`` as a separate process (its output kept, or thrown away unread when
    ``output`` is false); a failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        env=env,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, done


# -- timing ------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 1): the smallest value with at least q of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timing:
    """Seconds of repeated runs of one thing, shown in milliseconds."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_ms(self) -> float:
        return self.median * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 0.95) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000


def timed(call: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Seconds one call ``call(*args)`` took, and what it returned."""
    start = time.perf_counter()
    answer = call(*args)
    return time.perf_counter() - start, answer


def repeated(call: Callable[[], T], runs: int, warm: int = 1) -> tuple[Timing, T]:
    """``runs`` timed calls after ``warm`` untimed ones (caches, plans, imports); the timing and the last answer."""
    answer = call() if warm else None
    for _ in range(warm - 1):
        answer = call()
    seconds = []
    for _ in range(runs):
        took, answer = timed(call)
        seconds.append(took)
    return Timing(tuple(seconds)), answer  # type: ignore[return-value]


def times(slow: float, fast: float, digits: int = 1) -> str:
    """How many times ``fast`` fits in ``slow``, as the benchmarks print a baseline's ratio: ``6.6x``."""
    return f"{slow / fast:.{digits}f}x"


# -- verdicts ----------------------------------------------------------------


def verdict(ok: bool) -> str:
    """A target's verdict as printed: met or MISSED."""
    return "met" if ok else "MISSED"


def check_line(ok: bool, label: str) -> str:
    """A check as printed: PASS or FAIL, then what was checked."""
    return f"{'PASS' if ok else 'FAIL'} {label}"


def print_checks(outcomes: Sequence[Any]) -> None:
    """Every backend's checks (``outcome.backend``, ``outcome.checks`` as (ok, label) pairs), under one heading."""
    print("\nchecks:")
    for outcome in outcomes:
        for ok, label in outcome.checks:
            print(f"  {check_line(ok, f'{outcome.backend}: {label}')}")


def exit_status(checks_ok: bool, targets_met: bool) -> int:
    """1 when a check failed, 3 when only a target was missed, 0 otherwise."""
    return CHECK_FAILED if not checks_ok else TARGET_MISSED if not targets_met else 0


# -- a scratch store ---------------------------------------------------------


@dataclass(frozen=True)
class ScratchStore:
    """A store that lives for one benchmark run. ``watch`` is (dsn, application name) on PostgreSQL:
    the store's connections carry that name, so pg_stat_activity can tell them from others."""

    url: Any  # dcmaint.store.urls.DatabaseUrl
    watch: tuple[str, str] | None

    @property
    def text(self) -> str:
        return str(self.url.sqlalchemy)


@contextmanager
def scratch_store(backend: str, pg_url: str, name: str) -> Iterator[ScratchStore]:
    """A fresh, empty store: SQLite in a temporary directory, or a private PostgreSQL schema; removed afterwards."""
    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    if backend == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix=f"dcmaint-{name}-"))
        url = parse(f"sqlite:///{workdir / 'dcmaint.db'}")
        try:
            yield ScratchStore(url, None)
        finally:
            engine_for(url).dispose()
            shutil.rmtree(workdir, ignore_errors=True)
        return
    import psycopg

    schema_name = f"bench_{name}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema_name}"')
    url = parse(f"{pg_url}?options=-csearch_path%3D{schema_name}&application_name={schema_name}")
    try:
        yield ScratchStore(url, (pg_url, schema_name))
    finally:
        engine_for(url).dispose()
        with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP SCHEMA "{schema_name}" CASCADE')


@contextmanager
def scratch_home(name: str) -> Iterator[Path]:
    """A temporary directory for a dcmaint home and files, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"dcmaint-{name}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# -- the machine's load ------------------------------------------------------


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine, from /proc/stat: clients and servers share its cores."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values) - values[3] - values[4], sum(values)  # idle and iowait are not busy


def busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the machine's CPU time in use between two readings of :func:`cpu_ticks`."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def load_before() -> str:
    """How busy the machine was in the second before the run: a shared machine's other work skews every figure."""
    before = cpu_ticks()
    time.sleep(1)
    busy = busy_share(before, cpu_ticks())
    return "CPU use unknown" if busy is None else f"{busy:.0%} busy"


# -- client processes --------------------------------------------------------


class Clients:
    """Client processes that run their phases in step: each phase starts when all of them are ready.

    ``target(*args, barrier, results)`` runs in each client, with the ``args`` of its row of
    ``per_client``: it prepares (connects, imports, warms up), then for each phase waits at
    ``barrier`` and puts ``(phase, outcome)`` on ``results``. Clients are forked from a forkserver
    that has imported ``preload`` but opened no connection: a plain fork would share the parent's
    connections, and spawning imports everything again in each client, seconds of CPU for eight of
    them on two cores.
    """

    def __init__(self, target: Callable[..., None], per_client: list[tuple[Any, ...]], preload: list[str]) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(preload)
        self._barrier = context.Barrier(len(per_client) + 1)
        self._results = context.Queue()
        self._processes = [
            context.Process(target=target, args=(*args, self._barrier, self._results)) for args in per_client
        ]

    def __enter__(self) -> Clients:
        for process in self._processes:
            process.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        for process in self._processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()

    def release(self) -> None:
        """Start the next phase once every client is ready for it."""
        try:
            self._barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            raise SystemExit("the clients did not all start: their tracebacks are above") from None

    def outcomes(self) -> list[Any]:
        """One outcome per client for the phase released last; a client that died stops the benchmark."""
        found: list[Any] = []
        while len(found) < len(self._processes):
            try:
                found.append(self._results.get(timeout=1)[1])
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in self._processes):
                    raise SystemExit("a client died: its traceback is above") from None
        return found


def start_simulator(
    kind: str, home: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], list[dict[str, Any]]]:
    """`dcmaint sim KIND OPTIONS --format json` in its own process (environment ``env``, else a clean one in
    ``home``); its endpoints once every device listens: its first line, empty if the simulator gave up."""
    argv = [*dcmaint(), "sim", kind, *options, "--format", "json"]
    environment = env if env is not None else clean_env(home)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    assert process.stdout is not None and process.stderr is not None
    announced = process.stdout.readline()
    if not announced:
        process.wait()
        raise SystemExit(f"simulator did not start: {process.stderr.read()}")
    return process, json.loads(announced)["endpoints"]


def register_devices(env: dict[str, str], site: str, rows: Sequence[tuple[str, str]], workdir: Path) -> None:
    """Devices (name, endpoint) of Redfish servers as a customer's list, the site added and the list imported
    in one transaction; every device's password read from ``BMC_PASSWORD``."""
    sheet = workdir / f"{site}.csv"
    lines = ["name,kind,driver,endpoint,username,credential"]
    lines += [f"{name},server,redfish,{url},admin,env:BMC_PASSWORD" for name, url in rows]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for argv in (["site", "add", site, "--customer", "Benchmark"], ["device", "import", str(sheet), "--site", site]):
        subprocess.run([*dcmaint(), *argv], env=env, check=True, stdout=subprocess.DEVNULL)

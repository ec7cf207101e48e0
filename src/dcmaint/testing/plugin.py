"""pytest plugin shipped with dcmaint (entry point ``pytest11``: ``dcmaint``).

Loaded automatically in any test session where dcmaint is installed, so it
imports nothing heavy until a fixture is used. Fixtures:

- ``driver_manager``: a :class:`~dcmaint.drivers.manager.DriverManager` that
  never discovers installed plugins; register your plugin or driver in it.
- ``make_target``: build a :class:`~dcmaint.drivers.target.Target` with defaults.
- ``run_drivers``: poll targets with a driver through the real runner
  (bounds, deadlines, isolation) and get the PollResults.

Option ``--dcmaint-matrix=FILE``: collect only the conformance kit's checks
and write, per case, what it proved (:mod:`dcmaint.testing.matrix`; read by
``tools/matrix.py`` to render the support matrix). Runs in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from dcmaint.drivers.base import Driver
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.result import PollResult
    from dcmaint.drivers.target import Target


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("dcmaint").addoption(
        "--dcmaint-matrix",
        metavar="FILE",
        default=None,
        help="run only the driver conformance kit's checks and write what each case proved to FILE (JSON)",
    )


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("dcmaint_matrix", None)
    if not path:
        return
    if (config.getoption("numprocesses", None) or 0) and not hasattr(config, "workerinput"):
        raise pytest.UsageError("--dcmaint-matrix reads the kit's outcomes in one process: drop -n (or use -n 0)")
    from pathlib import Path

    from dcmaint.testing.matrix import MatrixCollector  # only now: the kit imports the driver contract

    config.pluginmanager.register(MatrixCollector(Path(path)), "dcmaint-matrix")


@pytest.fixture
def driver_manager() -> DriverManager:
    """A manager with entry points disabled: tests see only what they register, never what is installed."""
    from dcmaint.drivers.manager import DriverManager

    return DriverManager(entry_points=False)


@pytest.fixture
def make_target() -> Callable[..., Target]:
    """``make_target(name="dev-1", kind="server", **fields)``: a Target for tests (no credential by default)."""
    from dcmaint.drivers.target import Target

    def make(name: str = "dev-1", kind: str = "server", **fields: Any) -> Target:
        fields.setdefault("timeout", 5.0)
        return Target(name, kind, **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def run_drivers() -> Callable[..., list[PollResult]]:
    """``run_drivers(driver, targets, timeout=5.0, concurrency=8, progress=None)``: results in target order."""
    from dcmaint.drivers.runner import PollJob, run_jobs

    def run(
        driver: Driver, targets: Iterable[Target], *, timeout: float = 5.0, concurrency: int = 8, progress: Any = None
    ) -> list[PollResult]:
        jobs = [PollJob(target, driver) for target in targets]
        return run_jobs(jobs, concurrency=concurrency, timeout=timeout, progress=progress)

    return run

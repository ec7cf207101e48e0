"""benchmarks/startup.py still runs: a smoke-size home, every figure line printed, no device library imported.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "median of 3 runs, ",
    "python -c 'import typer' (baseline) ",
    "dcmaint --help ",
    "dcmaint device list --format json (100 devices) ",
    "device libraries imported by dcmaint --help: none",
    "device libraries imported by dcmaint device list --format json (100 devices): none",
    "target: at most 3x the baseline, no device library -> ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("startup.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

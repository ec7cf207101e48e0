"""benchmarks/import.py still runs: a smoke-size list against a smaller one, every figure line and check printed.

No timing or memory figure is asserted: exit status 3 (a target missed) is
accepted, only a failed check (1) or a crash fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "device import: a 1 MB list against a 0.1 MB one; ",
    "  sqlite     baseline ",
    "  sqlite     big ",
    " the peak memory, ",
    "PASS sqlite baseline: ",
    "PASS sqlite big: ",
    "PASS sqlite big: db check passes",
    "PASS sqlite one bad row (row ",
    "target: the big list's peak memory at most 1.25x the baseline's -> ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("import.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

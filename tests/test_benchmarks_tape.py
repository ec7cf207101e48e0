"""benchmarks/tape.py still runs: a few simulated BMCs polled live, recorded and replayed, every figure printed.

No timing figure is asserted: exit status 3 (a target missed) is accepted, only an unfaithful replay (1)
or a crash fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "6 simulated BMCs (every flavour), 5 ms added to every answer, 1 rounds; ",
    "baseline, a live poll with nothing listening: median ",
    "recording (dcmaint record): median ",
    " exchanges kept, ",
    "replay (dcmaint.testing): median ",
    "tape.deck_for with nothing listening: ",
    "PASS every replay gives the live report: 6 of 6",
    "targets: ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("tape.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

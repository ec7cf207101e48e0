"""benchmarks/health_fleet.py still runs: a smoke-size fleet of simulated BMCs, every figure line printed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
device that did not answer (1) or a crash fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "20 simulated BMCs, 5 ms added to every request, ",
    "dcmaint health (concurrency 1000):",
    "  wall ",
    "  devices by status: ",
    "baseline, redfish library one device after another: ",
    "floor: the request chain is ",
    "speed-up over the baseline: ",
    "PASS every device answered: 20 of 20",
    "targets: ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("health_fleet.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

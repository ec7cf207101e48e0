"""benchmarks/snmp.py still runs: a smoke-size fleet of simulated UPS agents, every figure line printed.

No timing figure is asserted: exit status 3 (a target missed) is accepted, only a device that did not
answer (1) or a crash fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "30 simulated ups-apc agents, 0 ms added to every answer, ",
    "dcmaint health (concurrency 256):",
    " ms per device)   peak memory ",
    "  devices by status: {'ok': 30, 'warning': 0, 'critical': 0, 'unknown': 0}",
    "baseline, an engine per device, one after another: ",
    "speed-up over the baseline: ",
    "PASS every device answered: 30 of 30",
    "targets: ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("snmp.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

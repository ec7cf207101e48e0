"""benchmarks/spares.py still runs: a smoke-size depot on each backend, every figure line printed, every check passed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

import pytest

from tests.helpers import run_benchmark

FIGURES = [
    "spare match (slots_for + match, limit 5), ",
    "  faulty slot, spare at its own site ",
    "  all ",
    "target: median under 50 ms -> ",
    "baseline, every stock unit and the catalogue read and filtered in Python, ",
    "  1 client : ",
    "  8 clients: ",
    "  race: 8 clients, ",
    "summary:",
]
CHECKS = [
    "PASS the baseline's answers equal spare match's",
    "PASS no client error: 0",
    "PASS race: ",
    "PASS nothing lost: ",
    "PASS no spare installed twice: ",
    "PASS every unit installed here has exactly one swap: ",
    "PASS no doubled swap: ",
    "PASS every swap put the removed part in custody: ",
    "PASS audit chain intact (dcmaint db check): ",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_quick_run_prints_every_figure(backend, request):
    pg_url = request.getfixturevalue("postgres") if backend == "postgresql" else "postgresql://unused"
    done = run_benchmark("spares.py", "--backend", backend, "--pg-url", pg_url)
    for line in FIGURES + CHECKS:
        assert line in done.stdout, (line, done.stdout)
    if backend == "postgresql":
        assert "connection(s), mean per 50 ms sample: " in done.stdout

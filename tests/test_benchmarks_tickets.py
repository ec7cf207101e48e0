"""benchmarks/tickets.py still runs: a smoke-size store on each backend, every figure line printed, every check passed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

import pytest

from tests.helpers import run_benchmark

FIGURES = [
    "ticket list --breaching-within 2h: median ",
    "without ix_tickets_due: median ",
    "report kpi --month ",
    "without ix_tickets_verified: median ",
    "end to end, `dcmaint ticket list --breaching-within 2h --format json`: ",
    "end to end, `dcmaint report kpi --month ",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_quick_run_prints_every_figure(backend, request):
    pg_url = request.getfixturevalue("postgres") if backend == "postgresql" else "postgresql://unused"
    done = run_benchmark("tickets.py", "--backend", backend, "--pg-url", pg_url)
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)
    assert f"PASS {backend}: kpi: the command's JSON equals the query's" in done.stdout
    if backend == "postgresql":
        assert "target under 300 ms" in done.stdout and "target under 2000 ms" in done.stdout

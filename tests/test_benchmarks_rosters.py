"""benchmarks/rosters.py still runs: a smoke-size store on each backend, every figure printed, every check passed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

import pytest

from tests.helpers import run_benchmark

FIGURES = [
    "roster who --site bench --at T: median ",
    "roster check over 2026: median ",
    "end to end, `dcmaint roster who --site bench",
    "end to end, `dcmaint roster check --site bench`",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_quick_run_prints_every_figure(backend, request):
    pg_url = request.getfixturevalue("postgres") if backend == "postgresql" else "postgresql://unused"
    done = run_benchmark("rosters.py", "--backend", backend, "--pg-url", pg_url)
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)
    assert f"PASS {backend}: check: the planted gap is found, and no other" in done.stdout
    assert "target under 50 ms" in done.stdout and "target under 1000 ms" in done.stdout

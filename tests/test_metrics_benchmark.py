"""benchmarks/metrics.py still runs: a smoke-size recorded fleet scraped through `dcmaint serve-metrics`.

No timing is asserted: exit status 3 (a target missed) is accepted; a device
whose recorded status is not served, or a crash, fails the test.
"""

from __future__ import annotations

from tests.helpers import run_benchmark

FIGURES = [
    "20 simulated BMCs (every10:psu:2=critical), 3 scrapes; ",
    "baseline, health --record --open-tickets --format prometheus (live poll): ",
    "serve-metrics scrape over HTTP: median ",
    "the exporter's own dcmaint_scrape_duration_seconds: median ",
    "where it goes (in process, medians): store read ",
    "PASS every device's recorded status served: 20",
    "PASS dcmaint_store_up is 1",
    "targets: ",
]


def test_quick_run_prints_every_figure():
    done = run_benchmark("metrics.py")
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)

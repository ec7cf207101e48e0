"""``dcmaint collect``: real collector processes polling simulated BMCs over HTTP into both stores.

Each test starts ``dcmaint collect`` as a process of its own and reads its
log lines as they come (tests/collector_process.py); the BMCs are
``dcmaint_redfish.sim`` devices; the database restart is a TCP proxy
(tests/tcp_proxy.py) cut between the collector and PostgreSQL.
"""

from __future__ import annotations

import re
import signal
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from dcmaint.drivers.runner import STOP_GRACE
from dcmaint.drivers.simulators import SimulatorOptions
from tests.collector_process import Collector, run_line
from tests.helpers import audit, counts, race

FAULTS = "bmc2:psu:2=critical"


@pytest.fixture
def bmcs():
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=3, faults=FAULTS, flavours=("generic",))) as sim:
        yield sim


def register(cli, endpoints, site: str = "lab") -> None:
    cli.ok("site", "add", site, "--customer", "Lab")
    for n, endpoint in enumerate(endpoints, 1):
        cli.ok(
            "device", "add", f"bmc{n}", "--site", site, "--kind", "server", "--driver", "redfish",
            "--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip


@pytest.fixture
def room(cli, bmcs, monkeypatch):
    """Three registered BMCs at site lab, never polled; bmc2's PSU 2 has failed."""
    monkeypatch.setenv("BMC_PW", "any-password")
    register(cli, bmcs.endpoints)
    return cli


def began(line) -> float:
    """When the run of a run line started: the line comes when it ends, after polling and recording."""
    found = re.search(r"poll=([\d.]+)s record=([\d.]+)s", line.text)
    return line.at - float(found.group(1)) - float(found.group(2))


def _open_faults_and_tickets(cli) -> tuple[int, int]:
    faults = [
        f for d in ("bmc1", "bmc2", "bmc3") for f in cli.ok("device", "show", d, "-f", "json").json()["open_faults"]
    ]
    return len(faults), len(cli.ok("ticket", "list", "--format", "json").json())


def test_runs_on_schedule_record_and_sigterm_stops_at_once(room, db_url, home):
    with Collector(db_url, home, "--site", "lab", "--every", "10s", "--jitter", "0", "--open-tickets") as collector:
        first = collector.wait_for(run_line)
        assert "devices=3 ok=2 warning=0 critical=1 unknown=0 opened=1 closed=0 tickets=1 skipped=0" in first.text
        second = collector.wait_for(run_line)
        assert "opened=0 closed=0 tickets=0 skipped=0 kept=0" in second.text  # the same fault: nothing new
        assert 9.5 <= began(second) - began(first) <= 11.0, (first, second)  # runs start on the 10 s ticks
        stopped_at = time.monotonic()
        code = collector.stop(signal.SIGTERM)
    assert code == 0, collector.lines
    assert collector.lines[-1].at - stopped_at < 2.0  # the last line at once; the exit follows (interpreter shutdown)
    assert time.monotonic() - stopped_at < 4.0
    assert collector.lines[-1].text == "collect site=lab: stopped (terminated) after 2 runs, 0 results not written"
    assert _open_faults_and_tickets(room) == (1, 1)
    assert room.ok("db", "check", "--format", "json").json()["ok"]


def test_ctrl_c_while_a_device_hangs_abandons_the_run_and_writes_nothing(cli, db_url, home, monkeypatch):
    from dcmaint_redfish.sim import running

    monkeypatch.setenv("BMC_PW", "any-password")
    with running(SimulatorOptions(count=2, faults="bmc2:hang", flavours=("generic",))) as sim:
        register(cli, sim.endpoints)
        before = counts(db_url)
        with Collector(db_url, home, "--site", "lab", "--every", "10s", "--jitter", "0") as collector:
            collector.wait_for(lambda line: "every 10s" in line.text)
            time.sleep(1.5)  # the run is polling: bmc1 answered, bmc2 hangs
            stopped_at = time.monotonic()
            code = collector.stop(signal.SIGINT)
        assert code == 0, collector.lines
        assert time.monotonic() - stopped_at < STOP_GRACE + 2  # the polls in flight log out first, as health's do
        assert collector.lines[-1].text.endswith("stopped (interrupted) after 0 runs, 0 results not written")
        assert counts(db_url) == before


def test_a_run_longer_than_the_interval_delays_the_next_and_skips_the_missed_tick(
    cli, db_url, home, monkeypatch, tmp_path
):
    from dcmaint_redfish.sim import running

    config = tmp_path / "config.toml"
    config.write_text("[runner]\ntimeout = 18\n", encoding="utf-8")  # the hung BMC holds each run about 15 s
    monkeypatch.setenv("BMC_PW", "any-password")
    with running(SimulatorOptions(count=2, faults="bmc2:hang", flavours=("generic",))) as sim:
        register(cli, sim.endpoints)
        with Collector(db_url, home, "--site", "lab", "--every", "10s", "--jitter", "0", config=config) as collector:
            first = collector.wait_for(run_line, within=30)
            missed = collector.wait_for(lambda line: "ticks skipped" in line.text)
            second = collector.wait_for(run_line, within=40)
            collector.stop(signal.SIGTERM)
    assert "devices=2 ok=1 warning=0 critical=0 unknown=1" in first.text, collector.lines
    assert (
        float(re.search(r"poll=([\d.]+)s", first.text).group(1)) >= 12
    )  # longer than the interval: it waited for the hung BMC
    assert missed.text.endswith("the run outlasted the interval, 1 ticks skipped")  # the tick at 10 s, once
    assert began(second) >= first.at - 0.5  # the second run began only after the first ended...
    assert began(second) - began(first) < 2 * 10 + 1  # ...at the first tick still ahead (20 s), not later
    between = collector.lines[collector.lines.index(first) : collector.lines.index(second)]
    assert sum("ticks skipped" in line.text for line in between) == 1


def test_a_database_restart_keeps_the_results_and_writes_them_once_it_is_back(
    cli_sqlite, bmcs, pg_schema_url, home, monkeypatch
):
    """PostgreSQL only: a shared store is where collectors meet a restart."""
    from tests.tcp_proxy import proxy

    monkeypatch.setenv("DCMAINT_DB_URL", pg_schema_url)  # the test's own commands go straight to the database
    monkeypatch.setenv("BMC_PW", "any-password")
    room = cli_sqlite
    register(room, bmcs.endpoints)

    with proxy(("127.0.0.1", 5432)) as pg:
        url = pg_schema_url.replace("127.0.0.1:5432", f"127.0.0.1:{pg.port}")
        with Collector(url, home, "--site", "lab", "--every", "10s", "--jitter", "0", "--open-tickets") as collector:
            collector.wait_for(run_line)
            cut_at = datetime.now(UTC)
            pg.cut()
            failed = collector.wait_for(lambda line: "cannot record 3 results" in line.text, within=20)
            kept = collector.wait_for(run_line)
            assert "kept=3" in kept.text and "devices=3" in kept.text
            restored_at = datetime.now(UTC)
            pg.restore()
            written = collector.wait_for(lambda line: "kept results written" in line.text, within=60)
            assert written.at > failed.at
            assert collector.stop(signal.SIGTERM) == 0
    for device in ("bmc1", "bmc2", "bmc3"):  # the polls made while the database was away, written once it was back
        polled = room.ok("device", "show", device, "-f", "json").json()["last_poll"]["polled_at"]
        assert cut_at < datetime.fromisoformat(polled) < restored_at, device
    assert _open_faults_and_tickets(room) == (1, 1)
    assert room.ok("db", "check", "--format", "json").json()["ok"]


def test_a_device_another_collector_just_polled_is_skipped(room, db_url, home, tmp_path):
    log = tmp_path / "collect.log"
    argv = ("--site", "lab", "--every", "1m", "--jitter", "0", "--runs", "1", "--open-tickets")  # fresh for 1 min
    with Collector(db_url, home, *argv, log_file=log) as first:
        assert first.wait() == 0
    logged = [  # the same lines, time-stamped, in the --log-file (beside other loggers' lines)
        line.partition(" INFO dcmaint.collect: ")[2]
        for line in log.read_text(encoding="utf-8").splitlines()
        if " INFO dcmaint.collect: " in line
    ]
    assert [line.text for line in first.lines] == logged
    entries = len(audit(db_url))
    with Collector(db_url, home, "--every", "1m", "--jitter", "0", "--runs", "1", "--open-tickets") as second:
        assert second.wait() == 0
    assert "devices=0" in second.runs()[0].text and "skipped=3" in second.runs()[0].text
    assert len(audit(db_url)) == entries
    assert _open_faults_and_tickets(room) == (1, 1)


def test_two_collectors_at_the_same_instant_record_each_fault_once(room, db_url, home):
    argv = ["collect", "--site", "lab", "--every", "10s", "--jitter", "0", "--runs", "1", "--open-tickets"]
    results = race(db_url, home, [argv, argv])
    assert [code for code, _err in results] == [0, 0], results
    assert _open_faults_and_tickets(room) == (1, 1)
    actions = Counter((e.entity, e.action) for e in audit(db_url))
    assert actions[("fault", "open")] == 1 and actions[("ticket", "new")] == 1, actions


def test_the_unit_file_is_printed_from_the_package(cli_sqlite):
    from dcmaint.paths import bundled

    shown = cli_sqlite.ok("collect", "--print-unit").out
    assert shown == bundled("deploy").joinpath("dcmaint-collect@.service").read_text(encoding="utf-8")
    assert "KillSignal=SIGTERM" in shown and "Restart=on-failure" in shown and "NoNewPrivileges=yes" in shown


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--every", "5s"], "'5s'"),
        (["--every", "soon"], "'soon'"),
        (["--every", "5m", "--jitter", "3m"], "--jitter"),
        (["--every", "5m", "--site", "nowhere"], "'nowhere'"),
        ([], "--every"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(room, db_url, argv, named):
    before = counts(db_url)
    result = room("collect", *argv)
    assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result
    assert counts(db_url) == before

"""`dcmaint serve-metrics`: a real exporter process, scraped over HTTP and read with Prometheus' own text parser.

A simulated fleet is polled and recorded (`health --record --open-tickets`),
tickets are started (one long past its SLA), the depot is short of the PSUs
it holds; then the exporter runs as a process of its own on a free port and
every value it serves is checked against the store, on SQLite and PostgreSQL.
Scraping never polls: the simulated BMCs see no request while it is scraped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.store.reader import as_datetime, open_reader
from dcmaint.store.urls import parse

FAULTS = "bmc1:psu:2=critical,bmc2:disk:1=critical,bmc3:http=401"
CATALOGUE = """
[[part]]
part_number = "SIM-PSU-800"
vendor = "Sim"
description = "800W PSU"
class = "psu"
annual_failure_rate = 0.5
lead_time_days = 365
"""


@pytest.fixture
def bmcs():
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=4, faults=FAULTS, flavours=("generic",))) as sim:
        yield sim


@pytest.fixture
def fleet(cli, bmcs, tmp_path, monkeypatch):
    """Sites lab (bmc1-3: a broken PSU, a broken disk, a BMC refusing the login) and annex (bmc4, healthy),
    recorded with tickets; lab's first ticket started 20 h ago (past its 12 h), its second just now."""
    monkeypatch.setenv("BMC_PW", "any-password")
    cli.ok("site", "add", "lab", "--customer", "Lab", "--timezone", "UTC")
    cli.ok("site", "add", "annex", "--customer", "Lab", "--timezone", "UTC")
    for n, endpoint in enumerate(bmcs.endpoints, 1):
        cli.ok(
            "device", "add", f"bmc{n}", "--site", "lab" if n < 4 else "annex", "--kind", "server",
            "--driver", "redfish", "--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip
    recorded = cli("health", "--record", "--open-tickets", "--timeout", "30", "--format", "json")
    assert recorded.code == 2, recorded.err  # CRITICAL
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    monitoring = sorted(t["ref"] for t in cli.ok("ticket", "list", "--format", "json").json())
    long_ago = (datetime.now(UTC) - timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M")
    called = cli.ok(
        "ticket", "new", "--site", "lab", "--device", "bmc3", "--description", "BMC refuses the login",
        "--reported", long_ago, "--format", "json",
    ).json()["ref"]  # fmt: skip
    cli.ok("ticket", "assign", called, "--to", "li.na", "--at", long_ago)
    cli.ok("ticket", "start", called, "--at", long_ago)  # 20 h of a 12 h target: breaching
    cli.ok("ticket", "assign", monitoring[0], "--to", "li.na")
    cli.ok("ticket", "start", monitoring[0])  # running; the other monitoring ticket is not started
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    return cli


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Exporter:
    process: subprocess.Popen[str]
    url: str

    def scrape(self) -> dict[str, list[tuple[dict[str, str], float]]]:
        """Every sample served, by sample name, parsed by prometheus_client's text parser."""
        from prometheus_client.parser import text_string_to_metric_families

        with urllib.request.urlopen(self.url, timeout=30) as answer:
            body = answer.read().decode("utf-8")
        found: dict[str, list[tuple[dict[str, str], float]]] = {}
        for family in text_string_to_metric_families(body):
            for sample in family.samples:
                found.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
        return found

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _out, err = self.process.communicate(timeout=30)
        return self.process.returncode, err


@contextmanager
def exporter(db_url: str, home: Path, *args: str) -> Iterator[Exporter]:
    """``dcmaint serve-metrics`` as a process of its own, once it says it listens; stopped by SIGTERM after."""
    port = _free_port()
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dcmaint", "serve-metrics", "--listen", f"127.0.0.1:{port}", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()  # the one line it logs once it listens
        assert f"http://127.0.0.1:{port}/metrics" in line, line + process.stderr.read()
        yield Exporter(process, f"http://127.0.0.1:{port}/metrics")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def _store(db_url: str, sql: str) -> list[dict[str, object]]:
    with open_reader(parse(db_url)) as reader:
        return [dict(zip(row.keys(), row, strict=True)) for row in reader.rows(sql)]  # type: ignore[attr-defined]


def _by_device(samples: list[tuple[dict[str, str], float]]) -> dict[str, float]:
    return {labels["device"]: value for labels, value in samples}


CODES = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}


def test_scrape_shows_the_recorded_fleet_as_the_store_holds_it(fleet, bmcs, db_url, home):
    polls = _store(
        db_url,
        "SELECT d.name AS device, s.name AS site, p.status, p.error, p.duration, p.polled_at FROM device_polls p "
        "JOIN devices d ON d.id = p.device_id JOIN sites s ON s.id = d.site_id",
    )
    with exporter(db_url, home) as served:
        requests = [bmc.requests for bmc in bmcs.bmcs]
        first, second = served.scrape(), served.scrape()
        assert [bmc.requests for bmc in bmcs.bmcs] == requests  # scraping never polls
        code, err = served.stop()
    assert code == 0, err

    assert _by_device(first["dcmaint_device_status"]) == {p["device"]: CODES[str(p["status"])] for p in polls}
    assert _by_device(first["dcmaint_device_status"]) == {"bmc1": 2, "bmc2": 2, "bmc3": 3, "bmc4": 0}
    assert {labels["device"]: labels["site"] for labels, _v in first["dcmaint_device_status"]} == {
        "bmc1": "lab", "bmc2": "lab", "bmc3": "lab", "bmc4": "annex"
    }  # fmt: skip
    assert {labels["driver"] for labels, _v in first["dcmaint_device_status"]} == {"redfish"}
    assert _by_device(first["dcmaint_device_up"]) == {"bmc1": 1, "bmc2": 1, "bmc3": 0, "bmc4": 1}
    (error,) = first["dcmaint_poll_error"]
    assert (error[0]["device"], error[0]["error"], error[1]) == (
        "bmc3",
        next(p["error"] for p in polls if p["error"]),
        1,
    )
    durations = _by_device(first["dcmaint_poll_duration_seconds"])
    assert durations == pytest.approx({p["device"]: float(p["duration"]) for p in polls})  # type: ignore[arg-type]
    stamps = _by_device(first["dcmaint_last_poll_timestamp_seconds"])
    assert stamps == pytest.approx({p["device"]: as_datetime(p["polled_at"]).timestamp() for p in polls})
    ages = _by_device(first["dcmaint_seconds_since_last_poll"])
    assert (
        all(0 <= ages[d] < 600 for d in ages)
        and _by_device(second["dcmaint_seconds_since_last_poll"])["bmc1"] >= ages["bmc1"]
    )

    parts = first["dcmaint_component_status"]
    stored = _store(
        db_url,
        "SELECT d.name AS device, c.kind, c.location, c.part_number, c.serial, c.health FROM components c "
        "JOIN devices d ON d.id = c.device_id WHERE c.health <> 'absent'",
    )
    assert sorted(
        (lb["device"], lb["kind"], lb["location"], lb["part_number"], lb["serial"], v) for lb, v in parts
    ) == sorted(
        (c["device"], c["kind"], c["location"], c["part_number"] or "", c["serial"] or "", CODES[str(c["health"])])
        for c in stored
    )
    broken = {(lb["device"], lb["kind"], lb["location"]) for lb, v in parts if v == 2}
    assert broken == {("bmc1", "psu", "PSU 2"), ("bmc2", "disk", "Bay 1")}

    faults = {(lb["device"], lb["health"]): v for lb, v in first["dcmaint_faults"]}
    assert faults == {("bmc1", "critical"): 1, ("bmc2", "critical"): 1}
    opened = _store(db_url, "SELECT d.name AS device, f.first_seen FROM faults f JOIN devices d ON d.id = f.device_id")
    oldest = {lb["device"]: v for lb, v in first["dcmaint_fault_oldest_first_seen_timestamp_seconds"]}
    assert oldest == pytest.approx({f["device"]: as_datetime(f["first_seen"]).timestamp() for f in opened})

    clocks = {(lb["site"], lb["state"]): v for lb, v in first["dcmaint_sla_clocks"]}
    assert clocks == {
        ("lab", "running"): 1, ("lab", "paused"): 0, ("lab", "breaching"): 1,
        ("annex", "running"): 0, ("annex", "paused"): 0, ("annex", "breaching"): 0,
    }  # fmt: skip
    tickets = fleet.ok("ticket", "list", "--format", "json").json()
    running = next(t for t in tickets if t["sla"] == "running")
    late = next(t for t in tickets if t["sla"] == "breached")
    (due,) = first["dcmaint_sla_next_due_timestamp_seconds"]
    assert due[1] == pytest.approx(datetime.fromisoformat(running["sla_due_at"]).timestamp(), abs=1)
    (overdue,) = first["dcmaint_sla_overdue_seconds"]
    assert overdue[0] == {"site": "lab"} and overdue[1] == pytest.approx(late["sla_breached_by"], abs=60)

    levels = fleet.ok("spare", "levels", "--site", "lab", "--format", "json").json()
    short = [(line["part_number"], line["shortfall"]) for line in levels if line["status"] == "short"]
    assert short == [("SIM-PSU-800", levels[0]["recommended"])] and short[0][1] > 0  # nothing on hand
    served_short = [(lb["site"], lb["part_number"], lb["part_class"], v) for lb, v in first["dcmaint_depot_shortfall"]]
    assert ("lab", "SIM-PSU-800", "psu", short[0][1]) in served_short
    assert {lb["site"]: v for lb, v in first["dcmaint_depot_short_parts"]}["lab"] == 1

    assert first["dcmaint_store_up"] == [({}, 1)]
    assert first["dcmaint_store_read_errors_total"] == [({}, 0)]
    assert 0 < first["dcmaint_scrape_duration_seconds"][0][1] < 60


def test_site_limits_every_series_to_that_site(fleet, db_url, home):
    with exporter(db_url, home, "--site", "annex") as served:
        scraped = served.scrape()
        assert served.stop()[0] == 0
    assert _by_device(scraped["dcmaint_device_status"]) == {"bmc4": 0}
    assert {lb["device"] for lb, _v in scraped["dcmaint_component_status"]} == {"bmc4"}
    assert "dcmaint_faults" not in scraped  # annex's one device is healthy
    assert {lb["site"] for lb, _v in scraped["dcmaint_sla_clocks"]} == {"annex"}
    assert {lb["site"] for lb, _v in scraped["dcmaint_depot_short_parts"]} == {"annex"}


@contextmanager
def _unreadable(db_url: str) -> Iterator[None]:
    """The store cannot be read meanwhile: SQLite's file is gone, PostgreSQL's schema is renamed away."""
    url = parse(db_url)
    if url.backend == "sqlite":  # the file and its WAL moved away (the WAL may hold every page), then back
        files = [url.sqlite_path.with_name(url.sqlite_path.name + end) for end in ("", "-wal", "-shm")]
        moved = [path for path in files if path.exists()]
        for path in moved:
            path.rename(path.with_name(path.name + ".away"))
        try:
            yield
        finally:
            for path in moved:
                path.with_name(path.name + ".away").rename(path)
        return
    import psycopg

    from tests.conftest import PG_URL

    schema = db_url.rsplit("%3D", 1)[1]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_away"')
        try:
            yield
        finally:
            admin.execute(f'ALTER SCHEMA "{schema}_away" RENAME TO "{schema}"')


def test_a_store_that_cannot_be_read_is_store_up_0_not_a_crash(cli, db_url, home):
    cli.ok("site", "add", "lab", "--customer", "Lab")
    with exporter(db_url, home) as served:
        assert served.scrape()["dcmaint_store_up"] == [({}, 1)]
        with _unreadable(db_url):
            down = served.scrape()
            assert served.scrape()["dcmaint_store_read_errors_total"] == [({}, 2)]
        again = served.scrape()
        code, err = served.stop()
    assert code == 0, err
    assert down["dcmaint_store_up"] == [({}, 0)] and down["dcmaint_store_read_errors_total"] == [({}, 1)]
    assert "dcmaint_device_status" not in down and "dcmaint_scrape_duration_seconds" in down
    assert again["dcmaint_store_up"] == [({}, 1)] and again["dcmaint_store_read_errors_total"] == [({}, 2)]
    assert err.count("cannot read the store") == 2


def test_a_missing_sqlite_store_is_not_created(home, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'nowhere' / 'dcmaint.db'}"
    with exporter(url, home) as served:
        scraped = served.scrape()
        assert served.stop()[0] == 0
    assert scraped["dcmaint_store_up"] == [({}, 0)]
    assert not (tmp_path / "nowhere").exists()


def test_ctrl_c_stops_it_too(cli, db_url, home):
    with exporter(db_url, home) as served:
        served.process.send_signal(signal.SIGINT)
        _out, err = served.process.communicate(timeout=30)
    assert served.process.returncode == 0, err


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("9464", "'9464'"),
        ("127.0.0.1:0", "'127.0.0.1:0'"),
        ("127.0.0.1:65536", "'127.0.0.1:65536'"),
        ("127.0.0.1:http", "'127.0.0.1:http'"),
        ("::1:9464", "'::1:9464'"),
        ("[not-v6]:9464", "'[not-v6]:9464'"),
        ("[fe80::zz]:9464", "'[fe80::zz]:9464'"),
    ],
)
def test_bad_listen_is_one_line_and_exit_2(cli_sqlite, value, named):
    result = cli_sqlite("serve-metrics", "--listen", value)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and named in result.err and "--listen" in result.err


def test_a_port_in_use_is_one_line_and_exit_2(cli_sqlite):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli_sqlite("serve-metrics", "--listen", f"127.0.0.1:{port}")
    assert result.code == 2
    assert result.err.strip().splitlines() == [result.err.strip()] and f"127.0.0.1:{port}" in result.err


def test_an_unknown_site_is_refused_before_listening(cli):
    cli.ok("site", "add", "lab", "--customer", "Lab")
    result = cli("serve-metrics", "--listen", f"127.0.0.1:{_free_port()}", "--site", "nowhere")
    assert result.code == 2 and "'nowhere'" in result.err


def test_ipv6_loopback(cli, db_url, home):
    cli.ok("site", "add", "lab", "--customer", "Lab")
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            port = probe.getsockname()[1]
    except OSError as missing:
        pytest.skip(f"no IPv6 loopback: {missing}")
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dcmaint", "serve-metrics", "--listen", f"[::1]:{port}"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    served = Exporter(process, f"http://[::1]:{port}/metrics")
    try:
        assert process.stderr is not None and f"http://[::1]:{port}/metrics" in process.stderr.readline()
        assert served.scrape()["dcmaint_store_up"] == [({}, 1)]
    finally:
        assert served.stop()[0] == 0


def test_prometheus_client_is_imported_only_to_serve():
    """`dcmaint --help` and `dcmaint serve-metrics --help` do not pay for prometheus_client (nor the store)."""
    for argv in (["--help"], ["serve-metrics", "--help"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dcmaint", *argv], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
        assert not imported & {"prometheus_client", "sqlalchemy", "psycopg"}, argv

"""Concurrent collectors: several `health --record --open-tickets` runs over the same devices at once.

Each recorder is a real process, released at the same instant (tests/helpers.py
``race_outputs``), polling simulated BMCs over HTTP. Every one must end like a
lone run (the health exit code, its report on stdout) and the store must hold
each fault once, at most one ticket per fault, and an intact audit chain:
docs/health.md, "Concurrent collectors are safe".
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.store.models.health import FaultRow
from tests.helpers import audit, race_outputs

FAULTS = "bmc1:psu:2=critical,bmc2:disk:1=critical,bmc3:fan:1=critical"
DEVICES = 8  # the first three broken, the others healthy: more rows written, a wider window for a collision
RECORDERS = 4


@pytest.fixture
def bmcs():
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=DEVICES, faults=FAULTS, flavours=("generic",))) as sim:
        yield sim


@pytest.fixture
def room(cli, bmcs, monkeypatch):
    """Registered BMCs, never polled; three have one broken part each."""
    monkeypatch.setenv("BMC_PW", "any-password")
    cli.ok("site", "add", "lab", "--customer", "Lab")
    for n, endpoint in enumerate(bmcs.endpoints, 1):
        cli.ok(
            "device", "add", f"bmc{n}", "--site", "lab", "--kind", "server", "--driver", "redfish",
            "--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip
    return cli


def _faults(db_url: str) -> list[tuple[int, str, str, bool]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    with Session(engine_for(parse(db_url))) as session:
        rows = session.scalars(select(FaultRow))
        return [(r.device_id, r.kind, r.location, r.closed_at is None) for r in rows]


def _recorders(db_url, home) -> list[tuple[int, str, str]]:
    argv = ["health", "--record", "--open-tickets", "--format", "json", "--timeout", "30"]
    return race_outputs(db_url, home, [argv] * RECORDERS)


def _assert_each_ran_like_a_lone_run(results) -> None:
    for code, out, err in results:
        assert code == 2, (code, err)  # CRITICAL: the broken parts, never 3
        devices = json.loads(out)["devices"]
        statuses = {d["name"]: d["status"] for d in devices}
        assert sorted(statuses) == sorted(f"bmc{n}" for n in range(1, DEVICES + 1)), out
        assert [statuses[f"bmc{n}"] for n in (1, 2, 3)] == ["critical"] * 3, out


def _assert_store_holds_each_fault_once(cli, db_url) -> None:
    faults = _faults(db_url)
    assert len(faults) == 3, faults  # one per broken part, none twice, none closed and reopened
    assert all(is_open for *_slot, is_open in faults)
    assert Counter((d, k, loc) for d, k, loc, _open in faults).most_common(1)[0][1] == 1
    tickets = cli.ok("ticket", "list", "--format", "json").json()
    assert len(tickets) == 3, tickets  # one monitoring ticket per fault
    actions = Counter((e.entity, e.action) for e in audit(db_url))
    assert actions[("fault", "open")] == 3 and actions[("fault", "close")] == 0, actions
    assert actions[("ticket", "new")] == 3, actions
    assert cli.ok("db", "check", "--format", "json").json()["ok"]


def test_four_recorders_on_devices_never_polled(room, db_url, home):
    results = _recorders(db_url, home)
    _assert_each_ran_like_a_lone_run(results)
    _assert_store_holds_each_fault_once(room, db_url)


def test_four_recorders_on_devices_polled_before(room, db_url, home):
    first = room("health", "--record", "--open-tickets", "--format", "json")
    assert first.code == 2, first.err
    results = _recorders(db_url, home)
    _assert_each_ran_like_a_lone_run(results)
    _assert_store_holds_each_fault_once(room, db_url)
    shown = room.ok("device", "show", "bmc1", "--format", "json").json()
    assert [f["location"] for f in shown["open_faults"]] == ["PSU 2"]


# --- idempotence, in this process: the same poll twice, and a slower collector's older poll ----------------------


def _run(when, *components):
    from dcmaint.drivers import Component, DeviceIdentity, DeviceReport, Health
    from dcmaint.drivers.result import PollResult
    from dcmaint.services.health import HealthRun

    parts = [Component(kind, location, Health(health), reason=health) for kind, location, health in components]
    result = PollResult.success("srv01", "scenario", DeviceReport(DeviceIdentity(serial="CZ1"), components=parts),
                                0.1, when, site="hq")  # fmt: skip
    return HealthRun((result,), when, when)


@pytest.fixture
def collector(cli, db_url):
    from dcmaint.services.context import Context
    from dcmaint.store.urls import parse

    cli.ok("site", "add", "hq", "--customer", "Bank")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    return Context(parse(db_url), actor="collector-hq", command="collect")


def test_recording_the_same_poll_twice_changes_nothing_the_second_time(collector, cli, db_url):
    from datetime import UTC, datetime

    from dcmaint.services.recording import record_run

    run = _run(datetime(2026, 12, 1, 8, tzinfo=UTC), ("psu", "PSU 2", "critical"))
    first, tickets = record_run(collector, run, open_tickets=True)
    assert (first.opened, len(tickets)) == (1, 1)
    entries = len(audit(db_url))
    again, more = record_run(collector, run, open_tickets=True)
    assert (again.devices, again.opened, again.closed, again.still_open, more) == (1, 0, 0, 1, ())
    assert len(audit(db_url)) == entries and len(_faults(db_url)) == 1
    assert len(cli.ok("ticket", "list", "--format", "json").json()) == 1


def test_an_older_poll_recorded_late_neither_reopens_nor_moves_last_seen_back(collector, cli, db_url):
    from datetime import UTC, datetime

    from dcmaint.services.recording import record_run

    early, late = datetime(2026, 12, 1, 8, tzinfo=UTC), datetime(2026, 12, 1, 9, tzinfo=UTC)
    record_run(collector, _run(late, ("psu", "PSU 2", "ok")), open_tickets=True)  # the quicker collector
    stale, tickets = record_run(collector, _run(early, ("psu", "PSU 2", "critical")), open_tickets=True)
    assert (stale.opened, tickets) == (0, ())
    assert _faults(db_url) == []
    shown = cli.ok("device", "show", "srv01", "--format", "json").json()
    assert shown["last_poll"]["polled_at"].startswith("2026-12-01T09:00")

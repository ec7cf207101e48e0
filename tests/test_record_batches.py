"""`health --record` in batches: chunks of devices, one transaction each, behave as one run recorded whole.

Two sites hold the same devices; the same polls are recorded into one with
two devices per transaction and into the other with the whole run in one,
and must leave the same faults, installed base and audit entries (docs/health.md,
"Recording at fleet scale"). A run of hundreds of devices is recorded with a
bounded number of SQL statements and one transaction per chunk.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from dcmaint.drivers.model import Component, Health, PartIdentity
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.drivers.result import ErrorKind, PollResult
from dcmaint.services.context import Context
from dcmaint.services.health import HealthRun
from dcmaint.services.recording import RecordSummary, record_run
from dcmaint.store.reader import as_datetime, open_reader
from dcmaint.store.urls import parse
from tests.helpers import audit

START = datetime(2026, 12, 1, 8, tzinfo=UTC)
NAMES = [f"srv{n}" for n in range(7)]


def _poll(site: str, name: str, when: datetime, *parts: tuple[str, str, str, str | None, str | None]) -> PollResult:
    """A poll of ``name`` showing ``parts`` (kind, location, health, reason, serial)."""
    components = [
        Component(kind, location, Health(health), reason=reason, part=PartIdentity(serial=serial) if serial else None)
        for kind, location, health, reason, serial in parts
    ]
    report = DeviceReport(DeviceIdentity(serial=f"CZ-{name}"), components=components)
    return PollResult.success(name, "scenario", report, 0.1, when, site=site)


def _failed(site: str, name: str, when: datetime) -> PollResult:
    return PollResult.failed(name, "scenario", ErrorKind.UNREACHABLE, "no route", polled_at=when, site=site)


OK_PSU = ("psu", "PSU 1", "ok", None, "S1")


def _rounds(site: str) -> list[list[PollResult]]:
    """Faults opened, reworded, closed; a serial changed; failed polls; a replay; a device polled twice."""
    t0, t1, t2 = START, START + timedelta(minutes=5), START + timedelta(minutes=10)
    return [
        [
            _poll(site, "srv0", t0, ("psu", "PSU 2", "critical", "AC lost", None), OK_PSU),
            _poll(
                site,
                "srv1",
                t0,
                ("disk", "Bay 1", "critical", "failed", "D1"),
                ("fan", "Fan 1", "warning", "slow", None),
            ),
            _poll(site, "srv2", t0, OK_PSU),
            _poll(site, "srv3", t0, ("psu", "PSU 1", "ok", None, "OLD")),
            _failed(site, "srv4", t0),
            _poll(site, "srv5", t0, OK_PSU),
            _poll(site, "srv6", t0, ("dimm", "DIMM A1", "critical", "uncorrectable", None)),
        ],
        [
            _poll(site, "srv0", t1, OK_PSU),
            _poll(site, "srv1", t1, ("disk", "Bay 1", "critical", "predictive failure", "D1")),
            _poll(site, "srv2", t1, ("psu", "PSU 1", "critical", "AC lost", "S1")),
            _poll(site, "srv3", t1, ("psu", "PSU 1", "ok", None, "NEW")),
            _poll(site, "srv4", t1, ("fan", "Fan 2", "critical", "stopped", None)),
            _failed(site, "srv5", t1),
            _failed(site, "srv6", t1),  # the DIMM fault stays open: a failed poll proves nothing
        ],
        [
            _poll(site, "srv6", t0, OK_PSU),  # older than the stored poll: changes nothing
            _poll(site, "srv1", t1, ("disk", "Bay 1", "critical", "predictive failure", "D1")),  # the same poll again
            _poll(site, "srv5", t2, ("fan", "Fan 3", "critical", "stopped", None)),
            _poll(site, "srv5", t2 + timedelta(minutes=1), OK_PSU),  # polled twice in one run: the later closes it
        ],
    ]


@pytest.fixture
def two_sites(cli, db_url):
    for site in ("chunked", "whole"):
        cli.ok("site", "add", site, "--customer", "Bank")
        for name in NAMES:
            cli.ok("device", "add", name, "--site", site, "--kind", "server")
    return Context(parse(db_url), actor="collector", command="health --record")


def _record(context: Context, results: list[PollResult], chunk: int) -> tuple[RecordSummary, tuple[str, ...] | None]:
    return record_run(context, HealthRun(tuple(results), START, START), open_tickets=True, chunk=chunk)


def _site_view(db_url: str, site: str) -> tuple[list, list, list]:
    """The site's faults, installed base and audit entries, with the site's name taken out."""
    with open_reader(parse(db_url)) as reader:
        faults = reader.rows(
            "SELECT d.name, f.kind, f.location, f.health, f.reason, f.first_seen, f.last_seen, f.closed_at "
            "FROM faults f JOIN devices d ON d.id = f.device_id JOIN sites s ON s.id = d.site_id WHERE s.name = :s "
            "ORDER BY d.name, f.kind, f.location, f.first_seen",
            {"s": site},
        )
        parts = reader.rows(
            "SELECT d.name, c.kind, c.location, c.serial, c.health, c.first_seen, c.last_seen "
            "FROM components c JOIN devices d ON d.id = c.device_id JOIN sites s ON s.id = d.site_id "
            "WHERE s.name = :s ORDER BY d.name, c.kind, c.location",
            {"s": site},
        )
    entries = [
        (e.entity, e.entity_key.replace(site, "SITE"), e.action, str(e.before).replace(site, "SITE"),
         str(e.after).replace(site, "SITE"))
        for e in audit(db_url)
        if e.entity_key.startswith(f"{site}/")
    ]  # fmt: skip
    return [tuple(r) for r in faults], [tuple(r) for r in parts], entries


def _by_device(entries: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for entry in entries:
        found.setdefault(entry[1].split(":")[0], []).append(entry)
    return found


def test_a_run_recorded_in_chunks_leaves_what_it_leaves_recorded_whole(two_sites, db_url):
    summaries = []
    for chunked, whole in zip(_rounds("chunked"), _rounds("whole"), strict=True):
        summaries.append((_record(two_sites, chunked, chunk=2), _record(two_sites, whole, chunk=1000)))
    for (chunked, chunked_tickets), (whole, whole_tickets) in summaries:
        assert chunked == whole
        assert len(chunked_tickets or ()) == len(whole_tickets or ())
    (first, _), (second, _), (third, _) = (pair[0] for pair in summaries)
    assert (first.devices, first.opened, first.closed, first.still_open) == (7, 4, 0, 4)
    assert (second.devices, second.opened, second.closed, second.still_open) == (7, 2, 2, 3)
    assert (third.devices, third.opened, third.closed, third.still_open) == (4, 1, 1, 3)
    chunked_view, whole_view = _site_view(db_url, "chunked"), _site_view(db_url, "whole")
    assert chunked_view[:2] == whole_view[:2]  # the same faults and installed base
    # the same audit entries, each device's in the same order; only the archive versions, written at the end of
    # each transaction, come after each chunk rather than after the whole run
    assert _by_device(chunked_view[2]) == _by_device(whole_view[2])
    faults, parts, entries = _site_view(db_url, "chunked")
    assert Counter(action for _e, _k, action, _b, _a in entries if _e == "fault") == {"open": 7, "close": 3}
    assert [(k, a) for _e, k, a, _b, _af in entries if _e == "component"] == [("SITE/srv3:psu:PSU 1", "serial-changed")]
    still_open = {(name, kind) for name, kind, *_rest, closed in faults if closed is None}
    assert still_open == {("srv1", "disk"), ("srv2", "psu"), ("srv4", "fan"), ("srv6", "dimm")}
    assert ("srv3", "psu", "PSU 1", "NEW", "ok") in [row[:5] for row in parts]


def test_many_devices_take_a_few_statements_per_chunk_and_one_transaction_each(cli, db_url, tmp_path):
    from dcmaint.store.engine import engine_for

    count, chunk = 600, 250
    sheet = tmp_path / "fleet.csv"
    sheet.write_text("name,kind\n" + "".join(f"n{n:04d},server\n" for n in range(count)), encoding="utf-8")
    cli.ok("site", "add", "big", "--customer", "Bank")
    cli.ok("device", "import", str(sheet), "--site", "big")
    context = Context(parse(db_url), actor="collector", command="health --record")
    broken = ("psu", "PSU 2", "critical", "AC lost", None)

    def run(when: datetime, faulty: bool) -> HealthRun:
        results = [
            _poll("big", f"n{n:04d}", when, OK_PSU, *([broken] if faulty and n % 10 == 0 else [])) for n in range(count)
        ]
        return HealthRun(tuple(results), when, when)

    statements = []
    engine = engine_for(parse(db_url))

    def count_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        summary, tickets = record_run(context, run(START, True), open_tickets=True, chunk=chunk)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert (summary.devices, summary.opened, summary.still_open, len(tickets or ())) == (count, 60, 60, 60)
    chunks = -(-count // chunk)
    tickets_cost = 60 * 12  # a monitoring ticket takes a few statements of its own (reference, SLA, audit)
    # a device's first archive version is the archive's own row (on SQLite the ORM inserts such rows one by one:
    # it cannot batch INSERTs that must return their ids there); the rest is set-based
    recording = [s for s in statements if not s.startswith("INSERT INTO archive_versions")]
    assert len(recording) < chunks * 40 + tickets_cost, Counter(s[:70] for s in recording).most_common(
        25
    )  # per device, it would be thousands
    opened_at = {e.at for e in audit(db_url) if e.entity == "fault" and e.action == "open"}
    assert len(opened_at) == chunks  # one transaction per chunk: each chunk's audit rows share their time

    healed, _none = record_run(context, run(START + timedelta(minutes=5), False), open_tickets=False, chunk=chunk)
    assert (healed.devices, healed.opened, healed.closed, healed.still_open) == (count, 0, 60, 0)
    again, _none = record_run(context, run(START + timedelta(minutes=5), False), open_tickets=False, chunk=chunk)
    assert (again.devices, again.opened, again.closed, again.still_open) == (count, 0, 0, 0)
    with open_reader(parse(db_url)) as reader:
        stored = reader.rows("SELECT location, count(*) AS n, min(last_seen) AS seen FROM components GROUP BY location")
    seen = {row["location"]: (row["n"], as_datetime(row["seen"])) for row in stored}
    # the parts seen again unchanged are touched by one UPDATE; the PSU gone from the healed polls is left alone
    assert seen == {"PSU 1": (count, START + timedelta(minutes=5)), "PSU 2": (60, START)}


def test_a_chunk_size_below_one_is_refused():
    from dcmaint.services.recording import chunks

    with pytest.raises(ValueError, match="chunk size 0"):
        chunks([], 0)


def _archive(db_url: str, site: str, name: str) -> list[tuple[int, str]]:
    """The device's archive versions: (version, polled hash), oldest first."""
    with open_reader(parse(db_url)) as reader:
        rows = reader.rows(
            "SELECT v.version, v.polled_hash FROM archive_versions v JOIN devices d ON d.id = v.device_id "
            "JOIN sites s ON s.id = d.site_id WHERE s.name = :s AND d.name = :n ORDER BY v.version",
            {"s": site, "n": name},
        )
    return [(row["version"], row["polled_hash"]) for row in rows]


@pytest.mark.parametrize("chunk", [1, 1000])
def test_a_part_changed_and_changed_back_in_one_run_leaves_the_file_as_the_last_poll_saw_it(two_sites, db_url, chunk):
    # a device polled twice in one run is compared with what its earlier poll stored, in one chunk or two
    site = "chunked" if chunk == 1 else "whole"
    _record(two_sites, [_poll(site, "srv0", START, OK_PSU)], chunk)
    swapped = _poll(site, "srv0", START + timedelta(minutes=1), ("psu", "PSU 1", "ok", None, "S2"))
    back = _poll(site, "srv0", START + timedelta(minutes=2), OK_PSU)
    summary, _tickets = _record(two_sites, [swapped, back], chunk)
    versions = _archive(db_url, site, "srv0")
    assert summary.archived == 2  # one version per poll that changed the file
    assert [number for number, _hash in versions] == [1, 2, 3]
    assert versions[2][1] == versions[0][1] != versions[1][1]  # the file ends as it began, the swap kept between

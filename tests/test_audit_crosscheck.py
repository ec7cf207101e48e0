"""`db check` cross-checks the fields a contract is judged by against their latest audited values, on both
backends: an UPDATE made in SQL to the record itself (not to the audit log) is named, with the record, the field
and both values (a signature only by its digest), and the exit status is 1. An untouched store passes."""

from __future__ import annotations

import hashlib

import pytest

from tests.test_db import sql
from tests.test_spares_swap import add, mended, room, ticket  # noqa: F401  (room is a fixture)

SIGNATURE = b"\x89PNG\r\n\x1a\n" + "signature of 李主任".encode() * 4


@pytest.fixture
def judged(room, tmp_path):  # noqa: F811
    """A ticket taken from the call to verification, with a swap and a customer's consent: all through the CLI."""
    cli, _scenario = room
    cli.ok("staff", "add", "王芳", "--role", "centre")
    add(cli, "hq", "866730-001", "NEW-1", "--bin", "A-3")
    ref = ticket(cli)
    swap = cli.ok(
        "spare",
        "swap",
        "--device",
        "srv01",
        "--slot",
        "PSU 2",
        "--spare",
        "NEW-1",
        "--ticket",
        ref,
        "--by",
        "张伟",
        "-f",
        "json",
    ).json()
    consent = cli.ok(
        "spare",
        "consent",
        "add",
        "--site",
        "hq",
        "--part",
        "866730-001",
        "--substitute",
        "865408-B21",
        "--by",
        "李主任",
        "--document",
        "MAIL-2",
        "--device",
        "srv02",
        "-f",
        "json",
    ).json()
    cli.ok("ticket", "restore", ref)
    cli.ok("ticket", "fill", ref, "--actions", "换电源")
    (tmp_path / "sig.png").write_bytes(SIGNATURE)
    cli.ok("ticket", "sign", ref, "--by", "李主任", "--score", "5", "--signature", tmp_path / "sig.png")
    cli.ok("ticket", "verify", ref, "--by", "王芳")
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["ok"] and report["problems"] == []
    assert report["records"]["checked"] == {"ticket": 1, "swap": 1, "consent": 1, "archive": 2}  # a file per server
    return cli, ref, swap["id"], consent["id"]


def check_fails(cli) -> tuple[list[dict], list[str]]:
    result = cli("db", "check", "--format", "json")
    assert result.code == 1, result.err
    report = result.json()
    assert report["ok"] is False
    lines = result.err.strip().splitlines()
    assert lines[-1] == f"dcmaint: error: the check found {len(report['problems'])} problem" + (
        "s" if len(report["problems"]) > 1 else ""
    )
    return report["problems"], lines[:-1]


TICKET_EDITS = [
    ("score", "score = 1", "score is '1' in the store, '5' in the audit log"),
    ("signed_by", "signed_by = 'someone'", "signed_by is 'someone' in the store, '李主任' in the audit log"),
    ("verified_by", "verified_by = '张伟'", "verified_by is '张伟' in the store, '王芳' in the audit log"),
    ("verified_at", "verified_at = NULL", "verified_at is (none) in the store"),
    ("restored_at", "restored_at = :early", "restored_at is '2026-01-01T00:00:00+00:00' in the store"),
    ("sla_met", "sla_met = :false", "sla_met is 'false' in the store, 'true' in the audit log"),
    ("sla_hours", "sla_hours = 99", "sla_hours is '99' in the store, '12' in the audit log"),
]


@pytest.mark.parametrize(("field", "assignment", "says"), TICKET_EDITS, ids=[t[0] for t in TICKET_EDITS])
def test_an_edited_ticket_field_is_named(judged, db_url, field, assignment, says):
    from datetime import UTC, datetime

    cli, ref, _swap, _consent = judged
    sql(
        db_url,
        f"UPDATE tickets SET {assignment} WHERE ref = :ref",
        ref=ref,
        early=datetime(2026, 1, 1, tzinfo=UTC),
        false=False,
    )
    problems, lines = check_fails(cli)
    assert [(p["check"], p["message"].split(":")[0]) for p in problems] == [("record", f"ticket {ref}")]
    assert problems[0]["seq"] is not None
    assert len(lines) == 1 and lines[0].startswith(f"record: seq {problems[0]['seq']}: ticket {ref}: {field} ")
    assert says in lines[0]


def test_an_edited_signature_is_named_by_its_digest(judged, db_url):
    cli, ref, _swap, _consent = judged
    forged = b"\x89PNG\r\n\x1a\nforged"
    sql(db_url, "UPDATE tickets SET signature = :image WHERE ref = :ref", image=forged, ref=ref)
    problems, lines = check_fails(cli)
    stored, audited = hashlib.sha256(forged).hexdigest(), hashlib.sha256(SIGNATURE).hexdigest()
    assert lines == [
        (
            f"record: seq {problems[0]['seq']}: ticket {ref}: signature is sha256 {stored[:16]}... in the store, "
            f"sha256 {audited[:16]}... in the audit log"
        )
    ]
    assert "forged" not in lines[0] and "signature of" not in lines[0]


@pytest.mark.parametrize("which", ["installed", "removed"])
def test_an_edited_swap_serial_is_named(judged, db_url, which):
    cli, _ref, swap, _consent = judged
    column = "installed_unit_id" if which == "installed" else "removed_unit_id"
    sql(
        db_url,
        f"UPDATE stock_units SET serial = 'FORGED' WHERE id = (SELECT {column} FROM swaps WHERE id = :id)",
        id=swap,
    )
    problems, lines = check_fails(cli)
    field, audited = ("spare_serial", "'NEW-1'") if which == "installed" else ("removed_serial", "'5WB2'")
    assert lines == [
        f"record: seq {problems[0]['seq']}: swap {swap}: {field} is 'FORGED' in the store, {audited} in the audit log"
    ]


def test_a_swap_pointed_at_another_unit_is_named(judged, db_url):
    cli, _ref, swap, _consent = judged
    cli.ok("spare", "add", "--site", "hq", "--part", "866730-001", "--serial", "OTHER-1")
    sql(
        db_url,
        "UPDATE swaps SET installed_unit_id = (SELECT id FROM stock_units WHERE serial = 'OTHER-1') WHERE id = :id",
        id=swap,
    )
    _problems, lines = check_fails(cli)
    assert lines == [
        (
            f"record: seq {_problems[0]['seq']}: swap {swap}: spare_serial is 'OTHER-1' in the store, "
            "'NEW-1' in the audit log"
        )
    ]


def test_a_swap_verification_is_judged_by_its_latest_entry(judged, db_url, room):  # noqa: F811
    """`spare verify` writes a new entry: the check follows it (no false alarm), then names an edit against it."""
    cli, _ref, swap, _consent = judged
    _cli, scenario = room
    scenario("srv01", mended("NEW-1"))
    assert cli.ok("spare", "verify", str(swap), "-f", "json").json()["verification"] == "verified"
    assert cli.ok("db", "check", "--format", "json").json()["ok"]
    sql(db_url, "UPDATE swaps SET verification = 'unverified' WHERE id = :id", id=swap)
    problems, lines = check_fails(cli)
    assert lines == [
        (
            f"record: seq {problems[0]['seq']}: swap {swap}: verification is 'unverified' in the store, "
            "'verified' in the audit log"
        )
    ]
    newest = cli.ok("audit", "list", "-f", "json").json()
    assert problems[0]["seq"] == max(e["seq"] for e in newest if e["entity"] == "swap")


CONSENT_EDITS = [
    ("agreed_by", "agreed_by = 'nobody'", "'nobody'"),
    ("agreed_on", "agreed_on = :day", "'2020-01-01'"),
    ("document_ref", "document_ref = 'FAKE'", "'FAKE'"),
]


@pytest.mark.parametrize(("field", "assignment", "stored"), CONSENT_EDITS, ids=[c[0] for c in CONSENT_EDITS])
def test_an_edited_consent_is_named(judged, db_url, field, assignment, stored):
    from datetime import date

    cli, _ref, _swap, consent = judged
    sql(db_url, f"UPDATE consents SET {assignment} WHERE id = :id", id=consent, day=date(2020, 1, 1))
    problems, lines = check_fails(cli)
    assert len(lines) == 1
    assert lines[0].startswith(f"record: seq {problems[0]['seq']}: consent {consent}: {field} is {stored} in the store")


def test_a_deleted_consent_is_named(judged, db_url):
    cli, _ref, _swap, consent = judged
    sql(db_url, "DELETE FROM consents WHERE id = :id", id=consent)
    _problems, lines = check_fails(cli)
    assert lines == [f"record: seq {_problems[0]['seq']}: consent {consent}: in the audit log, not in the store"]


def test_the_human_report_counts_what_was_compared(judged):
    cli, *_ = judged
    out = cli.ok("db", "check").out
    assert "records checked against the audit log" in out and "5 (0 without audit entries)" in out
    assert cli.ok("db", "check", "--format", "csv").out.startswith("ok,")


def test_a_record_without_audit_entries_is_counted_not_judged(cli, db_url):
    """A row written with SQL (a migration's fixtures, another tool) has no audited value to compare with."""
    from datetime import UTC, datetime

    cli.ok("site", "add", "hq", "--customer", "某银行")
    now = datetime(2026, 11, 20, 8, tzinfo=UTC)
    sql(
        db_url,
        "INSERT INTO tickets (ref, site_id, source, description, severity, state, reported_at, created_at, "
        "sla_hours, paused_seconds, score, signed_by) SELECT 'T-2026-999999', id, 'phone', 'x', 'high', 'signed', "
        ":now, :now, 4, 0, 5, 'someone' FROM sites",
        now=now,
    )
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["ok"] and report["records"]["unaudited"]["ticket"] == 1


def test_a_ticket_signed_by_an_earlier_dcmaint_is_judged_on_what_its_entry_says(judged, db_url):
    """Entries written before the signer and signature were audited hold only the score: the signer is not
    judged then (no false alarm), the score still is."""
    cli, ref, _swap, _consent = judged
    sql(db_url, "UPDATE tickets SET signed_by = 'someone', score = 2 WHERE ref = :ref", ref=ref)
    # what an earlier entry looked like: rewrite it and its hash chain as that dcmaint wrote them
    _rewrite_sign_entry_without_signer(db_url, ref)
    problems, lines = check_fails(cli)
    assert [line.split(": ", 2)[2] for line in lines] == [
        f"ticket {ref}: score is '2' in the store, '5' in the audit log"
    ]
    assert problems[0]["check"] == "record"


def _rewrite_sign_entry_without_signer(db_url: str, ref: str) -> None:
    """Drop the signer and signature from the ticket's sign entry and reseal the chain from there on."""
    import json

    from sqlalchemy import text

    from dcmaint.store import audit
    from dcmaint.store.engine import engine_for
    from dcmaint.store.reader import as_datetime
    from dcmaint.store.urls import parse

    with engine_for(parse(db_url)).begin() as connection:
        rows = connection.execute(
            text(
                'SELECT seq, at, actor, command, entity, entity_key, action, before, "after" FROM audit_log '
                "ORDER BY seq"
            )
        ).all()
        previous = audit.GENESIS
        for row in rows:
            after = row.after
            if row.entity == "ticket" and row.entity_key == ref and row.action == "sign":
                entry = json.loads(after)
                entry.pop("signed_by"), entry.pop("signature_sha256")
                after = audit.canonical_json(entry)
            fields = audit.ChainFields(
                row.seq,
                as_datetime(row.at),
                row.actor,
                row.command,
                row.entity,
                row.entity_key,
                row.action,
                row.before,
                after,
                previous,
            )
            previous = fields.digest()
            connection.execute(
                text('UPDATE audit_log SET "after" = :after, prev_hash = :prev, hash = :hash WHERE seq = :seq'),
                {"after": after, "prev": fields.prev_hash, "hash": previous, "seq": row.seq},
            )
        connection.execute(text("UPDATE audit_head SET hash = :hash"), {"hash": previous})


def test_an_audit_entry_edited_into_nonsense_is_named_not_a_crash(judged, db_url):
    """The chain names the edited entry; the cross-check compares what it can and shows the rest as it is."""
    cli, ref, _swap, _consent = judged
    seq = next(
        e["seq"]
        for e in cli.ok("audit", "list", "-f", "json").json()
        if e["entity"] == "ticket" and e["action"] == "restore"
    )
    sql(
        db_url,
        'UPDATE audit_log SET "after" = :after WHERE seq = :seq',
        seq=seq,
        after='{"at": "garbage", "reason": 7}',
    )
    problems, lines = check_fails(cli)
    assert ("audit", seq) in [(p["check"], p["seq"]) for p in problems]
    assert any(
        line.startswith(f"record: seq {seq}: ticket {ref}: restored_at is ") and "'garbage'" in line for line in lines
    )
    assert not any("internal error" in line for line in lines)

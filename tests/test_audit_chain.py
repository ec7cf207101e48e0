"""The audit chain's verification, on hand-built rows (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from dcmaint.store.audit import GENESIS, ChainFields, canonical_time, verify


def chain(n: int) -> list[tuple[ChainFields, str]]:
    rows, prev = [], GENESIS
    start = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    for seq in range(1, n + 1):
        fields = ChainFields(
            seq,
            start + timedelta(minutes=seq),
            "li",
            "site add",
            "site",
            f"s{seq}",
            "add",
            None,
            f'{{"name":"s{seq}"}}',
            prev,
        )
        prev = fields.digest()
        rows.append((fields, prev))
    return rows


def test_intact_chain():
    rows = chain(5)
    assert verify(rows, (5, rows[-1][1])) == []
    assert verify([], None) == []


def test_edited_row():
    rows = chain(5)
    fields, digest = rows[2]
    rows[2] = (replace(fields, after='{"name":"forged"}'), digest)
    problems = verify(rows, (5, rows[-1][1]))
    assert [(p.seq, "edited" in p.problem) for p in problems] == [(3, True)]


def test_deleted_middle_row():
    rows = chain(5)
    del rows[1]
    problems = verify(rows, (5, rows[-1][1]))
    assert problems[0].seq == 3 and "2..2" in problems[0].problem


def test_deleted_newest_rows():
    rows = chain(5)
    head = (5, rows[-1][1])
    problems = verify(rows[:3], head)
    assert len(problems) == 1 and "4..5" in problems[0].problem


def test_missing_head():
    assert verify(chain(2), None)[0].problem == "the chain head is missing"


def test_naive_and_aware_times_hash_alike():
    aware = datetime(2026, 1, 1, 4, 0, tzinfo=UTC)
    assert canonical_time(aware) == canonical_time(aware.replace(tzinfo=None))
    assert canonical_time(aware.astimezone(timezone(timedelta(hours=8)))) == canonical_time(aware)

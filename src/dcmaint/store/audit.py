"""The hash-chained audit log.

Every row's hash covers its own fields and the previous row's hash; the
single ``audit_head`` row holds the newest sequence number and hash. Editing
any row breaks its hash, deleting a row breaks the chain's sequence or links,
and deleting the newest rows no longer matches the head. The functions that
compute and verify hashes are pure so both backends and the tests share them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainFields:
    """What a hash covers, in stored form."""

    seq: int
    at: datetime
    actor: str
    command: str
    entity: str
    entity_key: str
    action: str
    before: str | None
    after: str | None
    prev_hash: str

    def digest(self) -> str:
        payload = json.dumps(
            [
                self.seq,
                canonical_time(self.at),
                self.actor,
                self.command,
                self.entity,
                self.entity_key,
                self.action,
                self.before,
                self.after,
                self.prev_hash,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    problem: str


def verify(rows: Iterable[tuple[ChainFields, str]], head: tuple[int, str] | None) -> list[ChainProblem]:
    """Walk (fields, stored hash) pairs in sequence order and list every break found.

    ``head`` is the stored (seq, hash) tip, None when nothing was ever logged.
    """
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = 1, GENESIS
    last: tuple[int, str] | None = None
    for fields, stored_hash in rows:
        if fields.seq != expected_seq:
            problems.append(
                ChainProblem(fields.seq, f"rows {expected_seq}..{fields.seq - 1} are missing (deleted)")
                if fields.seq > expected_seq
                else ChainProblem(fields.seq, "sequence number out of order")
            )
        elif fields.prev_hash != expected_prev:
            problems.append(ChainProblem(fields.seq, "link to the previous row is broken"))
        if fields.digest() != stored_hash:
            problems.append(ChainProblem(fields.seq, "row was edited after it was written (hash mismatch)"))
        expected_seq, expected_prev = fields.seq + 1, stored_hash
        last = (fields.seq, stored_hash)
    if head is None and last is not None:
        problems.append(ChainProblem(None, "the chain head is missing"))
    elif head is not None and last != head:
        if last is None or head[0] > last[0]:
            first_missing = 1 if last is None else last[0] + 1
            problems.append(ChainProblem(head[0], f"rows {first_missing}..{head[0]} are missing (deleted)"))
        else:
            problems.append(ChainProblem(head[0], "the chain head does not match the newest row"))
    return problems

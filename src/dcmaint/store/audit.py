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
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from dcmaint.i18n import _

GENESIS = "0" * 64


def canonical_json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


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


class Break(StrEnum):
    """The kinds of damage the chain can show."""

    MISSING_ROWS = "missing_rows"
    OUT_OF_ORDER = "out_of_order"
    BROKEN_LINK = "broken_link"
    EDITED = "edited"
    NO_HEAD = "no_head"
    HEAD_MISMATCH = "head_mismatch"


@dataclass(frozen=True)
class ChainProblem:
    """One break; ``first``..``last`` is the range of missing sequence numbers where that applies."""

    seq: int | None
    kind: Break
    first: int | None = None
    last: int | None = None

    @property
    def problem(self) -> str:
        """The break in the user's language."""
        texts = {
            Break.MISSING_ROWS: _("rows {first}..{last} are missing (deleted)"),
            Break.OUT_OF_ORDER: _("sequence number out of order"),
            Break.BROKEN_LINK: _("link to the previous row is broken"),
            Break.EDITED: _("row was edited after it was written (hash mismatch)"),
            Break.NO_HEAD: _("the chain head is missing"),
            Break.HEAD_MISMATCH: _("the chain head does not match the newest row"),
        }
        return texts[self.kind].format(first=self.first, last=self.last)


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
                ChainProblem(fields.seq, Break.MISSING_ROWS, expected_seq, fields.seq - 1)
                if fields.seq > expected_seq
                else ChainProblem(fields.seq, Break.OUT_OF_ORDER)
            )
        elif fields.prev_hash != expected_prev:
            problems.append(ChainProblem(fields.seq, Break.BROKEN_LINK))
        if fields.digest() != stored_hash:
            problems.append(ChainProblem(fields.seq, Break.EDITED))
        expected_seq, expected_prev = fields.seq + 1, stored_hash
        last = (fields.seq, stored_hash)
    if head is None and last is not None:
        problems.append(ChainProblem(None, Break.NO_HEAD))
    elif head is not None and last != head:
        if last is None or head[0] > last[0]:
            first_missing = 1 if last is None else last[0] + 1
            problems.append(ChainProblem(head[0], Break.MISSING_ROWS, first_missing, head[0]))
        else:
            problems.append(ChainProblem(head[0], Break.HEAD_MISMATCH))
    return problems

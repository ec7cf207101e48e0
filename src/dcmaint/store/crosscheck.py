"""`db check`'s cross-check: the fields a contract is judged by, as stored, against their latest audited values.

The hash chain (:mod:`dcmaint.store.audit`) proves the audit log was not
edited; it says nothing of an ``UPDATE tickets SET score = 5`` made in SQL
to the record itself, which the log never sees. So the check folds the log,
in sequence order, into the value each judged field had after the last
audited change, and compares that with the row:

- a ticket: its score, signer, signature (by SHA-256: the image itself is
  not in the log), verifier and verification time, restore time, whether the
  SLA was met, and its SLA hours;
- a swap: the serial of the spare fitted and of the part removed, and its
  verification;
- a consent: who agreed, on which day, the document, the part and its
  substitute;
- a version of a device file (the archive): its content, by SHA-256 against
  the hash audited when the version was added, so a version edited or
  deleted in SQL is named (versions are never changed by dcmaint).

What the log does not say is not judged. A record with no audit entry at all
(rows written with SQL, as migration fixtures and other tools do) has nothing
to be compared with and is counted as ``unaudited``; a field whose last
change was logged by an earlier dcmaint that did not record it (the signer
and signature before the entries held them, a ticket's SLA hours) is left
out until its next audited change. A record the log knows that is gone from
its table is named too: nothing dcmaint does deletes one.

Values are compared, never shown, where they are secret: a signature is named
by the first characters of its digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dcmaint.i18n import _
from dcmaint.store.reader import Reader, as_date, as_datetime

PAGE = 5000


@dataclass(frozen=True)
class Mismatch:
    """One judged field whose stored value is not the audited one; ``seq`` is the entry that set the latter."""

    entity: str
    key: str
    field: str | None  # None: the whole record is gone from its table
    stored: str
    audited: str
    seq: int | None

    @property
    def message(self) -> str:
        if self.field is None:
            return _("{entity} {key}: in the audit log, not in the store").format(entity=self.entity, key=self.key)
        return _("{entity} {key}: {field} is {stored} in the store, {audited} in the audit log").format(
            entity=self.entity, key=self.key, field=self.field, stored=self.stored, audited=self.audited
        )


@dataclass
class Findings:
    """What the cross-check compared (records per entity), what it could not (no audit entry) and what differs."""

    checked: dict[str, int] = field(default_factory=dict)
    unaudited: dict[str, int] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)


# Comparable forms: both sides become plain text or None, so "5" and 5, 0 and False, a naive SQLite time and an
# aware PostgreSQL one compare as the contract means them.


def _time(value: Any) -> str | None:
    try:
        return None if value is None else as_datetime(value).isoformat()
    except (TypeError, ValueError):  # not a time at all (SQLite keeps whatever SQL wrote): shown as it is
        return str(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any) -> str | None:
    return None if value is None else ("true" if value in (True, 1, "1", "true", "met") else "false")


def _day(value: Any) -> str | None:
    try:
        found = as_date(value)
    except (TypeError, ValueError):
        return str(value)
    return None if found is None else found.isoformat()


def signature_digest(value: Any) -> str | None:
    """What the audit log keeps of a signature image: its SHA-256, enough to prove the stored image unchanged
    without copying the image into the log (and into every backup of it)."""
    if value is None:
        return None
    return hashlib.sha256(value.encode() if isinstance(value, str) else bytes(value)).hexdigest()


def _shown(field_name: str, value: str | None) -> str:
    """A value as a line may show it: a signature only by its digest's first characters."""
    if value is None:
        return _("(none)")
    if field_name in ("signature", "content"):
        return _("sha256 {digest}...").format(digest=value[:16])
    return repr(value)


@dataclass(frozen=True)
class Judged:
    """One kind of record: how its audit entries set fields, and how its rows are read."""

    entity: str  # the audit log's entity, also the name the lines use
    fields: dict[str, Callable[[Any], str | None]]  # field -> comparable form of a stored value
    key_of: Callable[[str, dict[str, Any]], str | None]  # (entity_key, after) -> record key
    fold: Callable[[str, dict[str, Any]], dict[str, str | None] | None]  # (action, after) -> fields it sets
    rows: str  # SQL: a ``record_key`` column and one column per field
    actions: tuple[str, ...] = ()  # the only entries that set a field (none: every entry may)


def _ticket_fold(action: str, after: dict[str, Any]) -> dict[str, str | None] | None:
    """The judged fields a ticket entry sets; a field an older entry did not record becomes unknown (absent)."""
    if action == "new":
        fields: dict[str, str | None] = dict.fromkeys(
            ("score", "signed_by", "signature", "verified_by", "verified_at", "restored_at", "sla_met")
        )
        if "sla_hours" in after:
            fields["sla_hours"] = _text(after["sla_hours"])
        return fields
    if action == "sign":
        return {
            "score": _text(after.get("reason")),
            "signed_by": _text(after["signed_by"]) if "signed_by" in after else UNKNOWN,
            "signature": _text(after["signature_sha256"]) if "signature_sha256" in after else UNKNOWN,
        }
    if action == "verify":
        return {"verified_by": _text(after.get("reason")), "verified_at": _time(after.get("at"))}
    if action == "restore":
        return {"restored_at": _time(after.get("at")), "sla_met": _flag(after.get("reason"))}
    return None


def _swap_fold(action: str, after: dict[str, Any]) -> dict[str, str | None] | None:
    """Every swap entry (the swap, each verification) holds the whole record."""
    return {
        "spare_serial": _text(after.get("spare_serial")),
        "removed_serial": _text(after.get("removed_serial")),
        "verification": _text(after.get("verification")),
    }


def _archive_key(entity_key: str, after: dict[str, Any]) -> str | None:
    version = after.get("version")
    return f"{entity_key}#{version}" if version is not None else None


def _archive_fold(action: str, after: dict[str, Any]) -> dict[str, str | None] | None:
    """A version's entry holds the hash of its content (the SHA-256 of the canonical JSON stored)."""
    return {"content": _text(after.get("hash"))}


def _consent_fold(action: str, after: dict[str, Any]) -> dict[str, str | None] | None:
    return {
        "agreed_by": _text(after.get("agreed_by")),
        "agreed_on": _day(after.get("agreed_on")),
        "document_ref": _text(after.get("document_ref")),
        "part_number": _text(after.get("part_number")),
        "substitute": _text(after.get("substitute")),
    }


UNKNOWN = "\x00unknown"  # a fold's value for "the entry does not say": the field is dropped, not compared

JUDGED: tuple[Judged, ...] = (
    Judged(
        "ticket",
        {
            "score": _text,
            "signed_by": _text,
            "signature": signature_digest,
            "verified_by": _text,
            "verified_at": _time,
            "restored_at": _time,
            "sla_met": _flag,
            "sla_hours": _text,
        },
        lambda entity_key, after: entity_key,
        _ticket_fold,
        "SELECT ref AS record_key, score, signed_by, signature, verified_by, verified_at, restored_at, sla_met, "
        "sla_hours FROM tickets",
        ("new", "sign", "verify", "restore"),  # assign, start, notes... set nothing judged: not even read
    ),
    Judged(
        "swap",
        {"spare_serial": _text, "removed_serial": _text, "verification": _text},
        lambda entity_key, after: _text(after.get("id")),
        _swap_fold,
        "SELECT CAST(s.id AS VARCHAR(20)) AS record_key, i.serial AS spare_serial, r.serial AS removed_serial, "
        "s.verification FROM swaps s JOIN stock_units i ON i.id = s.installed_unit_id "
        "LEFT JOIN stock_units r ON r.id = s.removed_unit_id",
    ),
    Judged(
        "consent",
        {"agreed_by": _text, "agreed_on": _day, "document_ref": _text, "part_number": _text, "substitute": _text},
        lambda entity_key, after: entity_key,
        _consent_fold,
        "SELECT CAST(c.id AS VARCHAR(20)) AS record_key, c.agreed_by, c.agreed_on, c.document_ref, p.part_number, "
        "s.part_number AS substitute FROM consents c JOIN parts p ON p.id = c.part_id "
        "JOIN parts s ON s.id = c.substitute_id",
    ),
    Judged(
        "archive",
        {"content": signature_digest},
        _archive_key,
        _archive_fold,
        "SELECT s.name || '/' || d.name || '#' || CAST(v.version AS VARCHAR(20)) AS record_key, v.content "
        "FROM archive_versions v JOIN devices d ON d.id = v.device_id JOIN sites s ON s.id = d.site_id",
        ("version",),
    ),
)


def _entries(reader: Reader, judged: Judged) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """(seq, entity key, action, after) of every entry that may set a judged field, in sequence order, page by
    page."""
    last = 0
    names = {f"action{n}": action for n, action in enumerate(judged.actions)}
    only = f" AND action IN ({', '.join(':' + name for name in names)})" if names else ""
    while True:
        rows = reader.rows(
            'SELECT seq, entity_key, action, "after" FROM audit_log WHERE entity = :entity AND seq > :last'
            f"{only} ORDER BY seq LIMIT :page",
            {"entity": judged.entity, "last": last, "page": PAGE, **names},
        )
        for row in rows:
            try:
                after = json.loads(row["after"]) if row["after"] else {}
            except ValueError:
                after = {}  # an entry that is not JSON was edited: the chain check names it
            yield row["seq"], row["entity_key"], row["action"], after if isinstance(after, dict) else {}
        if len(rows) < PAGE:
            return
        last = rows[-1]["seq"]


def audited(reader: Reader, judged: Judged) -> dict[str, dict[str, tuple[str | None, int]]]:
    """Record key -> field -> (latest audited value, the entry's seq), for the fields the log establishes."""
    state: dict[str, dict[str, tuple[str | None, int]]] = {}
    for seq, entity_key, action, after in _entries(reader, judged):
        key = judged.key_of(entity_key, after)
        if key is None:
            continue
        if action in ("remove", "delete"):
            state.pop(key, None)
            continue
        sets = judged.fold(action, after)
        if sets is None:
            continue
        fields = state.setdefault(key, {})
        for name, value in sets.items():
            if value == UNKNOWN:
                fields.pop(name, None)
            else:
                fields[name] = (value, seq)
    return state


def _stored(reader: Reader, judged: Judged) -> Iterator[tuple[str, dict[str, str | None]]]:
    """Each record's key and judged fields in comparable form, page by page."""
    last: str | None = None
    while True:
        sql = f"SELECT * FROM ({judged.rows}) judged"
        params: dict[str, Any] = {"page": PAGE}
        if last is not None:
            sql += " WHERE record_key > :last"
            params["last"] = last
        rows = reader.rows(sql + " ORDER BY record_key LIMIT :page", params)
        for row in rows:
            yield row["record_key"], {name: form(row[name]) for name, form in judged.fields.items()}
        if len(rows) < PAGE:
            return
        last = rows[-1]["record_key"]


def compare(reader: Reader) -> Findings:
    """Every judged record against the audit log. Call inside the check's snapshot."""
    findings = Findings()
    for judged in JUDGED:
        state = audited(reader, judged)
        checked = unaudited = 0
        for key, stored in _stored(reader, judged):
            known = state.pop(key, None)
            if known is None:
                unaudited += 1
                continue
            checked += 1
            for name, (value, seq) in known.items():
                if stored[name] != value:
                    findings.mismatches.append(
                        Mismatch(judged.entity, key, name, _shown(name, stored[name]), _shown(name, value), seq)
                    )
        for key, fields in sorted(state.items()):
            if fields:  # the log knows the record; its table no longer does
                seq = max(seq for _value, seq in fields.values())
                findings.mismatches.append(Mismatch(judged.entity, key, None, "", "", seq))
        findings.checked[judged.entity] = checked
        findings.unaudited[judged.entity] = unaudited
    return findings

"""``advisory import``: vendor release catalogues (TOML or JSON) into the store.

Every file named (or every ``*.toml`` and ``*.json`` of a directory) is read
and checked first (:func:`dcmaint.domain.releases.releases`); any bad field
in any file stores nothing, and each problem is one line naming its file,
release and value. Then in one transaction each release is added, updated
(its severity, date, fixes or URL changed: audited with before and after) or
left as it is: importing the same catalogue twice changes nothing.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.records import Record
from dcmaint.domain.releases import Problem, Release, releases
from dcmaint.errors import UsageError
from dcmaint.i18n import _, ngettext
from dcmaint.services.context import Context
from dcmaint.store.models.advisories import ReleaseRow
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.RELEASE.value
MAX_FILE = 8 * 1024 * 1024
SUFFIXES = (".toml", ".json")


@dataclass(frozen=True)
class ImportSummary(Record):
    """The outcome of ``advisory import``; keys documented in docs/json.md."""

    files: int
    releases: int
    added: int
    updated: int
    unchanged: int


class ReleasesRejected(UsageError):
    """Bad fields: nothing was imported. ``problems`` go to stderr, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(
            ngettext(
                "{n} problem in the release catalogue; nothing was imported",
                "{n} problems in the release catalogues; nothing was imported",
                len(problems),
            ).format(n=len(problems))
        )
        self.problems = tuple(problems)


def files(paths: Iterable[Path]) -> list[Path]:
    """The catalogue files ``paths`` name: files as given, directories' ``*.toml`` and ``*.json`` sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            if not inside:
                raise UsageError(_("{dir}: no *.toml or *.json release catalogue").format(dir=path))
            found += inside
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise UsageError(_("{file}: a release catalogue is a .toml or .json file").format(file=path))
            found.append(path)
        else:
            raise UsageError(_("no such file or directory: {path}").format(path=path))
    return found


def _parsed(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_FILE:
        raise UsageError(_("{file}: larger than 8 MiB").format(file=path))
    text = path.read_bytes().decode("utf-8", errors="strict")
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(_("{file}: not valid {kind}: {error}").format(
            file=path, kind=path.suffix[1:].upper(), error=str(exc).splitlines()[0])) from None  # fmt: skip
    if not isinstance(data, dict):
        raise UsageError(_("{file}: expected a table with vendor and [[release]] entries").format(file=path))
    return data


def read(paths: Iterable[Path], today: date) -> tuple[list[Path], list[tuple[Release, str]]]:
    """Every release of the catalogues; raises :class:`ReleasesRejected` with every problem of every file."""
    found, problems, seen = files(paths), list[Problem](), dict[tuple[str, str, str, str], str]()
    every: list[tuple[Release, str]] = []
    for path in found:
        try:
            got, bad = releases(_parsed(path), path.name, today)
        except UnicodeDecodeError:
            raise UsageError(_("{file}: not UTF-8 text").format(file=path)) from None
        problems += bad
        for release in got:
            if release.key in seen:
                problems.append(Problem(path.name, "", _("{component} {version} is also in {other}").format(
                    component=release.component, version=release.version, other=seen[release.key])))  # fmt: skip
            seen[release.key] = path.name
        every += [(release, path.name) for release in got]
    if problems:
        raise ReleasesRejected(problems)
    return found, every


def _columns(release: Release, source: str) -> dict[str, Any]:
    vendor, component, version, models = release.key
    return {
        "vendor": release.vendor,
        "vendor_key": vendor,
        "models": json.dumps(list(release.models), ensure_ascii=False),
        "models_key": models,
        "component": release.component,
        "component_key": component,
        "version": version,
        "released": release.released,
        "severity": release.severity,
        "fixes": json.dumps([{"id": f.id, "summary": f.summary} for f in release.fixes], ensure_ascii=False),
        "url": release.url,
        "source": source,
    }


def _audit_key(release: Release) -> str:
    return f"{release.vendor}/{release.component}/{release.version}"


def import_releases(context: Context, paths: Iterable[Path]) -> ImportSummary:
    """Check every catalogue, then store its releases in one transaction (entry point)."""
    found, every = read(paths, datetime.now(UTC).date())
    with context.write() as unit:
        return _store(unit, every, len(found))


def _store(unit: UnitOfWork, every: list[tuple[Release, str]], count: int) -> ImportSummary:
    from dcmaint.store.advisory_queries import release as read_release

    added = updated = unchanged = 0
    for release, source in every:
        vendor, component, version, models = release.key
        row = unit.session.scalars(
            select(ReleaseRow).where(
                ReleaseRow.vendor_key == vendor,
                ReleaseRow.component_key == component,
                ReleaseRow.version == version,
                ReleaseRow.models_key == models,
            )
        ).one_or_none()
        columns = _columns(release, source)
        if row is None:
            unit.session.add(ReleaseRow(**columns))
            unit.record(ENTITY, _audit_key(release), "import", None, release.as_json())
            added += 1
            continue
        before = read_release(_row_mapping(row))
        if before == release:
            unchanged += 1
            continue
        for name, value in columns.items():
            setattr(row, name, value)
        unit.record(ENTITY, _audit_key(release), "update", before.as_json(), release.as_json())
        updated += 1
    unit.session.flush()
    return ImportSummary(count, len(every), added, updated, unchanged)


def _row_mapping(row: ReleaseRow) -> Any:
    return {column.key: getattr(row, column.key) for column in ReleaseRow.__table__.columns}

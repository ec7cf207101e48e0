"""Shared fixtures: a store on each backend, and the CLI run in-process against it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_URL = os.environ.get("DCMAINT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The sources are collected for their docstring examples (--doctest-modules) before any test runs, and the CLI's
# command modules translate their help texts when imported. They are imported without DCMAINT_LANG, as every
# in-process test runs (the home fixture), so that a developer's DCMAINT_LANG cannot freeze them in another
# language; tests of other languages set it themselves.
os.environ.pop("DCMAINT_LANG", None)


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)


def _postgres_available() -> str | None:
    try:
        with _pg_admin():
            return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def postgres() -> str:
    """The PostgreSQL peer's URL; a missing peer fails under CI=true and skips elsewhere."""
    problem = _postgres_available()
    if problem:
        message = f"PostgreSQL peer at {PG_URL} is not reachable: {problem}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return PG_URL


@pytest.fixture
def pg_schema_url(postgres: str) -> Iterator[str]:
    """A private schema for one test, dropped afterwards; parallel runs never collide."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres}?options=-csearch_path%3D{schema}"
    finally:
        from dcmaint.store.engine import engine_for
        from dcmaint.store.urls import parse

        url = parse(f"{postgres}?options=-csearch_path%3D{schema}")
        if engine_for.cache_info().currsize:
            engine_for(url).dispose()
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every store test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'dcmaint.db'}"
    return request.getfixturevalue("pg_schema_url")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


class Cli:
    """Runs `dcmaint ARGS` in this process with its own home and store."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *args: str) -> Result:
        from dcmaint.cli.main import run

        self._capsys.readouterr()
        code = run([str(a) for a in args])
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, f"dcmaint {' '.join(map(str, args))} -> {result.code}: {result.err}"
        return result


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("DCMAINT_HOME", str(path))
    for name in (
        "DCMAINT_DB_URL",
        "DCMAINT_CONFIG",
        "DCMAINT_ACTOR",
        "DCMAINT_LOAD_PLUGINS",
        "DCMAINT_DISABLE_PLUGINS",
        "DCMAINT_STRICT_PLUGINS",
        "DCMAINT_LOG_FILE",
        "DCMAINT_LANG",
    ):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def cli(home: Path, db_url: str, capsys, monkeypatch) -> Cli:
    """The CLI on a fresh store, parametrised over both backends."""
    monkeypatch.setenv("DCMAINT_DB_URL", db_url)
    return Cli(capsys, monkeypatch)


@pytest.fixture
def cli_sqlite(home: Path, capsys, monkeypatch) -> Cli:
    """The CLI on the default store (SQLite in DCMAINT_HOME), for tests that are not about storage."""
    return Cli(capsys, monkeypatch)


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    """The scenario driver (tests/scenario.py): a function that sets what a device answers."""
    from tests.scenario import install

    yield from install(tmp_path, monkeypatch)

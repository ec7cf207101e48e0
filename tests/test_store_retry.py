"""store.retry: which database errors are collisions with a concurrent writer, and running a unit again on one.

The errors are real: raised by PostgreSQL itself (``RAISE ... USING ERRCODE``,
a real duplicate key) or by SQLite's own lock, through the real drivers and
SQLAlchemy, on both backends.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from dcmaint.errors import Conflict, StoreError
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.retry import RetryPolicy, collision, retried
from dcmaint.store.unit import UnitOfWork, transaction
from dcmaint.store.urls import parse
from tests.helpers import counts


def _raise(unit: UnitOfWork, sqlstate: str) -> None:
    """PostgreSQL raises the error with this SQLSTATE, as it would raise its own."""
    unit.session.execute(text(f"DO $$ BEGIN RAISE EXCEPTION 'raised for a test' USING ERRCODE = '{sqlstate}'; END $$"))


@pytest.fixture
def pg_url(pg_schema_url: str) -> str:
    return pg_schema_url


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [("40001", "serialization failure"), ("40P01", "deadlock"), ("23505", "unique violation")],
)
def test_postgresql_collisions_are_classified_by_sqlstate(pg_url, sqlstate, kind):

    with pytest.raises(DBAPIError) as caught, transaction(parse(pg_url), "test", "test") as unit:
        _raise(unit, sqlstate)
    assert collision(caught.value) == kind
    assert collision(caught.value.orig) == kind  # the driver's own error too


@pytest.mark.parametrize("sqlstate", ["22012", "23503", "23514", "42P01", "57014"])
def test_other_postgresql_errors_are_not_collisions(pg_url, sqlstate):

    with pytest.raises(DBAPIError) as caught, transaction(parse(pg_url), "test", "test") as unit:
        _raise(unit, sqlstate)
    assert collision(caught.value) is None


def test_a_real_duplicate_key_on_postgresql_is_a_collision(pg_url):

    with transaction(parse(pg_url), "test", "test") as unit:
        unit.session.add(SiteRow(name="hq", customer="A"))
    with pytest.raises(DBAPIError) as caught, transaction(parse(pg_url), "test", "test") as unit:
        unit.session.add(SiteRow(name="hq", customer="B"))
    assert collision(caught.value) == "unique violation"


def test_sqlite_database_is_locked_is_a_collision_and_other_sqlite_errors_are_not(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        waiter = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
        with pytest.raises(DBAPIError) as caught, waiter.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        holder.rollback()
        holder.close()
    assert "database is locked" in str(caught.value.orig)
    assert collision(caught.value) == "database is locked"
    with pytest.raises(DBAPIError) as duplicate, waiter.connect() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert collision(duplicate.value) is None  # on SQLite a duplicate is the data's fault: writers take turns
    assert collision(ValueError("not a database error")) is None


def test_the_pause_grows_with_each_collision_is_random_and_capped():
    policy = RetryPolicy(base=0.1, cap=1.0)
    assert [policy.pause(n, 0.999) for n in (1, 2, 3, 4, 5)] == pytest.approx([0.1998, 0.3996, 0.7992, 0.999, 0.999])
    assert policy.pause(3, 0.0) == 0.0


def test_a_collision_runs_the_whole_unit_again_and_commits_once(pg_url):
    calls, pauses = [], []

    def work(unit: UnitOfWork) -> str:
        calls.append(1)
        unit.session.add(SiteRow(name=f"try{len(calls)}", customer="A"))
        unit.record("site", f"try{len(calls)}", "add", None, {"name": f"try{len(calls)}"})
        if len(calls) < 3:
            _raise(unit, "40001" if len(calls) == 1 else "40P01")
        return "done"

    result = retried(parse(pg_url), "test", "test", work, sleep=pauses.append, draw=lambda: 0.5)
    assert (result, len(calls)) == ("done", 3)
    assert pauses == [0.05, 0.1]  # half of 0.1 s, then of 0.2 s
    assert counts(pg_url)["sites"] == 1 and counts(pg_url)["audit_log"] == 1  # the rolled-back tries left nothing


def test_an_error_that_is_no_collision_is_not_run_again(pg_url):
    calls = []

    def work(unit: UnitOfWork) -> None:
        calls.append(1)
        _raise(unit, "22012")

    with pytest.raises(StoreError) as caught:
        retried(parse(pg_url), "test", "test", work, sleep=pytest.fail)
    assert len(calls) == 1 and "raised for a test" in str(caught.value)


def test_collisions_that_never_end_give_up_after_the_bounded_tries_with_one_line(pg_url):
    calls, pauses = [], []

    def work(unit: UnitOfWork) -> None:
        calls.append(1)
        _raise(unit, "23505")

    with pytest.raises(Conflict) as caught:
        retried(parse(pg_url), "test", "test", work, policy=RetryPolicy(tries=4), sleep=pauses.append)
    assert (len(calls), len(pauses)) == (4, 3)
    assert len(str(caught.value).splitlines()) == 1


def test_sqlite_database_is_locked_runs_the_unit_again(tmp_path):
    """The first try meets SQLite's lock (held here by our own transaction, seen from a connection that does
    not wait); the second try commits."""
    url = parse(f"sqlite:///{tmp_path / 'store' / 'dcmaint.db'}")
    impatient = create_engine(url.sqlalchemy, connect_args={"timeout": 0})
    calls, pauses = [], []

    def work(unit: UnitOfWork) -> int:
        calls.append(1)
        unit.session.add(SiteRow(name=f"try{len(calls)}", customer="A"))
        unit.session.flush()  # our transaction now holds the write lock
        if len(calls) == 1:
            with impatient.connect() as other:
                other.exec_driver_sql("BEGIN IMMEDIATE")
        return len(calls)

    assert retried(url, "test", "test", work, sleep=pauses.append, draw=lambda: 0.0) == 2
    assert pauses == [0.0]
    assert counts(str(url.sqlalchemy))["sites"] == 1

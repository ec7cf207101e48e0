"""The read path hands back rows read by column name, on both backends and inside a unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dcmaint.domain.records import Device, Site
from dcmaint.services import devices, sites
from dcmaint.store import queries, spare_queries
from dcmaint.store.models.depot import StockUnitRow
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.reader import open_reader
from dcmaint.store.unit import write
from dcmaint.store.urls import parse


@pytest.fixture
def store(db_url):
    url = parse(db_url)
    with write(url, "test", "site add") as unit:
        sites.add(unit, Site("hq", "某银行", None, None, None, 12, 15, "Asia/Shanghai", "cn"))
        unit.session.flush()
        devices.add(
            unit,
            Device(
                "hq",
                "srv01",
                "server",
                "HPE",
                "DL380",
                "CZ1",
                "3F",
                "A01",
                "12",
                True,
                "redfish",
                "https://10.0.0.1",
                "admin",
                "env:BMC",
                True,
                None,
                None,
                None,
                {"auth": "basic"},
            ),
        )
        site_id = unit.session.scalars(select(SiteRow.id)).one()
        unit.session.add(StockUnitRow(part_number="865414-B21", site_id=site_id, serial="SP1", bin="B1"))
    return url


def test_rows_are_read_by_column_name(store):
    sql = "SELECT s.name AS site, s.customer, s.sla_restore_hours FROM sites s WHERE s.name = :name"
    with open_reader(store) as reader:
        row = reader.one(sql, {"name": "hq"})
    assert row is not None and (row["site"], row["customer"], row["sla_restore_hours"]) == ("hq", "某银行", 12)
    with write(store, "test", "read") as unit:
        (row,) = unit.rows(sql, {"name": "hq"})
    assert (row["site"], row["customer"], row["sla_restore_hours"]) == ("hq", "某银行", 12)


def test_a_name_two_columns_share_is_never_guessed(store):
    """``s.name, d.name`` makes ``row["name"]`` ambiguous: reading it is an error until the query aliases them."""
    sql = "SELECT s.name, s.customer AS name, s.timezone FROM sites s"
    with open_reader(store) as reader:
        (row,) = reader.rows(sql)
    with write(store, "test", "read") as unit:
        (in_unit,) = unit.rows(sql)
    for found in (row, in_unit):
        assert found["timezone"] == "Asia/Shanghai"
        with pytest.raises(KeyError, match="two columns named 'name'"):
            found["name"]


def test_a_column_added_to_a_select_shifts_nothing(store, monkeypatch):
    with open_reader(store) as reader:
        before = (queries.sites(reader), queries.devices(reader), spare_queries.stock(reader))
        monkeypatch.setattr(queries, "SITE_COLUMNS", "id, " + queries.SITE_COLUMNS)
        monkeypatch.setattr(queries, "DEVICE_COLUMNS", "d.id AS device_id, " + queries.DEVICE_COLUMNS)
        monkeypatch.setattr(spare_queries, "STOCK_COLUMNS", "u.id AS unit_id, " + spare_queries.STOCK_COLUMNS)
        assert (queries.sites(reader), queries.devices(reader), spare_queries.stock(reader)) == before
    assert [s.name for s in before[0]] == ["hq"]
    assert [(d.name, d.options) for d in before[1]] == [("srv01", {"auth": "basic"})]
    assert [(u.serial, u.site, u.bin) for u in before[2]] == [("SP1", "hq", "B1")]

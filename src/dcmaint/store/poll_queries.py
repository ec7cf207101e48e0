"""When each device was last polled, as recorded: what a collector reads to leave alone a device that another
collector has just polled (:mod:`dcmaint.services.collector`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dcmaint.store.reader import Rows, as_datetime


def polled_at(reader: Rows, sites: Sequence[str] = ()) -> dict[tuple[str, str], datetime]:
    """``(site, device) -> polled_at`` of every recorded poll of ``sites`` (every site when empty): one query,
    whatever the number of devices."""
    sql = "SELECT s.name AS site, d.name AS device, p.polled_at FROM device_polls p "
    sql += "JOIN devices d ON d.id = p.device_id JOIN sites s ON s.id = d.site_id"
    params = {f"site{n}": name for n, name in enumerate(sites)}
    if params:
        sql += " WHERE s.name IN (" + ", ".join(f":{key}" for key in params) + ")"
    return {(row["site"], row["device"]): as_datetime(row["polled_at"]) for row in reader.rows(sql, params)}

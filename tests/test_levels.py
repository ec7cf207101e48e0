"""Stock levels: the Poisson model on its own, and the installed base and depot read from both backends."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from dcmaint.domain.levels import (
    LevelLine,
    LevelStatus,
    PartDemand,
    depot_complete,
    expected_demand,
    level_line,
    level_lines,
    poisson_cdf,
    poisson_quantile,
    recommended_stock,
)
from dcmaint.errors import NotFound, UsageError

# --- the model -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lam", "fill", "expected"),
    [
        (1.0, 0.95, 3),  # CDF(2) = 0.920, CDF(3) = 0.981
        (0.1, 0.95, 1),  # CDF(0) = e^-0.1 = 0.905
        (0.05, 0.95, 0),  # CDF(0) = 0.951
        (0.0, 0.95, 0),
        (0.0, 0.999999, 0),
        (2.0, 0.95, 5),  # CDF(4) = 0.947, CDF(5) = 0.983
        (5.0, 0.95, 9),  # CDF(8) = 0.932, CDF(9) = 0.968
        (10.0, 0.99, 18),  # CDF(17) = 0.9857, CDF(18) = 0.9928
        (1.0, 0.5, 1),
    ],
)
def test_known_quantiles(lam, fill, expected):
    assert poisson_quantile(lam, fill) == expected


def test_quantile_is_the_smallest_stock_reaching_the_fill_rate():
    for lam in (0.01, 0.3, 1.7, 12.0, 80.0):
        for fill in (0.5, 0.9, 0.95, 0.99):
            s = poisson_quantile(lam, fill)
            assert poisson_cdf(s, lam) >= fill - 1e-12
            assert s == 0 or poisson_cdf(s - 1, lam) < fill


def test_monotonic_in_fill_rate_and_demand():
    fills = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
    for lam in (0.2, 3.0, 40.0):
        levels = [poisson_quantile(lam, f) for f in fills]
        assert levels == sorted(levels)
    demands = [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0]
    stocks = [poisson_quantile(lam, 0.95) for lam in demands]
    assert stocks == sorted(stocks)


@pytest.mark.parametrize("lam", [200.0, 1_000.0, 50_000.0, 1_000_000.0])
def test_large_demand_is_near_the_normal_approximation(lam):
    # exp(-λ) underflows beyond ~745: the sum must stay in log space.
    z95 = 1.6448536269514722
    normal = lam + z95 * math.sqrt(lam)
    assert abs(poisson_quantile(lam, 0.95) - normal) <= 2 + 0.05 * math.sqrt(lam)


def test_cdf_is_a_distribution():
    assert poisson_cdf(-1, 3.0) == 0.0
    assert poisson_cdf(0, 0.0) == 1.0
    assert math.isclose(poisson_cdf(0, 2.0), math.exp(-2.0))
    assert math.isclose(poisson_cdf(200, 3.0), 1.0)
    assert math.isclose(poisson_cdf(1000, 1000.0), 0.5, abs_tol=0.01)


@pytest.mark.parametrize("fill", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_fill_rate_outside_zero_one_is_a_usage_error(fill):
    with pytest.raises(UsageError, match="fill rate"):
        poisson_quantile(1.0, fill)
    with pytest.raises(UsageError, match="fill rate"):
        level_lines([], fill)


def test_expected_demand_is_failures_during_the_lead_time():
    # 400 disks at 2 % a year, 30 days to replace: 400 · 0.02 · 30/365 = 0.657
    assert math.isclose(expected_demand(400, 0.02, 30), 400 * 0.02 * 30 / 365)
    assert recommended_stock(400, 0.02, 30) == 2  # CDF(1) = 0.859, CDF(2) = 0.970
    assert recommended_stock(0, 0.02, 30) == 0
    with pytest.raises(ValueError):
        expected_demand(-1, 0.02, 30)


def _demand(number="P1", installed=400, rate=0.02, lead=30, on_hand=0, catalogued=True):
    return PartDemand(number, "disk" if catalogued else None, None, installed, rate, lead, on_hand, catalogued)


def test_line_statuses_and_shortfall():
    short = level_line(_demand(on_hand=1))
    assert (short.status, short.recommended, short.shortfall) == ("short", 2, 1)
    ok = level_line(_demand(on_hand=5))
    assert (ok.status, ok.shortfall) == ("ok", -3)  # a surplus is a negative shortfall
    exact = level_line(_demand(on_hand=2))
    assert (exact.status, exact.shortfall) == ("ok", 0)
    for no_data in (_demand(rate=None), _demand(lead=None), _demand(rate=-0.1)):
        line = level_line(no_data)
        assert line.status == "no failure data"
        assert (line.expected_demand, line.recommended, line.shortfall) == (None, None, None)
    loose = level_line(_demand(rate=None, lead=None, catalogued=False))
    assert loose.status == "not catalogued" and loose.recommended is None


def test_zero_rate_needs_no_stock():
    line = level_line(_demand(rate=0.0))
    assert (line.expected_demand, line.recommended, line.status) == (0.0, 0, "ok")


def test_lines_sort_shortfalls_first_largest_first():
    lines = level_lines(
        [
            _demand("A-ok", on_hand=9),
            _demand("B-nodata", rate=None),
            _demand("C-small", on_hand=1),
            _demand("D-big", installed=4000, on_hand=0),
            _demand("E-loose", catalogued=False, rate=None, lead=None),
        ]
    )
    assert [line.part_number for line in lines] == ["D-big", "C-small", "B-nodata", "E-loose", "A-ok"]


def test_depot_complete_only_when_every_line_is_ok():
    assert depot_complete([])
    assert depot_complete(level_lines([_demand(on_hand=2), _demand("Q", rate=0.0)]))
    assert not depot_complete(level_lines([_demand(on_hand=1)]))
    assert not depot_complete(level_lines([_demand(on_hand=9), _demand("Q", rate=None)]))
    assert not depot_complete(level_lines([_demand(catalogued=False, rate=None, lead=None)]))


def test_json_keys_are_the_contract():
    line = level_line(_demand(on_hand=1))
    assert list(line.as_json()) == [
        "part_number",
        "part_class",
        "description",
        "installed",
        "annual_failure_rate",
        "lead_time_days",
        "expected_demand",
        "recommended",
        "on_hand",
        "shortfall",
        "status",
    ]
    assert isinstance(line, LevelLine)
    assert line.status is LevelStatus.SHORT and json.loads(json.dumps(line.as_json()))["status"] == "short"


# --- the store, on both backends ------------------------------------------------------------

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _seed(db_url: str) -> None:
    """Two sites; site A has disks under an option number, PSUs under a spare alias, fans without data,
    an uncatalogued NIC and a component with no number at all."""
    from dcmaint.store.models.depot import PartNumberRow, PartRow, StockUnitRow
    from dcmaint.store.models.health import ComponentRow
    from dcmaint.store.models.registers import DeviceRow, SiteRow
    from dcmaint.store.unit import write
    from dcmaint.store.urls import parse

    with write(parse(db_url), "test", "seed") as unit:
        s = unit.session
        site_a = SiteRow(name="A", customer="某银行")
        site_b = SiteRow(name="B", customer="某证券")
        s.add_all([site_a, site_b])
        s.flush()
        disk = PartRow(
            part_number="DISK-1",
            part_class="disk",
            description="1.2TB SAS",
            annual_failure_rate=0.02,
            lead_time_days=30,
        )
        psu = PartRow(
            part_number="PSU-1", part_class="psu", description="800W", annual_failure_rate=0.5, lead_time_days=73
        )
        fan = PartRow(
            part_number="FAN-1", part_class="fan", description=None, annual_failure_rate=None, lead_time_days=10
        )
        s.add_all([disk, psu, fan])
        s.flush()
        s.add_all(
            [
                PartNumberRow(part_id=disk.id, number="DISK-OPT", kind="option"),
                PartNumberRow(part_id=psu.id, number="PSU-SPARE", kind="spare"),
            ]
        )
        devices = []
        for n in range(4):
            d = DeviceRow(site_id=site_a.id, name=f"a{n}", kind="server")
            devices.append(d)
        other = DeviceRow(site_id=site_b.id, name="b0", kind="server")
        s.add_all([*devices, other])
        s.flush()

        def comp(device, kind, slot, pn=None, spare=None):
            return ComponentRow(
                device_id=device.id,
                kind=kind,
                location=slot,
                part_number=pn,
                spare_part_number=spare,
                health="ok",
                first_seen=NOW,
                last_seen=NOW,
            )

        rows = []
        for d in devices:
            for bay in range(100):  # 400 disks, half under the main number, half under the option number
                rows.append(comp(d, "disk", f"bay{bay}", "DISK-1" if bay % 2 else "DISK-OPT"))
            # PSUs report a number the catalogue does not know, and a spare number it does.
            rows.append(comp(d, "psu", "psu1", "VENDOR-PSU-X", "PSU-SPARE"))
            rows.append(comp(d, "psu", "psu2", None, "PSU-1"))
            rows.append(comp(d, "fan", "fan1", "FAN-1"))
            rows.append(comp(d, "nic", "nic1", "NIC-UNKNOWN", "NIC-SPARE-UNKNOWN"))
            rows.append(comp(d, "dimm", "dimm1"))  # no number: cannot be stocked
        for bay in range(50):
            rows.append(comp(other, "disk", f"bay{bay}", "DISK-1"))
        s.add_all(rows)
        s.add_all(
            [
                StockUnitRow(part_id=disk.id, part_number="DISK-1", site_id=site_a.id, serial="D1", status="in_stock"),
                StockUnitRow(part_id=disk.id, part_number="DISK-1", site_id=site_a.id, serial="D2", status="reserved"),
                StockUnitRow(part_id=disk.id, part_number="DISK-1", site_id=site_a.id, serial="D3", status="installed"),
                StockUnitRow(part_id=disk.id, part_number="DISK-1", site_id=site_b.id, serial="D4", status="in_stock"),
                StockUnitRow(part_id=disk.id, part_number="DISK-1", site_id=site_b.id, serial="D5", status="in_stock"),
                # received before the catalogue knew it: matched through its label
                StockUnitRow(part_id=None, part_number="PSU-SPARE", site_id=site_a.id, quantity=2, status="in_stock"),
                StockUnitRow(part_id=psu.id, part_number="PSU-1", site_id=site_a.id, quantity=3, status="in_stock"),
                StockUnitRow(part_id=None, part_number="NIC-SPARE-UNKNOWN", site_id=site_a.id, status="in_stock"),
                StockUnitRow(part_id=fan.id, part_number="FAN-1", site_id=site_a.id, status="removed"),
            ]
        )


def _levels(db_url: str, site: str, fill_rate: float = 0.95):
    from dcmaint.services.levels import levels
    from dcmaint.store.reader import open_reader
    from dcmaint.store.urls import parse

    with open_reader(parse(db_url)) as reader:
        return levels(reader, site, fill_rate)


def test_levels_of_a_site(db_url):
    from dcmaint.services.levels import depot_complete as complete

    _seed(db_url)
    lines = _levels(db_url, "A")
    by_number = {line.part_number: line for line in lines}
    assert set(by_number) == {"DISK-1", "PSU-1", "FAN-1", "NIC-UNKNOWN"}

    disk = by_number["DISK-1"]  # the option number counts for the same part
    assert disk.installed == 400 and disk.part_class == "disk" and disk.description == "1.2TB SAS"
    assert math.isclose(disk.expected_demand, 400 * 0.02 * 30 / 365)
    assert (disk.recommended, disk.on_hand, disk.shortfall, disk.status) == (2, 1, 1, "short")

    psu = by_number["PSU-1"]  # matched through the spare number and the main number; λ = 8·0.5·73/365 = 0.8
    assert psu.installed == 8 and math.isclose(psu.expected_demand, 0.8)
    assert (psu.recommended, psu.on_hand, psu.status) == (poisson_quantile(0.8, 0.95), 5, "ok")

    fan = by_number["FAN-1"]
    assert (fan.installed, fan.on_hand, fan.status, fan.recommended) == (4, 0, "no failure data", None)

    nic = by_number["NIC-UNKNOWN"]
    assert (nic.installed, nic.on_hand, nic.status, nic.part_class) == (4, 1, "not catalogued", None)

    assert [line.part_number for line in lines] == ["DISK-1", "FAN-1", "NIC-UNKNOWN", "PSU-1"]
    assert not complete(lines)


def test_levels_count_only_the_sites_own_devices_and_depot(db_url):
    from dcmaint.services.levels import depot_complete as complete

    _seed(db_url)
    (disk,) = _levels(db_url, "B")
    assert (disk.part_number, disk.installed, disk.on_hand) == ("DISK-1", 50, 2)
    assert disk.recommended == poisson_quantile(50 * 0.02 * 30 / 365, 0.95) == 1
    assert disk.status == "ok" and complete([disk])


def test_fill_rate_raises_the_levels(db_url):
    _seed(db_url)
    low = {line.part_number: line.recommended for line in _levels(db_url, "A", 0.5)}
    high = {line.part_number: line.recommended for line in _levels(db_url, "A", 0.999)}
    assert low["DISK-1"] < high["DISK-1"] and low["PSU-1"] < high["PSU-1"]


def test_site_without_components_has_no_lines(db_url):
    from dcmaint.domain.records import Site
    from dcmaint.services import sites
    from dcmaint.store.unit import write
    from dcmaint.store.urls import parse

    with write(parse(db_url), "test", "site add") as unit:
        sites.add(unit, Site("empty", "某银行", None, None, None, 12, 15, "Asia/Shanghai", "cn"))
    assert _levels(db_url, "empty") == []


def test_unknown_site_and_bad_fill_rate_are_usage_errors(db_url):
    _seed(db_url)
    with pytest.raises(NotFound, match="nowhere"):
        _levels(db_url, "nowhere")
    with pytest.raises(UsageError, match="fill rate"):
        _levels(db_url, "A", 1.0)

"""A device's driver is settled when it is registered: a named one checked, a missing one inferred (both backends).

The scenario driver (tests/scenario.py) is installed through a real entry
point and declares the ``scenario`` scheme; probing is tried against the
real Redfish simulator and, for what no installed plugin does (two drivers
claiming one scheme, a probe that hangs), against drivers registered in the
process.
"""

from __future__ import annotations

import asyncio

import pytest

from dcmaint.domain.records import Device
from dcmaint.drivers import DeviceIdentity, DeviceReport, ServerDriver, UpsDriver
from dcmaint.drivers.manager import DriverManager
from dcmaint.services.driver_choice import Basis, choose, scheme_of
from tests.helpers import audit, counts


@pytest.fixture
def hq(cli, scenario):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    return cli


def one_line(result, *named: str) -> None:
    assert result.code == 2, result
    assert result.out == "" and len(result.err.strip().splitlines()) == 1, result.err
    for text in named:
        assert text in result.err, (text, result.err)


def device_json(cli, name: str) -> dict:
    return cli.ok("device", "show", name, "-f", "json").json()


def test_the_endpoints_scheme_names_the_driver(hq):
    added = hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", "scenario://srv01")
    assert "hq/srv01: driver scenario (it serves the endpoint's scheme scenario)" in added.err
    assert device_json(hq, "srv01")["driver"] == "scenario"
    named = hq.ok("device", "add", "srv02", "--site", "hq", "--kind", "server", "--driver", " scenario ")
    assert named.err == "" and device_json(hq, "srv02")["driver"] == "scenario"


def test_an_endpoint_no_driver_serves_is_registered_with_a_warning(hq):
    for name, kind, endpoint, reason in (
        ("ftp01", "server", "ftp://10.0.0.5", "no installed driver serves ftp:// for server devices"),
        ("tape01", "backup", "tape01.example.cn", "no installed driver serves backup devices"),
        ("fw01", "security", "scenario://fw01", "no installed driver serves scenario:// for security devices"),
    ):
        result = hq.ok("device", "add", name, "--site", "hq", "--kind", kind, "--endpoint", endpoint)
        assert result.err.startswith(f"dcmaint: warning: hq/{name}: no driver, so health will not poll it: "), result
        assert reason in result.err and f"dcmaint device edit {name} --site hq --driver NAME" in result.err
        assert device_json(hq, name)["driver"] is None


def test_an_unknown_driver_is_refused_before_anything_is_written(hq, db_url, tmp_path):
    hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    before = counts(db_url)
    one_line(
        hq("device", "add", "srv02", "--site", "hq", "--kind", "server", "--driver", "redfsh"),
        "'redfsh'",
        "known drivers: scenario",
    )
    one_line(hq("device", "edit", "srv01", "--driver", "redfsh"), "'redfsh'", "known drivers: scenario")
    one_line(hq("device", "edit", "--site", "hq", "--driver", "redfsh"), "'redfsh'")
    listing = tmp_path / "list.csv"
    listing.write_text("设备名称,设备类型,驱动\nsrv03,服务器,scenario\nsrv04,服务器,redfsh\n", encoding="utf-8")
    imported = hq("device", "import", listing, "--site", "hq")
    assert imported.code == 2 and imported.out == ""
    assert imported.err.splitlines() == [
        "dcmaint: error: list.csv, row 3: unknown driver 'redfsh' (known drivers: scenario)",
        "dcmaint: error: list.csv: 1 bad row of 2; nothing was imported (fix it, or use --skip-bad)",
    ]
    assert counts(db_url) == before


def test_import_infers_each_rows_driver(hq, tmp_path):
    listing = tmp_path / "list.csv"
    listing.write_text(
        "设备名称,设备类型,管理IP\nsrv03,服务器,scenario://srv03\nups01,UPS,ups01.example.cn\nsan01,存储,\n",
        encoding="utf-8",
    )
    result = hq.ok("device", "import", listing, "--site", "hq")
    assert "hq/srv03: driver scenario (it serves the endpoint's scheme scenario)" in result.err
    assert "dcmaint: warning: hq/ups01: no driver" in result.err and "san01" not in result.err
    assert [device_json(hq, name)["driver"] for name in ("srv03", "ups01", "san01")] == ["scenario", None, None]


def test_a_new_endpoint_keeps_a_driver_that_serves_it_and_gets_one_otherwise(hq):
    hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--driver", "scenario")
    kept = hq.ok("device", "edit", "srv01", "--endpoint", "scenario://srv01-new")
    assert kept.err == "" and device_json(hq, "srv01")["driver"] == "scenario"
    hq.ok("device", "add", "srv02", "--site", "hq", "--kind", "server")
    inferred = hq.ok("device", "edit", "srv02", "--endpoint", "scenario://srv02")
    assert "hq/srv02: driver scenario" in inferred.err and device_json(hq, "srv02")["driver"] == "scenario"
    cleared = hq.ok("device", "edit", "srv02", "--endpoint", "ftp://srv02")
    assert "no driver" in cleared.err and device_json(hq, "srv02")["driver"] is None


def test_edit_sets_a_driver_on_many_devices_in_one_transaction(hq, db_url):
    hq.ok("site", "add", "dr", "--customer", "某银行")
    for name, site, kind in (("srv01", "hq", "server"), ("srv02", "hq", "server"), ("ups01", "hq", "ups")):
        hq.ok("device", "add", name, "--site", site, "--kind", kind)
    hq.ok("device", "add", "srv09", "--site", "dr", "--kind", "server")
    done = hq.ok("device", "edit", "--site", "hq", "--kind", "server", "--driver", "scenario", "-f", "json")
    assert [(d["name"], d["driver"]) for d in done.json()] == [("srv01", "scenario"), ("srv02", "scenario")]
    assert done.err == "2 of 2 devices changed\n"
    assert device_json(hq, "ups01")["driver"] is None and device_json(hq, "srv09")["driver"] is None
    edits = [(e.entity_key, e.action, e.command) for e in audit(db_url) if e.entity == "device" and e.action == "edit"]
    assert edits == [("hq/srv01", "edit", "device edit"), ("hq/srv02", "edit", "device edit")]
    hq.ok("device", "edit", "--kind", "server", "--username", "monitor", "--option", "auth=basic")
    assert {device_json(hq, name)["options"]["auth"] for name in ("srv01", "srv02")} == {"basic"}
    assert device_json(hq, "srv09")["username"] == "monitor" and device_json(hq, "ups01")["username"] is None
    before = counts(db_url)
    one_line(hq("device", "edit", "--site", "hq", "--serial", "X1"), "--serial")
    one_line(hq("device", "edit", "--site", "hq", "--rename", "x"), "--rename")
    one_line(hq("device", "edit", "--driver", "scenario"), "--site")
    one_line(hq("device", "edit", "--site", "nowhere", "--driver", "scenario"), "'nowhere'")
    one_line(hq("device", "edit", "--site", "dr", "--kind", "ups", "--driver", "scenario"), "--site dr --kind ups")
    one_line(hq("device", "edit", "--site", "hq"), "nothing to change")
    assert counts(db_url) == before


# --- probing, against the Redfish simulator ----------------------------------------------------------


@pytest.fixture
def bmc():
    """One simulated HPE BMC (the Redfish plugin's simulator), its plain-HTTP URL."""
    from dcmaint.drivers.simulators import SimulatorOptions
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=1, flavours=("hpe-ilo5",))) as sim:
        yield sim.endpoints[0].url


def test_a_generic_scheme_is_settled_by_probing(cli_sqlite, bmc):
    cli_sqlite.ok("site", "add", "hq", "--customer", "某银行")
    assert bmc.startswith("http://")
    result = cli_sqlite.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", bmc)
    assert "hq/srv01: driver redfish (it recognised the endpoint: HPE ProLiant" in result.err
    silent = cli_sqlite.ok(
        "device", "add", "srv02", "--site", "hq", "--kind", "server", "--endpoint", "https://127.0.0.1:9"
    )
    assert "hq/srv02: driver redfish, the only one serving https:// for server devices (not confirmed" in silent.err
    assert [device_json(cli_sqlite, name)["driver"] for name in ("srv01", "srv02")] == ["redfish", "redfish"]


# --- ambiguous schemes and bounded probes, with drivers registered in the process -----------------------


class Knows(ServerDriver):
    name, version, schemes = "knows", "1", ("https", "mgmt")

    async def probe(self, target):
        return DeviceIdentity(vendor="Acme", model="X1") if "acme" in (target.endpoint or "") else None

    async def poll(self, target):
        return DeviceReport(DeviceIdentity())


class Hangs(ServerDriver):
    name, version, schemes = "hangs", "1", ("mgmt",)  # "mgmt" is refused: "knows" declared it first

    async def probe(self, target):
        await asyncio.sleep(3600)

    async def poll(self, target):
        return DeviceReport(DeviceIdentity())


class Ups(UpsDriver):
    name, version, schemes = "ups", "1", ("upsnet",)

    async def poll(self, target):
        return DeviceReport(DeviceIdentity())


def device(name: str, endpoint: str | None, kind: str = "server", driver: str | None = None) -> Device:
    return Device(
        "hq", name, kind, None, None, None, None, None, None, True, driver, endpoint, None, None, True, None, None, None
    )


def test_ambiguous_and_generic_schemes_are_probed_within_the_bound():
    manager = DriverManager(entry_points=False, warn=lambda line: None)
    for driver in (Knows, Hangs, Ups):
        manager.register_driver(driver)
    found = choose(
        manager,
        [
            device("a", "mgmt://acme-1"),  # two drivers declare mgmt: the one that recognises it wins
            device("b", "mgmt://other"),  # nobody recognises it, and two declare it: no driver
            device("c", "https://acme-2"),  # generic: probed, recognised
            device("d", "https://other"),  # generic, unrecognised, one declaring driver: chosen, unconfirmed
            device("e", "upsnet://ups-1", kind="ups"),  # specific: no probe
            device("f", None),  # nothing to settle
            device("g", "mgmt://acme-3", driver="knows"),  # named: not inferred
        ],
        timeout=0.2,
    )
    assert [(c.device, c.driver, c.basis) for c in found] == [
        ("a", "knows", Basis.PROBE),
        ("b", None, Basis.NONE),
        ("c", "knows", Basis.PROBE),
        ("d", "knows", Basis.UNCONFIRMED),
        ("e", "ups", Basis.SCHEME),
    ]
    assert "it recognised the endpoint: Acme X1" in found[0].note
    assert "the endpoint answered no probe of hangs, knows" in found[1].note


def test_scheme_of_reads_the_url_scheme():
    assert [scheme_of(e) for e in ("REDFISH://h", "redfish+http://h:1", "10.0.0.1", "host:443")] == [
        "redfish",
        "redfish+http",
        "",
        "",
    ]

"""`dcmaint rma` on both backends: a removed part's custody through its RMA, a loaner that stands in for a device
and is swapped back (the register and the installed base follow), overdue RMAs, ticket return-to-factory, and
every bad input refused with one line, exit 2 and nothing written (docs/rma.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse
from tests.helpers import audit, counts
from tests.scenario import part, report
from tests.test_spares_swap import room  # noqa: F401  (the fixture: two servers whose PSU 2 failed)

T1 = "T-2026-000001"
ZONE = ZoneInfo("Asia/Shanghai")
SOON = (datetime.now(ZONE) + timedelta(days=30)).date().isoformat()


@pytest.fixture
def hq(room):  # noqa: F811
    """The room of tests/test_spares_swap.py: srv01's PSU 2 (5WB2) swapped for NEW-1, so 5WB2 is in custody."""
    cli, scenario = room
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-1")
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-2")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--by", "张伟")
    return cli, scenario


def _local(days_ago: int) -> str:
    return (datetime.now(ZONE) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")


def _custody(cli, serial: str) -> dict:
    lines = [line for line in cli.ok("spare", "custody", "-f", "json").json() if line["serial"] == serial]
    assert len(lines) == 1, lines
    return lines[0]


def _devices(cli) -> dict[str, dict]:
    return {d["name"]: d for d in cli.ok("device", "list", "--site", "hq", "-f", "json").json()}


def _components(db_url: str, device: str) -> set[str]:
    with open_reader(parse(db_url)) as reader:
        rows = reader.rows(
            "SELECT c.serial FROM components c JOIN devices d ON d.id = c.device_id WHERE d.name = :name",
            {"name": device},
        )
    return {row["serial"] for row in rows}


def test_a_removed_part_stays_the_customers_through_its_rma(hq, db_url):
    cli, _scenario = hq
    kept = _custody(cli, "5WB2")["kept_at"]
    opened = cli.ok(
        "rma", "open", "--vendor", "HPE", "--part", "5WB2", "--number", "HPE-4471", "--reason", "PSU 无输入",
        "--at", _local(3),
    )  # fmt: skip
    assert opened.out.startswith("R-") and "5WB2 (865414-B21)" in opened.out
    ref = opened.out.split(":")[0]
    assert _custody(cli, "5WB2")["kept_at"] == kept  # still here until it ships
    cli.ok("rma", "ship", "HPE-4471", "--carrier", "顺丰", "--tracking", "SF1234", "--at", _local(2))
    away = _custody(cli, "5WB2")  # still listed: the customer's property, at the vendor
    assert away["kept_at"] == f"at vendor HPE under RMA {ref}"
    shown = cli.ok("rma", "show", ref, "-f", "json").json()
    assert shown["state"] == "shipped" and shown["custody"] == away["kept_at"] and shown["carrier"] == "顺丰"
    assert shown["allowed"] == ["receive"] and shown["unit_kind"] == "part" and shown["number"] == "HPE-4471"

    cli.ok("rma", "receive", ref, "--serial", "5WB2-R", "--at", _local(1))  # the vendor sent another unit
    back = _custody(cli, "5WB2-R")
    assert back["kept_at"] == kept and back["part_number"] == "865414-B21"
    shown = cli.ok("rma", "show", ref, "-f", "json").json()
    assert (shown["serial"], shown["returned_serial"], shown["state"]) == ("5WB2", "5WB2-R", "received")
    cli.ok("rma", "close", ref)
    assert cli.ok("rma", "list", "-f", "json").json() == []
    [closed] = cli.ok("rma", "list", "--all", "-f", "json").json()
    assert closed["state"] == "closed" and closed["unit"] == "5WB2-R (865414-B21)"
    actions = [(e.entity, e.action) for e in audit(db_url) if e.entity in ("rma", "spare")]
    assert [a for a in actions if a[0] == "rma"] == [("rma", a) for a in ("open", "ship", "receive", "close")]
    assert ("spare", "custody") in actions and ("spare", "vendor-replaced") in actions


def test_a_loaner_stands_in_and_is_swapped_back_with_the_register_and_installed_base(hq, db_url):
    cli, scenario = hq
    assert cli("health", "--record").code == 2  # srv02's PSU 2 is still failed
    originals = _components(db_url, "srv02")
    assert originals == {"6WB1", "6WB2"}
    ref = cli.ok("rma", "open", "--vendor", "HPE", "--device", "srv02", "--target-date", SOON).out
    ref = ref.split(":")[0]
    out = cli.ok("rma", "loaner", ref, "--serial", "LN-7", "--model", "DL380 Gen10").out
    assert "srv02-loaner (LN-7) stands in for srv02" in out
    devices = _devices(cli)
    loaner, original = devices["srv02-loaner"], devices["srv02"]
    assert (loaner["endpoint"], loaner["driver"], loaner["serial"]) == ("scenario://srv02", "scenario", "LN-7")
    assert loaner["vendor"] == "HPE" and loaner["kind"] == "server" and ref in loaner["notes"]
    assert original["endpoint"] is None and original["driver"] is None
    lent = cli("rma", "open", "--vendor", "HPE", "--device", "srv02-loaner")  # not the customer's to send
    assert lent.code == 2 and f"srv02-loaner is the loaner of RMA {ref}, not the customer's unit" in lent.err

    # the loaner is polled like any device, with the original's endpoint: the installed base is its own
    scenario("srv02", report(part("psu", "PSU 1", serial="LNP1"), part("psu", "PSU 2", serial="LNP2")))
    polled = cli("health", "--record", "-f", "json")
    assert {d["name"]: d["status"] for d in polled.json()["devices"]}["srv02-loaner"] == "ok"
    assert _components(db_url, "srv02-loaner") == {"LNP1", "LNP2"}
    assert _components(db_url, "srv02") == originals  # the original's parts are remembered, not polled

    [line] = cli.ok("rma", "list", "-f", "json").json()
    assert line["loaner"] == "srv02-loaner" and line["flags"] == []
    cli.ok("rma", "ship", ref)
    cli.ok("rma", "receive", ref)
    flagged = cli.ok("rma", "list", "--overdue", "-f", "json")  # a loaner left in is listed, not overdue
    assert [line["flags"] for line in flagged.json()] == [["loaner-left"]]
    before, chain = counts(db_url), audit(db_url)
    refused = cli("rma", "close", ref)
    assert refused.code == 2 and "swap it back first" in refused.err and "allowed: swap-back" in refused.err
    assert counts(db_url) == before and audit(db_url) == chain

    cli.ok("rma", "swap-back", ref)
    devices = _devices(cli)
    retired = devices["srv02-loaner"]  # polled, it has an archive file: kept for that history only, out of service
    assert (retired["endpoint"], retired["driver"], retired["rack"], retired["covered"]) == (None, None, None, False)
    assert retired["notes"].startswith("loaner returned to HPE")
    assert (devices["srv02"]["endpoint"], devices["srv02"]["driver"]) == ("scenario://srv02", "scenario")
    assert _components(db_url, "srv02-loaner") == set()
    scenario("srv02", report(part("psu", "PSU 1", serial="6WB1"), part("psu", "PSU 2", serial="6WB2")))
    polled = cli("health", "--record", "-f", "json")
    assert {d["name"]: d["status"] for d in polled.json()["devices"]}["srv02"] == "ok"
    assert _components(db_url, "srv02") == originals
    shown = cli.ok("rma", "show", ref, "-f", "json").json()
    [lent] = shown["loaners"]
    assert (lent["device"], lent["serial"], lent["model"]) == ("srv02-loaner", "LN-7", "DL380 Gen10")
    assert lent["removed_at"] is not None and shown["allowed"] == ["close"]
    assert cli.ok("rma", "list", "--overdue", "-f", "json").json() == []
    cli.ok("rma", "close", ref)
    entries = [(e.entity, e.entity_key, e.action) for e in audit(db_url) if e.entity in ("rma", "device")]
    assert ("device", "hq/srv02-loaner", "add") in entries and ("device", "hq/srv02-loaner", "retire") in entries
    assert ("device", "hq/srv02", "away") in entries and ("device", "hq/srv02", "back") in entries
    assert ("rma", ref, "swap-back") in entries


def test_receive_with_swap_back_and_a_replacement_unit_in_one_step(hq, db_url):
    cli, _scenario = hq
    ref = cli.ok("rma", "open", "--vendor", "HPE", "--device", "srv02").out.split(":")[0]
    cli.ok("rma", "loaner", ref, "--serial", "LN-8", "--model", "DL380", "--name", "借用机1", "--vendor", "代理商")
    assert _devices(cli)["借用机1"]["vendor"] == "代理商"
    cli.ok("rma", "ship", ref)
    cli.ok("rma", "receive", ref, "--serial", "CN-NEW-1", "--swap-back")
    devices = _devices(cli)
    assert "借用机1" not in devices and devices["srv02"]["serial"] == "CN-NEW-1"  # never polled: it leaves entirely
    assert devices["srv02"]["endpoint"] == "scenario://srv02"
    assert ("device", "hq/借用机1", "remove") in [(e.entity, e.entity_key, e.action) for e in audit(db_url)]
    # a second loaner for the same device while the first one's name is taken
    ref2 = cli.ok("rma", "open", "--vendor", "HPE", "--device", "srv01").out.split(":")[0]
    cli.ok("rma", "loaner", ref2, "--serial", "LN-9", "--model", "DL380")
    assert "srv01-loaner" in _devices(cli)


def test_overdue_rmas_make_the_list_exit_1(hq, db_url):
    cli, _scenario = hq
    late = (datetime.now(ZONE) - timedelta(days=5)).date().isoformat()
    ref = cli.ok("rma", "open", "--vendor", "HPE", "--device", "srv02", "--at", _local(20), "--target-date", late)
    ref = ref.out.split(":")[0]
    cli.ok("rma", "open", "--vendor", "HPE", "--part", "5WB2", "--target-date", SOON)
    listed = cli("rma", "list", "-f", "json")
    assert listed.code == 1
    assert {line["rma"]: line["flags"] for line in listed.json()}[ref] == ["overdue"]
    overdue = cli("rma", "list", "--overdue")
    assert overdue.code == 1 and ref in overdue.out and "5WB2" not in overdue.out
    cli.ok("rma", "ship", ref, "--at", _local(19))
    assert cli("rma", "list", "--overdue").code == 1  # still at the vendor after the target date
    cli.ok("rma", "receive", ref)
    assert cli("rma", "list", "--overdue", "-f", "json").json() == []
    assert cli("rma", "list", "--site", "hq").code == 0
    assert [line["unit"] for line in cli.ok("rma", "list", "--state", "open", "-f", "json").json()] == [
        "5WB2 (865414-B21)"
    ]


def test_ticket_return_to_factory_opens_an_rma_for_its_device(hq, db_url):
    cli, _scenario = hq
    cli.ok("ticket", "new", "--site", "hq", "--description", "整机故障", "--device", "srv02")
    cli.ok("ticket", "assign", T1, "--to", "张伟")
    cli.ok("ticket", "start", T1)
    out = cli.ok("ticket", "return-to-factory", T1, "--vendor", "HPE", "--reason", "主板返厂", "--number", "H-9").out
    assert out.startswith(f"{T1}: return to factory recorded") and "srv02" in out
    ticket = cli.ok("ticket", "show", T1, "-f", "json").json()
    [rma] = ticket["rmas"]
    assert ticket["events"][-1]["kind"] == "return-to-factory" and ticket["events"][-1]["note"] == "主板返厂"
    shown = cli.ok("rma", "show", "H-9", "-f", "json").json()
    assert (shown["rma"], shown["ticket"], shown["unit"], shown["reason"]) == (rma, T1, "srv02", "主板返厂")
    assert rma in cli.ok("ticket", "show", T1).out
    cli.ok("rma", "open", "--vendor", "HPE", "--part", "5WB2", "--ticket", T1)
    assert len(cli.ok("ticket", "show", T1, "-f", "json").json()["rmas"]) == 2


def _bad_inputs(ref: str, part_ref: str) -> list[tuple[tuple[str, ...], str]]:
    future = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return [
        (("rma", "open", "--vendor", "HPE", "--device", "nosuch"), "unknown device 'nosuch'"),
        (("rma", "open", "--vendor", "HPE"), "give either --device or --part"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--part", "5WB2"), "give either --device or --part"),
        (("rma", "open", "--vendor", "HPE", "--part", "NOPE-1"), "unknown serial 'NOPE-1'"),
        (("rma", "open", "--vendor", "HPE", "--part", "NEW-2"), "NEW-2 is not a part removed"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--number", "no way!"), "'no way!'"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--target-date", "2026-02-30"), "'2026-02-30'"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--target-date", "2020-01-01"), "'2020-01-01'"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--target-date", "2099-01-01"), "more than a year"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--at", future), repr(future)),
        (("rma", "open", "--vendor", "HP\x07E", "--device", "srv01"), "--vendor"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--ticket", "T-2099-000001"), "T-2099-000001"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv02"), f"already has RMA {ref} open"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--site", "dr"), "unknown device 'srv01'"),
        (("rma", "open", "--vendor", "HPE", "--device", "srv01", "--number", "H-1"), f"already recorded on {ref}"),
        (("rma", "ship", "R-2026-999999"), "unknown RMA 'R-2026-999999'"),
        (("rma", "receive", ref), f"RMA {ref} is open: it cannot receive (allowed: loaner, ship)"),
        (("rma", "close", ref), "it cannot close"),
        (("rma", "swap-back", ref), "it cannot swap-back"),
        (("rma", "ship", ref, "--at", "2020-01-01"), "is before the RMA's opening"),
        (("rma", "ship", ref, "--at", "yesterday"), "'yesterday'"),
        (("rma", "loaner", part_ref, "--serial", "LN-1", "--model", "X"), "is for a part"),
        (("rma", "loaner", ref, "--serial", "SN\x1b[31m", "--model", "X"), "--serial"),
        (("rma", "loaner", ref, "--serial", "LN-1", "--model", "X", "--name", "a b"), "'a b'"),
        (("rma", "loaner", ref, "--serial", "LN-1", "--model", "X", "--name", "srv01"), "already exists"),
        (("rma", "list", "--state", "lost"), "'lost'"),
        (("rma", "list", "--site", "nowhere"), "unknown site 'nowhere'"),
        (("rma", "show", "H-404"), "unknown RMA 'H-404'"),
        (("ticket", "return-to-factory", T1, "--vendor", "HPE", "--reason", "x"), "it cannot return-to-factory"),
        (("ticket", "return-to-factory", "T-2099-000009", "--vendor", "HPE", "--reason", "x"), "T-2099-000009"),
    ]


def test_every_bad_input_is_one_line_exit_2_and_writes_nothing(hq, db_url):
    cli, _scenario = hq
    ref = cli.ok("rma", "open", "--vendor", "HPE", "--device", "srv02", "--number", "H-1").out.split(":")[0]
    part_ref = cli.ok("rma", "open", "--vendor", "HPE", "--part", "5WB2").out.split(":")[0]
    cli.ok("ticket", "new", "--site", "hq", "--description", "整机故障", "--device", "srv02")  # new: not started
    before, chain = counts(db_url), audit(db_url)
    for argv, expected in _bad_inputs(ref, part_ref):
        result = cli(*argv)
        lines = result.err.strip().splitlines()
        assert result.code == 2 and result.out == "", (argv, result)
        assert len(lines) == 1 and lines[0].startswith("dcmaint: error: "), (argv, result.err)
        assert expected in lines[0], (argv, lines[0])
    assert counts(db_url) == before and audit(db_url) == chain
    # a received part whose vendor sent a unit with a serial the depot already knows: refused, nothing changed
    cli.ok("rma", "ship", part_ref)
    before, chain = counts(db_url), audit(db_url)
    taken = cli("rma", "receive", part_ref, "--serial", "NEW-2")
    assert taken.code == 2 and "NEW-2 is already in the depot's records" in taken.err
    assert counts(db_url) == before and audit(db_url) == chain
    assert cli.ok("rma", "show", part_ref, "-f", "json").json()["state"] == "shipped"


@pytest.fixture
def bmc(cli, monkeypatch):
    """One server behind a simulated iLO 5 (the Redfish simulator, polled by the in-tree driver)."""
    from dcmaint.drivers.simulators import SimulatorOptions
    from dcmaint_redfish.sim import running

    monkeypatch.setenv("BMC_PW", "any-password")
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "redfish")
    with running(SimulatorOptions(count=1, flavours=("hpe-ilo5",))) as sim:
        cli.ok("site", "add", "lab", "--customer", "Lab")
        cli.ok(
            "device", "add", "web01", "--site", "lab", "--kind", "server", "--driver", "redfish", "--rack", "B2",
            "--endpoint", sim.endpoints[0].url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip
        yield cli, sim.endpoints[0].url


def test_a_loaner_behind_the_originals_bmc_is_polled_through_the_redfish_driver(bmc, db_url):
    cli, url = bmc
    cli.ok("health", "--record", "--timeout", "30")
    parts = _components_at(db_url, "web01")
    assert parts  # the installed base the BMC reported
    ref = cli.ok("rma", "open", "--vendor", "HPE", "--device", "web01").out.split(":")[0]
    cli.ok("rma", "loaner", ref, "--serial", "LN-42", "--model", "DL380 Gen10")
    polled = cli.ok("health", "--record", "--timeout", "30", "-f", "json").json()
    assert [(d["name"], d["driver"], d["status"]) for d in polled["devices"]] == [("web01-loaner", "redfish", "ok")]
    assert [d["name"] for d in polled["skipped"]] == ["web01"]  # away: nothing to poll
    assert _components_at(db_url, "web01-loaner") == parts  # the BMC now answers for the loaner
    cli.ok("rma", "ship", ref)
    cli.ok("rma", "receive", ref, "--swap-back")
    devices = {d["name"]: d for d in cli.ok("device", "list", "--site", "lab", "-f", "json").json()}
    assert (devices["web01"]["endpoint"], devices["web01"]["rack"]) == (url, "B2")
    assert devices["web01-loaner"]["endpoint"] is None and not devices["web01-loaner"]["covered"]
    assert _components_at(db_url, "web01-loaner") == set()  # out of the installed base
    polled = cli.ok("health", "--record", "--timeout", "30", "-f", "json").json()
    assert [(d["name"], d["status"]) for d in polled["devices"]] == [("web01", "ok")]


def _components_at(db_url: str, device: str) -> set[tuple[str, str]]:
    with open_reader(parse(db_url)) as reader:
        rows = reader.rows(
            "SELECT c.kind, c.location FROM components c JOIN devices d ON d.id = c.device_id WHERE d.name = :name",
            {"name": device},
        )
    return {(row["kind"], row["location"]) for row in rows}

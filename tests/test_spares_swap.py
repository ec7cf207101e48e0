"""`dcmaint spare match | swap | swaps | consent | custody | handover`, on both backends.

The installed base comes from real `health --record` runs of the scenario
driver (tests/scenario.py), so a swap is checked against what a poll
recorded, and `--verify` polls the device again through its driver.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import audit, counts, race
from tests.scenario import part, report

CATALOGUE = """
[[part]]
part_number = "865414-B21"
vendor = "HPE"
description = "800W Flex Slot Platinum PSU"
class = "psu"
annual_failure_rate = 0.01
lead_time_days = 10
numbers = { spare = ["866730-001"] }
[[part.substitutes]]
part_number = "865408-B21"
note = "500W: enough for this load"

[[part]]
part_number = "865408-B21"
vendor = "HPE"
description = "500W Flex Slot Platinum PSU"
class = "psu"
numbers = { spare = ["866729-001"] }

[[part]]
part_number = "872479-B21"
vendor = "HPE"
description = "1.2TB SAS 10K SFF HDD"
class = "disk"
lead_time_days = 5
numbers = { spare = ["872737-001"] }
"""


def failed(prefix: str):
    """PSU 2 lost its input; each server's parts carry their own serials (5WB1, 5WB2 on srv01)."""
    return report(
        part("psu", "PSU 1", serial=f"{prefix}1", spare="866730-001"),
        part("psu", "PSU 2", "critical", "PSU 2: input lost", serial=f"{prefix}2", spare="866730-001"),
    )


def mended(serial: str, health: str = "ok", prefix: str = "5WB"):
    return report(
        part("psu", "PSU 1", serial=f"{prefix}1", spare="866730-001"),
        part(
            "psu", "PSU 2", health, None if health == "ok" else "PSU 2: input lost", serial=serial, spare="866730-001"
        ),
    )


@pytest.fixture
def room(cli, scenario, tmp_path):
    """Site hq with two servers whose PSU 2 failed (recorded), a DR site, and the catalogue."""
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("site", "add", "hq", "--customer", "某银行", "--timezone", "Asia/Shanghai")
    cli.ok("site", "add", "dr", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    for name, prefix in (("srv01", "5WB"), ("srv02", "6WB")):
        cli.ok(
            "device",
            "add",
            name,
            "--site",
            "hq",
            "--kind",
            "server",
            "--driver",
            "scenario",
            "--endpoint",
            f"scenario://{name}",
        )
        scenario(name, failed(prefix))
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    assert cli("health", "--record").code == 2
    return cli, scenario


def ticket(cli, device="srv01", start=True):
    """A ticket for the device's PSU fault, assigned and (by default) being handled; its reference."""
    ref = cli.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障", "--device", device).out.split(":")[0]
    cli.ok("ticket", "assign", ref, "--to", "张伟")
    if start:
        cli.ok("ticket", "start", ref, "--onsite")
    return ref


def add(cli, site, number, serial, *extra):
    cli.ok("spare", "add", "--site", site, "--part", number, "--serial", serial, *extra)


def match(cli, *args):
    return cli.ok("spare", "match", *args, "-f", "json").json()


def test_match_ranks_exact_alias_substitute_and_other_sites(room):
    cli, _ = room
    add(cli, "dr", "865414-B21", "DR-EXACT", "--received", "2026-01-01")
    add(cli, "hq", "865408-B21", "HQ-SUB")
    add(cli, "hq", "866730-001", "HQ-ALIAS", "--bin", "A-3", "--received", "2026-05-01")
    add(cli, "hq", "866730-001", "HQ-ALIAS-OLD", "--received", "2026-02-01")
    add(cli, "hq", "866730-001", "HQ-REFURB", "--condition", "refurbished", "--received", "2025-01-01")
    add(cli, "hq", "865414-B21", "HQ-EXACT", "--received", "2026-06-01")
    add(cli, "hq", "865414-B21", "HQ-PROMISED")
    promised_for = ticket(cli)
    cli.ok("spare", "reserve", "HQ-PROMISED", "--ticket", promised_for)
    add(cli, "hq", "872737-001", "HQ-DISK")
    lines = match(cli, "--device", "srv01", "--slot", "PSU 2", "--limit", "10")
    # The slot reports 865414-B21 and its spare number 866730-001: both are exact.
    assert [(line["serial"], line["fit"]) for line in lines] == [
        ("HQ-ALIAS-OLD", "exact"),
        ("HQ-ALIAS", "exact"),
        ("HQ-EXACT", "exact"),
        ("HQ-REFURB", "exact"),
        ("DR-EXACT", "exact"),
        ("HQ-SUB", "substitute"),
    ]
    assert [line["rank"] for line in lines] == [1, 2, 3, 4, 5, 6]
    assert "A-3" in lines[1]["explanation"] and "refurbished" in lines[3]["explanation"]
    assert "transfer" in lines[4]["explanation"] and lines[4]["site"] == "dr"
    assert lines[5]["needs_consent"] is True and "needs customer consent" in lines[5]["explanation"]
    assert "500W" in lines[5]["explanation"]
    # A spare reserved for this ticket comes first among its fit when the ticket is named.
    promised = match(cli, "--device", "srv01", "--slot", "psu:PSU 2", "--ticket", promised_for, "--limit", "1")
    assert [line["serial"] for line in promised] == ["HQ-PROMISED"]
    # The ticket alone names the slots: its devices' open part faults.
    by_ticket = match(cli, "--ticket", promised_for, "--limit", "1")
    assert [(line["device"], line["slot"], line["serial"]) for line in by_ticket] == [
        ("srv01", "psu:PSU 2", "HQ-PROMISED")
    ]
    table = cli.ok("spare", "match", "--device", "srv01", "--slot", "PSU 2").out
    assert "HQ-ALIAS-OLD" in table and "Why" in table


def test_same_part_under_another_number_is_an_alias(room):
    cli, scenario = room
    scenario("srv02", report(part("psu", "PSU 2", "critical", "input lost", serial="X2")))  # reports 865414-B21 only
    assert cli("health", "srv02", "--record").code == 2
    add(cli, "hq", "866730-001", "HQ-ALIAS")
    lines = match(cli, "--device", "srv02", "--slot", "PSU 2")
    assert [(line["serial"], line["fit"]) for line in lines] == [("HQ-ALIAS", "alias")]
    assert "865414-B21" in lines[0]["explanation"]


def test_nothing_in_stock_says_what_to_order(room):
    cli, _ = room
    lines = match(cli, "--device", "srv01")  # every open fault of the device
    assert [(line["slot"], line["fit"], line["part_number"]) for line in lines] == [
        ("psu:PSU 2", "order", "865414-B21")
    ]
    assert "866730-001" in lines[0]["explanation"] and "10" in lines[0]["explanation"]
    # A spare at another site only: offered, and ordering is still suggested for this site.
    add(cli, "dr", "865414-B21", "DR-1")
    lines = match(cli, "--device", "srv01")
    assert [(line["serial"], line["fit"]) for line in lines] == [("DR-1", "exact"), (None, "order")]


def test_match_by_fault_id(room, db_url):
    cli, _ = room
    faults = cli.ok("device", "show", "srv02", "-f", "json").json()["open_faults"]
    add(cli, "hq", "865414-B21", "HQ-1")
    lines = match(cli, "--fault", str(faults[0]["id"]))
    assert [(line["device"], line["slot"], line["serial"]) for line in lines] == [("srv02", "psu:PSU 2", "HQ-1")]


def test_match_bad_input(room, db_url, scenario):
    cli, _ = room
    alarm = {
        "message": "PSU 2: input lost",
        "severity": "critical",
        "code": "PsuCritical",
        "source": None,
        "raised_at": None,
    }
    scenario("srv02", {**failed("6WB"), "alarms": [alarm]})
    assert cli("health", "srv02", "--record").code == 2
    faults = cli.ok("device", "show", "srv02", "-f", "json").json()["open_faults"]
    alarm_id = next(f["id"] for f in faults if f["kind"] == "alarm")
    assert [line["slot"] for line in match(cli, "--device", "srv02")] == ["psu:PSU 2"]  # the alarm is not a part
    before = counts(db_url)
    cases = [
        (("--device", "srv01", "--slot", "PSU 9"), "'PSU 9'"),
        (("--device", "nosuch"), "'nosuch'"),
        (("--fault", "99999"), "99999"),
        (("--fault", str(alarm_id)), "alarm:PsuCritical"),
        (("--fault", "1", "--device", "srv01"), "--fault"),
        ((), "--device"),
        (("--device", "srv01", "--limit", "0"), "0"),
    ]
    for args, named in cases:
        result = cli("spare", "match", *args)
        assert result.code == 2, (args, result)
        assert len(result.err.strip().splitlines()) == 1 and named in result.err, (args, result.err)
    assert counts(db_url) == before


def test_swap_installs_the_spare_and_puts_the_removed_part_in_custody(room, db_url):
    cli, _ = room
    add(cli, "hq", "866730-001", "NEW-1", "--bin", "A-3")
    ref = ticket(cli)
    cli.ok("spare", "reserve", "NEW-1", "--ticket", ref)
    done = cli.ok(
        "spare",
        "swap",
        "--device",
        "srv01",
        "--slot",
        "PSU 2",
        "--spare",
        "NEW-1",
        "--ticket",
        ref,
        "--by",
        "张伟",
        "-f",
        "json",
    ).json()
    assert (done["slot"], done["spare_serial"], done["fit"], done["removed_serial"], done["custody_location"]) == (
        "psu:PSU 2",
        "NEW-1",
        "exact",
        "5WB2",
        "A-3",
    )
    assert done["technician"] == "张伟" and done["ticket"] == ref and done["fault_id"] is not None
    assert done["verification"] == "not_checked"
    fitted = cli.ok("spare", "show", "NEW-1", "-f", "json").json()
    assert (fitted["status"], fitted["device"], fitted["slot"], fitted["reserved_for"]) == (
        "installed",
        "srv01",
        "PSU 2",
        None,
    )
    removed = cli.ok("spare", "show", "5WB2", "-f", "json").json()
    assert (removed["status"], removed["condition"], removed["device"], removed["custody_location"]) == (
        "removed",
        "faulty",
        "srv01",
        "A-3",
    )
    shown = cli.ok("device", "show", "srv01", "-f", "json").json()
    assert shown["open_faults"] == []  # the part the fault was about is gone
    custody = cli.ok("spare", "custody", "--site", "hq", "-f", "json").json()
    assert [(c["serial"], c["device"], c["slot"], c["kept_at"], c["ticket"]) for c in custody] == [
        ("5WB2", "srv01", "PSU 2", "A-3", ref)
    ]
    swaps = cli.ok("spare", "swaps", "--ticket", ref, "-f", "json").json()
    assert [s["id"] for s in swaps] == [done["id"]]
    events = cli.ok("ticket", "show", ref, "-f", "json").json()["events"]
    assert events[-1]["kind"] == "swap" and "fitted NEW-1, removed 5WB2" in events[-1]["note"]
    actions = [(e.entity, e.action) for e in audit(db_url)[-4:]]  # the ticket's event is in its own table
    assert actions == [("fault", "close"), ("spare", "install"), ("spare", "remove"), ("swap", "swap")]
    # The same spare cannot go in twice; nothing changes.
    before, chain = counts(db_url), len(audit(db_url))
    again = cli("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-1")
    assert again.code == 2 and "NEW-1" in again.err and "installed in srv01" in again.err
    assert counts(db_url) == before and len(audit(db_url)) == chain


def test_swap_bad_input_is_one_line_and_changes_nothing(room, db_url):
    cli, _ = room
    add(cli, "hq", "865414-B21", "GOOD-1")
    add(cli, "hq", "865408-B21", "SUB-1")
    add(cli, "hq", "872737-001", "DISK-1")
    add(cli, "hq", "866730-001", "HELD-1")
    held_for = ticket(cli)
    not_started = ticket(cli, start=False)
    cli.ok("spare", "reserve", "HELD-1", "--ticket", held_for)
    cli.ok("spare", "add", "--site", "hq", "--part", "866730-001", "--serial", "5WB1-COPY")
    before, chain = counts(db_url), len(audit(db_url))
    base = ("spare", "swap", "--device", "srv01")
    cases = [
        ((*base, "--slot", "PSU 2", "--spare", "NOPE-9"), "'NOPE-9'"),
        ((*base, "--slot", "PSU 9", "--spare", "GOOD-1"), "'PSU 9'"),
        ((*base, "--slot", "fan:PSU 2", "--spare", "GOOD-1"), "'fan:PSU 2'"),
        ((*base, "--slot", "PSU 2", "--spare", "SUB-1"), "consent"),
        ((*base, "--slot", "PSU 2", "--spare", "DISK-1"), "does not fit"),
        ((*base, "--slot", "PSU 2", "--spare", "HELD-1"), held_for),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--ticket", "T-2026-999999"), "'T-2026-999999'"),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--ticket", not_started), "cannot swap"),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--by", "nobody"), "'nobody'"),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--removed-serial", "GOOD-1"), "'GOOD-1'"),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--removed-serial", "5WB1-COPY"), "'5WB1-COPY'"),
        ((*base, "--slot", "PSU 2", "--spare", "GOOD-1", "--keep-at", "x" * 201), "200"),
        (("spare", "swap", "--device", "nosuch", "--slot", "PSU 2", "--spare", "GOOD-1"), "'nosuch'"),
    ]
    for args, named in cases:
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert len(result.err.strip().splitlines()) == 1, (args, result.err)
        assert named in result.err, (args, result.err)
        assert counts(db_url) == before and len(audit(db_url)) == chain, args


def test_substitute_needs_a_recorded_consent(room, db_url):
    cli, _ = room
    add(cli, "hq", "865408-B21", "SUB-1")
    refused = cli("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "SUB-1")
    assert refused.code == 2 and "consent" in refused.err
    not_declared = cli(
        "spare",
        "consent",
        "add",
        "--site",
        "hq",
        "--part",
        "865414-B21",
        "--substitute",
        "872479-B21",
        "--by",
        "李主任",
        "--document",
        "MAIL-1",
    )
    assert not_declared.code == 2 and "872479-B21" in not_declared.err
    other_device = cli.ok(
        "spare",
        "consent",
        "add",
        "--site",
        "hq",
        "--part",
        "866730-001",
        "--substitute",
        "865408-B21",
        "--by",
        "李主任",
        "--document",
        "MAIL-2",
        "--device",
        "srv02",
        "--date",
        "2026-11-20",
        "-f",
        "json",
    ).json()
    assert other_device["device"] == "srv02" and other_device["part_number"] == "865414-B21"
    still = cli("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "SUB-1")
    assert still.code == 2 and "consent" in still.err  # consent for srv02 does not cover srv01
    lines = match(cli, "--device", "srv01", "--slot", "PSU 2")
    assert lines[0]["needs_consent"] is True
    cli.ok(
        "spare",
        "consent",
        "add",
        "--site",
        "hq",
        "--part",
        "865414-B21",
        "--substitute",
        "865408-B21",
        "--by",
        "李主任",
        "--document",
        "MAIL-3",
        "--date",
        "2026-11-21",
    )
    lines = match(cli, "--device", "srv01", "--slot", "PSU 2")
    assert lines[0]["needs_consent"] is False and "MAIL-3" in lines[0]["consent"]
    done = cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "SUB-1", "-f", "json").json()
    assert done["fit"] == "substitute" and done["consent"].startswith("MAIL-3 (李主任, 2026-11-21)")
    assert [c["document_ref"] for c in cli.ok("spare", "consent", "list", "-f", "json").json()] == ["MAIL-2", "MAIL-3"]
    fitted = cli.ok("spare", "show", "SUB-1", "-f", "json").json()
    assert (fitted["status"], fitted["device"]) == ("installed", "srv01")


def test_verify_polls_the_device(room, db_url):
    cli, scenario = room
    add(cli, "hq", "865414-B21", "NEW-1")
    add(cli, "hq", "865414-B21", "NEW-2")
    scenario("srv01", mended("NEW-1"))  # the technician fitted it; the BMC now says so
    done = cli.ok(
        "spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--verify", "-f", "json"
    ).json()
    assert done["verification"] == "verified" and "NEW-1" in done["verify_message"]
    # srv02: the new part is in but the BMC still reports the slot failed.
    scenario("srv02", mended("NEW-2", "critical", prefix="6WB"))
    result = cli("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-2", "--verify", "-f", "json")
    assert result.code == 1
    assert "unverified" in result.err and "critical" in result.err and len(result.err.strip().splitlines()) == 1
    assert result.json()["verification"] == "unverified"
    reopened = cli.ok("device", "show", "srv02", "-f", "json").json()["open_faults"]
    assert [f["location"] for f in reopened] == ["PSU 2"]
    listed = {s["device"]: s["verification"] for s in cli.ok("spare", "swaps", "-f", "json").json()}
    assert listed == {"srv01": "verified", "srv02": "unverified"}
    assert [e.action for e in audit(db_url)].count("verify") == 2


def test_verify_reports_a_wrong_serial_and_an_unreachable_device(room):
    cli, scenario = room
    add(cli, "hq", "865414-B21", "NEW-1")
    add(cli, "hq", "865414-B21", "NEW-2")
    scenario("srv01", mended("SOMETHING-ELSE"))
    wrong = cli("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--verify")
    assert wrong.code == 1 and "SOMETHING-ELSE" in wrong.err and "NEW-1" in wrong.err
    scenario("srv02", {"error": "unreachable", "message": "10.0.0.9: connection refused"})
    down = cli("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-2", "--verify")
    assert down.code == 1 and "connection refused" in down.err


def test_handover(room, db_url):
    cli, _ = room
    add(cli, "hq", "865414-B21", "NEW-1")
    add(cli, "hq", "865414-B21", "NEW-2")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--keep-at", "机房备件柜")
    cli.ok("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-2", "--removed-serial", "OLD-2")
    before, chain = counts(db_url), len(audit(db_url))
    for args, named in [
        (("--site", "hq", "--to", "王工", "--serial", "NEW-1"), "NEW-1"),  # installed, not removed
        (("--site", "hq", "--to", "王工", "--serial", "NOPE"), "'NOPE'"),
        (("--site", "dr", "--to", "王工", "--serial", "OLD-2"), "OLD-2"),
        (("--site", "hq", "--to", "王工", "--at", "yesterday"), "'yesterday'"),
        (("--site", "hq", "--to", "王工", "--at", "2026-11-25T09:30"), "'2026-11-25T09:30' is before"),  # removal
        (("--site", "hq", "--to", "王工", "--at", "2099-01-01T08:00"), "'2099-01-01T08:00' is in the future"),
        (("--site", "hq", "--to", "王工", "--serial", "OLD\x1b[2J"), "'OLD\\x1b[2J'"),
        (("--site", "nowhere", "--to", "王工"), "'nowhere'"),
    ]:
        result = cli("spare", "handover", *args)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, (args, result)
    assert counts(db_url) == before and len(audit(db_url)) == chain
    # After the removal (the swaps just now) and not ahead: the next whole minute at the site.
    handed = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    first = cli.ok(
        "spare",
        "handover",
        "--site",
        "hq",
        "--to",
        "王工",
        "--serial",
        "OLD-2",
        "--document",
        "R-1",
        "--at",
        handed.strftime("%Y-%m-%dT%H:%M"),
        "-f",
        "json",
    ).json()
    assert first["serials"] == ["OLD-2"]
    assert first["handed_at"] == handed.astimezone(UTC).isoformat()  # read in the site's zone, Asia/Shanghai
    waiting = cli.ok("spare", "custody", "-f", "json").json()
    assert [(c["serial"], c["kept_at"]) for c in waiting] == [("5WB2", "机房备件柜")]
    rest = cli.ok("spare", "handover", "--site", "hq", "--to", "王工", "-f", "json").json()
    assert rest["serials"] == ["5WB2"] and rest["parts"] == 1
    assert cli.ok("spare", "custody", "-f", "json").json() == []
    every = cli.ok("spare", "custody", "--all", "-f", "json").json()
    assert {(c["serial"], c["handed_to"]) for c in every} == {("OLD-2", "王工"), ("5WB2", "王工")}
    again = cli("spare", "handover", "--site", "hq", "--to", "王工")
    assert again.code == 2 and "no removed parts" in again.err
    twice = cli("spare", "handover", "--site", "hq", "--to", "王工", "--serial", "OLD-2")
    assert twice.code == 2 and "already handed over" in twice.err


def test_a_spare_swapped_out_again_walks_on_to_removed(room):
    cli, scenario = room
    for serial in ("NEW-1", "NEW-2", "NEW-3"):
        add(cli, "hq", "865414-B21", serial)
    scenario("srv01", mended("NEW-1"))
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--verify")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-2")
    first = cli.ok("spare", "show", "NEW-1", "-f", "json").json()
    assert (first["status"], first["condition"]) == ("removed", "used")  # it was healthy when taken out
    # NEW-2 has not been seen in place by a poll: a second swap must name the part it takes out.
    unseen = cli("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-3")
    assert unseen.code == 2 and "--removed-serial NEW-2" in unseen.err
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-3", "--removed-serial", "NEW-2")
    assert cli.ok("spare", "show", "NEW-2", "-f", "json").json()["status"] == "removed"


def test_two_technicians_swap_the_same_spare_exactly_one_wins(room, db_url, home):
    cli, _ = room
    add(cli, "hq", "865414-B21", "RACE-1")
    argvs = [
        ["spare", "swap", "--device", device, "--slot", "PSU 2", "--spare", "RACE-1"] for device in ("srv01", "srv02")
    ] * 2
    results = race(db_url, home, argvs)
    winners = [i for i, (code, _err) in enumerate(results) if code == 0]
    assert len(winners) == 1, results
    assert all(
        code == 2 and "RACE-1" in err and len(err.strip().splitlines()) == 1 for code, err in results if code != 0
    ), results
    assert len(cli.ok("spare", "swaps", "-f", "json").json()) == 1
    assert [e.action for e in audit(db_url)].count("swap") == 1
    assert len(cli.ok("spare", "custody", "-f", "json").json()) == 1


def test_two_spares_into_one_slot_exactly_one_wins(room, db_url, home):
    cli, _ = room
    for serial in ("RACE-A", "RACE-B", "RACE-C", "RACE-D"):
        add(cli, "hq", "865414-B21", serial)
    argvs = [
        ["spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", serial]
        for serial in ("RACE-A", "RACE-B", "RACE-C", "RACE-D")
    ]
    results = race(db_url, home, argvs)
    winners = [i for i, (code, _err) in enumerate(results) if code == 0]
    assert len(winners) == 1, results
    assert all(code == 2 and "PSU 2" in err for code, err in results if code != 0), results
    statuses = {s["serial"]: s["status"] for s in cli.ok("spare", "list", "--part", "865414-B21", "-f", "json").json()}
    assert sorted(v for k, v in statuses.items() if k.startswith("RACE-")) == [
        "in_stock",
        "in_stock",
        "in_stock",
        "installed",
    ]
    assert statuses["5WB2"] == "removed"
    assert [s["spare_serial"] for s in cli.ok("spare", "swaps", "-f", "json").json()] == [argvs[winners[0]][-1]]


def test_consent_bad_input_is_one_line_and_changes_nothing(room, db_url):
    cli, _ = room
    before, chain = counts(db_url), len(audit(db_url))
    good = ["--site", "hq", "--part", "865414-B21", "--substitute", "865408-B21", "--by", "李主任", "--document", "M-1"]

    def but(option, value):
        args = list(good)
        args[args.index(option) + 1] = value
        return args

    for args, named in [
        (but("--site", "nowhere"), "'nowhere'"),
        (but("--part", "NO-SUCH-PART"), "'NO-SUCH-PART'"),
        (but("--substitute", "872479-B21"), "872479-B21"),
        (but("--document", "  "), "--document"),
        ([*good, "--date", "2026-13-01"], "2026-13-01"),
        ([*good, "--device", "srv99"], "'srv99'"),
    ]:
        result = cli("spare", "consent", "add", *args)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, (args, result)
    assert counts(db_url) == before and len(audit(db_url)) == chain
    assert cli("spare", "consent", "list", "--site", "nowhere").code == 2


def test_a_slot_without_a_number_is_offered_its_class_best_first(room, tmp_path):
    cli, scenario = room
    fan = {
        "kind": "fan",
        "location": "Fan 3",
        "health": "critical",
        "reason": "Fan 3: 0 RPM",
        "name": None,
        "part": {
            "manufacturer": None,
            "model": None,
            "part_number": None,
            "spare_part_number": None,
            "serial": None,
            "firmware": None,
            "capacity_bytes": None,
            "speed_mhz": None,
            "link_mbps": None,
            "rpm": None,
            "attributes": {},
        },
    }
    scenario("srv02", {**failed("6WB"), "components": [*failed("6WB")["components"], fan]})
    assert cli("health", "srv02", "--record").code == 2
    (tmp_path / "fans.toml").write_text(
        '[[part]]\npart_number = "867810-B21"\nclass = "fan"\n\n[[part]]\npart_number = "FAN-OTHER"\nclass = "fan"\n',
        encoding="utf-8",
    )
    cli.ok("spare", "catalogue", "import", str(tmp_path / "fans.toml"))
    add(cli, "dr", "867810-B21", "FAN-DR", "--received", "2025-01-01")
    add(cli, "hq", "FAN-OTHER", "FAN-REFURB", "--condition", "refurbished", "--received", "2025-01-01")
    add(cli, "hq", "867810-B21", "FAN-NEW-LATE", "--received", "2026-06-01")
    add(cli, "hq", "867810-B21", "FAN-NEW-EARLY", "--received", "2026-01-01")
    add(cli, "hq", "867810-B21", "FAN-PROMISED", "--received", "2024-01-01")
    cli.ok("spare", "reserve", "FAN-PROMISED", "--ticket", ticket(cli, "srv02"))
    lines = match(cli, "--device", "srv02", "--slot", "Fan 3", "--limit", "3")
    assert [(line["serial"], line["fit"]) for line in lines] == [
        ("FAN-NEW-EARLY", "unchecked"),
        ("FAN-NEW-LATE", "unchecked"),
        ("FAN-REFURB", "unchecked"),
        (None, "order"),
    ]
    assert "check the label" in lines[0]["explanation"] and "no spare known to fit at hq" in lines[3]["explanation"]
    everything = match(cli, "--device", "srv02", "--slot", "Fan 3", "--limit", "10")
    assert [line["serial"] for line in everything][:-1] == ["FAN-NEW-EARLY", "FAN-NEW-LATE", "FAN-REFURB", "FAN-DR"]

"""After a swap: verified later (`spare verify`, `health --record`), the next step named, the slot taken from the
ticket, and slot names as technicians type them (both backends; the room of tests/test_spares_swap.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.domain.matching import SlotName, likely_first, pick_slot
from dcmaint.domain.swaps import SwapRecord
from dcmaint.errors import NotFound
from dcmaint.services.verify import next_step
from tests.helpers import audit, counts
from tests.test_spares_swap import add, failed, mended, room, ticket  # noqa: F401 - room is a fixture

__all__ = ["room"]


def swaps(cli, *args):
    return cli.ok("spare", "swaps", *args, "-f", "json").json()


def test_a_swap_verified_before_the_part_showed_is_verified_later(room, db_url):
    cli, scenario = room
    add(cli, "hq", "866730-001", "NEW-1")
    ref = ticket(cli)
    early = cli(
        "spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--ticket", ref, "--verify"
    )
    assert early.code == 1 and len(early.err.strip().splitlines()) == 1
    assert "swap 1 is unverified: psu:PSU 2 reports serial 5WB2, not the spare's NEW-1" in early.err
    assert "then `dcmaint spare verify 1` asks the device again" in early.err
    scenario("srv01", mended("NEW-1"))  # the BMC has inventoried the new supply
    later = cli.ok("spare", "verify", "1", "-f", "json")
    assert later.json()["verification"] == "verified" and "NEW-1, ok" in later.json()["verify_message"]
    assert later.err == f"next: `dcmaint ticket restore {ref}` stops the SLA clock\n"
    assert [e.action for e in audit(db_url) if e.entity == "swap"] == ["swap", "verify", "verify"]
    before = counts(db_url)
    for args, named in ((("1",), "swap 1 is verified already"), (("99",), "unknown swap 99")):
        refused = cli("spare", "verify", *args)
        assert refused.code == 2 and refused.out == "" and named in refused.err, refused
        assert len(refused.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_a_later_swap_of_the_slot_is_the_one_to_verify(room, db_url):
    cli, _ = room
    add(cli, "hq", "866730-001", "NEW-1")
    add(cli, "hq", "866730-001", "NEW-2")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-2", "--removed-serial", "NEW-1")
    before = counts(db_url)
    refused = cli("spare", "verify", "1")
    assert refused.code == 2 and "swap 1 was followed by swap 2 in the same slot" in refused.err
    assert counts(db_url) == before


def test_health_record_verifies_a_pending_swap_when_it_sees_the_spare(room, db_url):
    cli, scenario = room
    add(cli, "hq", "866730-001", "NEW-1")
    add(cli, "hq", "866730-001", "NEW-2")
    done = cli.ok("spare", "swap", "--device", "srv01", "--slot", "psu2", "--spare", "NEW-1")
    assert done.err == "next: `dcmaint spare verify 1` asks the device whether it sees the spare\n"
    cli.ok("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-2")
    assert cli("health", "--record").code == 2  # srv01 shows nothing new yet; srv02 still fails
    assert [s["verification"] for s in swaps(cli)] == ["not_checked", "not_checked"]
    scenario("srv01", mended("NEW-1"))
    scenario("srv02", mended("NEW-2", "critical", prefix="6WB"))  # fitted, but the slot still reports a failure
    assert cli("health", "--record").code == 2
    found = swaps(cli)
    assert [s["verification"] for s in found] == ["verified", "not_checked"]
    assert found[0]["verify_message"] == "psu:PSU 2 reports the spare NEW-1, ok (seen by health --record)"
    verified = [e for e in audit(db_url) if e.entity == "swap" and e.action == "verify"]
    assert [(e.entity_key, e.command) for e in verified] == [("hq/srv01:psu:PSU 2", "health")]


def test_the_ticket_names_the_part_when_it_is_about_one_fault(room, db_url):
    cli, _ = room
    add(cli, "hq", "866730-001", "NEW-1")
    ref = ticket(cli)  # srv01 has one open part fault: its PSU 2
    done = cli.ok("spare", "swap", "--spare", "NEW-1", "--ticket", ref, "-f", "json").json()
    assert (done["device"], done["slot"], done["ticket"]) == ("srv01", "psu:PSU 2", ref)
    other = ticket(cli, "srv02")
    add(cli, "hq", "866730-001", "NEW-2")
    before = counts(db_url)
    cases = [
        (("--ticket", "T-1999-000009"), "T-1999-000009"),
        (("--slot", "PSU 2", "--ticket", other), "--device and --slot"),
        ((), "--device and --slot"),
        (("--ticket", ref), "ticket " + ref + " is about 0 open part faults (none)"),
    ]
    for args, named in cases:
        refused = cli("spare", "swap", "--spare", "NEW-2", *args)
        assert refused.code == 2 and refused.out == "" and named in refused.err, (args, refused)
        assert len(refused.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_a_ticket_about_two_faults_asks_which(room, db_url):
    cli, _ = room
    add(cli, "hq", "866730-001", "NEW-1")
    ref = cli.ok(
        "ticket", "new", "--site", "hq", "--description", "两台电源", "--device", "srv01", "--device", "srv02"
    ).out.split(":")[0]
    cli.ok("ticket", "assign", ref, "--to", "张伟")
    cli.ok("ticket", "start", ref, "--onsite")
    before = counts(db_url)
    refused = cli("spare", "swap", "--spare", "NEW-1", "--ticket", ref)
    assert refused.code == 2
    assert f"ticket {ref} is about 2 open part faults (srv01 psu:PSU 2, srv02 psu:PSU 2)" in refused.err
    assert counts(db_url) == before
    done = cli.ok("spare", "swap", "--spare", "NEW-1", "--ticket", ref, "--device", "srv02", "-f", "json").json()
    assert (done["device"], done["slot"]) == ("srv02", "psu:PSU 2")


def test_slot_names_match_regardless_of_spaces_and_case(room):
    cli, _ = room
    for typed in ("PSU2", "psu 2", "psu:psu 2", " PSU:PSU2 ", "Psu 2"):
        lines = cli.ok("spare", "match", "--device", "srv01", "--slot", typed, "-f", "json").json()
        assert {line["slot"] for line in lines} == {"psu:PSU 2"}, typed
    refused = cli("spare", "match", "--device", "srv01", "--slot", "PSU 9")
    assert refused.code == 2
    assert "(known slots: psu:PSU 2, psu:PSU 1)" in refused.err  # the faulty one first


def test_the_hint_lists_faulty_slots_then_the_spares_class_in_natural_order():
    slots = [SlotName("dimm", f"DIMM {n}", "ok") for n in (1, 10, 2, 12, 3)]
    slots += [SlotName("fan", "Fan 1", "ok"), SlotName("disk", "Bay 2", "warning"), SlotName("psu", "PSU 1", "ok")]
    assert [s.slot for s in likely_first(slots, "psu")] == [
        "disk:Bay 2",
        "psu:PSU 1",
        "dimm:DIMM 1",
        "dimm:DIMM 2",
        "dimm:DIMM 3",
        "dimm:DIMM 10",
        "dimm:DIMM 12",
        "fan:Fan 1",
    ]
    with pytest.raises(NotFound, match=r"known slots: disk:Bay 2, dimm:DIMM 1, dimm:DIMM 2, dimm:DIMM 3, dimm:DIMM 10"):
        pick_slot("DIMM 99", "srv01", slots, "dimm")
    assert pick_slot("dimm10", "srv01", slots) == ("dimm", "DIMM 10")
    assert pick_slot("DIMM 1", "srv01", [*slots, SlotName("dimm", "DIMM1")]) == ("dimm", "DIMM 1")  # as typed first


def test_the_next_step_follows_the_swap_and_its_ticket():
    def swap(verification: str, ticket: str | None = "T-2026-000001") -> SwapRecord:
        return SwapRecord(
            3, "hq", "srv01", "psu:PSU 2", "NEW-1", "866730-001", "exact", None, "hq", "5WB2", None, None, ticket,
            "li.na", datetime.now(UTC), None, verification, None, None,
        )  # fmt: skip

    assert next_step(swap("unverified"), "in_progress") == (
        "next: check psu:PSU 2 of srv01, then `dcmaint spare verify 3` asks the device again"
    )
    assert next_step(swap("not_checked"), "in_progress") == (
        "next: `dcmaint spare verify 3` asks the device whether it sees the spare"
    )
    assert (
        next_step(swap("verified"), "in_progress") == "next: `dcmaint ticket restore T-2026-000001` stops the SLA clock"
    )
    assert next_step(swap("verified"), "restored") == (
        "next: `dcmaint ticket fill T-2026-000001 --actions TEXT` fills in the maintenance form"
    )
    assert next_step(swap("verified", None), None) == (
        "next: `dcmaint spare handover --site hq --to NAME` when the customer takes the removed part"
    )

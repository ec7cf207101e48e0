"""Consumables in `dcmaint spare match` (and `spare swap --consumable`), on both backends.

A consumable (a CRAC's air filter, a humidifier cylinder) is stocked as a
quantity per site, part and bin; a clogged filter must be offered the bin
that holds it, by the same fits and order as a serialised spare, never
"nothing in stock" while the bin is full.
"""

from __future__ import annotations

import pytest

from tests.helpers import audit, counts
from tests.scenario import report

FILTER = "FLT-G4-595x495x46"
CATALOGUE = """
[[part]]
part_number = "FLT-G4-595x495x46"
description = "Panel pre-filter G4, 595 x 495 x 46 mm"
class = "filter"
consumable = true
lead_time_days = 7
numbers = { other = ["G4-595"] }

[[part]]
part_number = "FLT-F5-595x495x46"
description = "Panel filter F5, 595 x 495 x 46 mm"
class = "filter"
consumable = true
lead_time_days = 7
[[part.substitutes]]
part_number = "FLT-G4-595x495x46"

[[part]]
part_number = "FLT-SERIAL-1"
description = "A filter cassette tracked by serial (a vendor's, with a certificate per unit)"
class = "filter"
consumable = false
"""


def component(kind: str, location: str, health: str = "ok", number: str | None = None, serial: str | None = None):
    """A part as the SNMP cooling profiles report it: no serial, a number only when the device's options give one."""
    return {
        "kind": kind,
        "location": location,
        "health": health,
        "reason": "Clogged air filter" if health != "ok" else None,
        "name": None,
        "part": {
            "manufacturer": None,
            "model": None,
            "part_number": number,
            "spare_part_number": None,
            "serial": serial,
            "firmware": None,
            "capacity_bytes": None,
            "speed_mhz": None,
            "link_mbps": None,
            "rpm": None,
            "attributes": {"consumable": "yes"},
        },
    }


def crac(health: str = "warning", number: str | None = FILTER):
    return report(component("filter", "Air filter", health, number), component("fan", "Fan 1"))


@pytest.fixture
def room(cli, scenario, tmp_path):
    """Sites hq and dr; crac01 (reports its filter's number) and crac02 (reports none), both filters clogged."""
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("site", "add", "dr", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    for name, number in (("crac01", FILTER), ("crac02", None)):
        cli.ok(
            "device", "add", name, "--site", "hq", "--kind", "server", "--driver", "scenario",
            "--endpoint", f"scenario://{name}",
        )  # fmt: skip
        scenario(name, crac(number=number))
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    assert cli("health", "--record").code == 1  # a clogged filter is a warning
    return cli, scenario


def match(cli, *args):
    return cli.ok("spare", "match", *args, "-f", "json").json()


def lines_of(found):
    return [
        (line["fit"], line["serial"], line["part_number"], line["site"], line["bin"], line["quantity"])
        for line in found
    ]


def test_a_bin_of_filters_is_offered_for_the_number_the_slot_reports(room):
    cli, _ = room
    before = match(cli, "--device", "crac01", "--slot", "Air filter")
    assert lines_of(before) == [("order", None, FILTER, None, None, None)]
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    found = match(cli, "--device", "crac01", "--slot", "filter:Air filter")
    assert lines_of(found) == [("exact", None, FILTER, "hq", "C-01", 6)]  # no "order" line: 6 are here
    assert found[0]["explanation"] == f"consumable {FILTER}: 6 in stock; at hq bin C-01"
    assert found[0]["status"] == "in_stock" and found[0]["needs_consent"] is False
    # The open fault names the same slot; the table shows the quantity too.
    assert lines_of(match(cli, "--device", "crac01")) == lines_of(found)
    table = cli.ok("spare", "match", "--device", "crac01").out
    assert f"consumable {FILTER}: 6 in stock; at hq bin C-01" in table and "Quantity" in table
    csv = cli.ok("spare", "match", "--device", "crac01", "-f", "csv").out.splitlines()
    assert csv[0].split(",")[-1] == "quantity" and csv[1].endswith(",6")


def test_a_slot_without_a_number_is_offered_bins_of_its_class(room):
    cli, _ = room
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-F5-595x495x46", "--quantity", "2", "--bin", "C-02")
    found = match(cli, "--device", "crac02", "--slot", "Air filter")
    assert lines_of(found) == [
        ("unchecked", None, FILTER, "hq", "C-01", 6),
        ("unchecked", None, "FLT-F5-595x495x46", "hq", "C-02", 2),
        ("order", None, None, None, None, None),
    ]
    assert found[0]["explanation"] == (
        f"consumable {FILTER}: 6 in stock; same class filter, but the slot reports no part number: "
        "check the label first; at hq bin C-01"
    )


def test_other_numbers_and_substitutes_of_a_consumable(room):
    cli, _ = room
    cli.ok("spare", "add", "--site", "hq", "--part", "G4-595", "--quantity", "3", "--bin", "C-03")
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-F5-595x495x46", "--quantity", "2", "--bin", "C-02")
    found = match(cli, "--device", "crac01", "--slot", "Air filter")
    assert lines_of(found) == [
        ("alias", None, "G4-595", "hq", "C-03", 3),
        ("substitute", None, "FLT-F5-595x495x46", "hq", "C-02", 2),
    ]
    assert found[0]["explanation"] == (
        f"consumable G4-595: 3 in stock; another number of catalogue part {FILTER} that the slot reports; "
        "at hq bin C-03"
    )
    assert found[1]["needs_consent"] is True and "needs customer consent" in found[1]["explanation"]


def test_an_empty_bin_is_not_offered_and_another_sites_bin_comes_after(room, db_url):
    cli, _ = room
    cli.ok("spare", "add", "--site", "dr", "--part", FILTER, "--quantity", "4", "--bin", "D-01")
    found = match(cli, "--device", "crac01", "--slot", "Air filter")
    assert lines_of(found) == [("exact", None, FILTER, "dr", "D-01", 4), ("order", None, FILTER, None, None, None)]
    assert found[0]["explanation"] == (
        f"consumable {FILTER}: 4 in stock; at dr bin D-01 (another site's depot: transfer it first)"
    )
    # A bin emptied by swaps (quantity 0) is kept as a row, and offered no more.
    _empty_bin(db_url, "hq", "C-09")
    assert lines_of(match(cli, "--device", "crac01", "--slot", "Air filter")) == lines_of(found)
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "1", "--bin", "C-01")
    assert lines_of(match(cli, "--device", "crac01", "--slot", "Air filter")) == [
        ("exact", None, FILTER, "hq", "C-01", 1),
        ("exact", None, FILTER, "dr", "D-01", 4),
    ]


def _empty_bin(db_url: str, site: str, bin_: str) -> None:
    """A bin whose last unit was taken: the row stays with quantity 0 (what `spare swap --consumable` leaves)."""
    from sqlalchemy import text

    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    with engine_for(parse(db_url)).begin() as connection:
        site_id = connection.execute(text("SELECT id FROM sites WHERE name = :s"), {"s": site}).scalar_one()
        part_id = connection.execute(text("SELECT id FROM parts WHERE part_number = :p"), {"p": FILTER}).scalar_one()
        connection.execute(
            text(
                "INSERT INTO stock_units (part_id, part_number, site_id, serial, bin, condition, quantity, status, "
                "updated_at) VALUES (:part, :number, :site, NULL, :bin, 'new', 0, 'in_stock', CURRENT_TIMESTAMP)"
            ),
            {"part": part_id, "number": FILTER, "site": site_id, "bin": bin_},
        )


def test_a_serialised_spare_of_the_same_part_ranks_as_before(room):
    cli, scenario = room
    scenario("crac01", crac(number="FLT-SERIAL-1"))
    assert cli("health", "crac01", "--record").code == 1
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-SERIAL-1", "--serial", "CASS-2", "--received", "2026-02-01")
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-SERIAL-1", "--serial", "CASS-1", "--received", "2026-01-01")
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    found = match(cli, "--device", "crac01", "--slot", "Air filter")
    # The G4 bin is another part, neither named by the slot nor declared a substitute: not offered.
    assert lines_of(found) == [
        ("exact", "CASS-1", "FLT-SERIAL-1", "hq", None, None),
        ("exact", "CASS-2", "FLT-SERIAL-1", "hq", None, None),
    ]
    assert found[0]["explanation"] == "labelled FLT-SERIAL-1, the number the slot reports; at hq"
    # By class (no number reported), bins and serialised units compete by the same rules: new, oldest first.
    scenario("crac01", crac(number=None))
    assert cli("health", "crac01", "--record").code == 1
    by_class = match(cli, "--device", "crac01", "--slot", "Air filter", "--limit", "10")
    assert [(line["serial"], line["bin"]) for line in by_class] == [
        ("CASS-1", None),
        ("CASS-2", None),
        (None, "C-01"),
        (None, None),
    ]


def test_match_bad_input_is_unchanged(room, db_url):
    cli, _ = room
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    before, chain = counts(db_url), len(audit(db_url))
    cases = [
        (("--device", "crac01", "--slot", "Air filter 9"), "'Air filter 9'"),
        (("--device", "nosuch"), "'nosuch'"),
        (("--fault", "99999"), "99999"),
        (("--device", "crac01", "--limit", "0"), "0"),
    ]
    for args, named in cases:
        result = cli("spare", "match", *args)
        assert result.code == 2, (args, result)
        assert len(result.err.strip().splitlines()) == 1 and named in result.err, (args, result.err)
    assert counts(db_url) == before and len(audit(db_url)) == chain


def swap(cli, *args):
    return cli.ok("spare", "swap", "--by", "张伟", *args, "-f", "json").json()


def test_swap_takes_one_filter_from_its_bin_and_verify_asks_the_device(room, db_url):
    cli, scenario = room
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    done = swap(cli, "--device", "crac01", "--slot", "filter:Air filter", "--consumable", FILTER)
    assert (done["spare_serial"], done["part_number"], done["fit"], done["from_site"]) == (None, FILTER, "exact", "hq")
    assert (done["removed_serial"], done["removed_part_number"], done["custody_location"]) == (None, FILTER, "C-01")
    assert done["fault_id"] is not None and done["verification"] == "not_checked"
    stock = cli.ok("spare", "list", "--part", FILTER, "-f", "json").json()
    assert sorted((u["status"], u["quantity"], u["bin"], u["device"], u["slot"]) for u in stock) == [
        ("in_stock", 5, "C-01", None, None),
        ("installed", 1, "C-01", "crac01", "Air filter"),
        ("removed", 1, None, "crac01", "Air filter"),
    ]
    actions = [(e.entity, e.action) for e in audit(db_url)[-5:]]
    assert actions == [
        ("fault", "close"),
        ("spare", "take"),
        ("spare", "install"),
        ("spare", "remove"),
        ("swap", "swap"),
    ]
    assert cli("db", "check").code == 0  # the swap's audited fields match the store
    # Swapped and not polled since: no serial to name, so the device is asked first.
    again = cli("spare", "swap", "--device", "crac01", "--slot", "Air filter", "--consumable", FILTER)
    assert again.code == 2 and f"spare verify {done['id']}" in again.err
    scenario("crac01", crac("ok"))
    verified = cli.ok("spare", "verify", str(done["id"]), "-f", "json").json()
    assert verified["verification"] == "verified" and "reports ok" in verified["verify_message"]
    # The next clogged filter: the one fitted before walks on to the customer's custody.
    scenario("crac01", crac())
    assert cli("health", "crac01", "--record").code == 1
    second = swap(cli, "--device", "crac01", "--slot", "Air filter", "--consumable", FILTER, "--bin", "C-01")
    assert second["from_site"] == "hq"
    stock = cli.ok("spare", "list", "--part", FILTER, "-f", "json").json()
    assert sorted((u["status"], u["quantity"], u["bin"] or "") for u in stock) == [
        ("in_stock", 4, "C-01"),
        ("installed", 1, "C-01"),
        ("removed", 1, ""),
        ("removed", 1, "C-01"),
    ]
    custody = cli.ok("spare", "custody", "--site", "hq", "-f", "json").json()
    assert len(custody) == 2
    scenario("crac01", crac("warning"))
    unverified = cli("spare", "verify", str(second["id"]))
    assert unverified.code == 1 and "still reports warning" in unverified.err


def test_swap_consumable_bad_input_is_one_line_and_changes_nothing(room, db_url):
    cli, _ = room
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "6", "--bin", "C-01")
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-F5-595x495x46", "--quantity", "2", "--bin", "C-02")
    cli.ok("spare", "add", "--site", "hq", "--part", "FLT-SERIAL-1", "--serial", "CASS-1")
    _empty_bin(db_url, "hq", "C-09")
    before, chain = counts(db_url), len(audit(db_url))
    base = ("spare", "swap", "--device", "crac01", "--slot", "Air filter")
    cases = [
        ((*base, "--consumable", FILTER, "--bin", "C-09"), "hq bin C-09"),
        ((*base, "--consumable", FILTER, "--bin", "Z-99"), "Z-99"),
        ((*base, "--consumable", "NOPE-1"), "'NOPE-1'"),
        ((*base, "--consumable", "bad number"), "'bad number'"),
        ((*base, "--consumable", "FLT-SERIAL-1"), "serialised"),
        ((*base, "--consumable", "FLT-F5-595x495x46"), "consent"),
        ((*base, "--consumable", FILTER, "--spare", "CASS-1"), "not both"),
        ((*base,), "--spare"),
        ((*base, "--spare", "CASS-1", "--bin", "C-01"), "--bin"),
        ((*base, "--consumable", FILTER, "--by", "nobody"), "'nobody'"),
        (("spare", "swap", "--device", "crac01", "--slot", "Fan 1", "--consumable", FILTER), "does not fit"),
    ]
    for args, named in cases:
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert len(result.err.strip().splitlines()) == 1 and named in result.err, (args, result.err)
    assert counts(db_url) == before and len(audit(db_url)) == chain
    # Two bins of the part at the slot's site: the technician names one.
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "1", "--bin", "C-03")
    before = counts(db_url)
    two = cli(*base, "--consumable", FILTER)
    assert two.code == 2 and "hq bin C-01 (6), hq bin C-03 (1)" in two.err and "--bin" in two.err
    assert counts(db_url) == before

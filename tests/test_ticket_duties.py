"""Segregation of duties: whoever worked a ticket does not verify it; the maintenance centre does (both backends)."""

from __future__ import annotations

import pytest

from tests.helpers import audit, counts
from tests.test_spares_swap import room  # noqa: F401  (the fixture: two servers whose PSU 2 failed)

T1 = "T-2026-000001"


@pytest.fixture
def signed(room):  # noqa: F811  (the fixture imported above)
    """T1 on srv01: assigned to li.na, its PSU swapped by 张伟, its form filled by the desk's zhou, signed."""
    cli, _scenario = room
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    cli.ok("staff", "add", "zhou", "--role", "desk")
    cli.ok("staff", "add", "wang.c", "--role", "centre")
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-1")
    cli.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障", "--device", "srv01")
    cli.ok("ticket", "assign", T1, "--to", "li.na")
    cli.ok("ticket", "start", T1, "--onsite")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--ticket", T1, "--by", "张伟")
    cli.ok("ticket", "restore", T1)
    cli.ok("--as", "zhou", "ticket", "fill", T1, "--actions", "更换 PSU 2")
    cli.ok("ticket", "sign", T1, "--by", "王工", "--score", "5")
    return cli


@pytest.mark.parametrize(
    ("argv", "who"),
    [
        (["ticket", "verify", T1, "--by", "li.na"], "li.na"),  # the ticket's engineer
        (["--as", "li.na", "ticket", "verify", T1], "li.na"),  # ... verifying as herself
        (["ticket", "verify", T1, "--by", "张伟"], "张伟"),  # swapped its part
        (["--as", "zhou", "ticket", "verify", T1], "zhou"),  # recorded its form
    ],
)
def test_who_worked_the_ticket_cannot_verify_it(signed, db_url, argv, who):
    before, chain = counts(db_url), audit(db_url)
    result = signed(*argv)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1 and who in lines[0] and "maintenance centre" in lines[0], result
    assert counts(db_url) == before and audit(db_url) == chain
    assert signed.ok("ticket", "show", T1, "-f", "json").json()["state"] == "signed"


def test_the_centre_verifies(signed):
    signed.ok("ticket", "verify", T1, "--by", "wang.c")
    shown = signed.ok("ticket", "show", T1, "-f", "json").json()
    assert (shown["state"], shown["verified_by"]) == ("verified", "wang.c")

"""The return-to-factory rules of dcmaint.domain.rma, from the contract's words (clause 2 and the flows): the unit
goes open -> shipped -> received -> closed, a loaner stands in for a device while it is away and goes before the
RMA closes, an RMA is overdue when its unit is still away after the repair department's target date."""

from __future__ import annotations

from datetime import date

import pytest

from dcmaint.domain.rma import (
    RmaFlag,
    RmaState,
    RmaStep,
    allowed,
    attention,
    away_custody,
    is_overdue,
    move,
    rma_ref,
    target_date,
    vendor_number,
)
from dcmaint.errors import UsageError

R = "R-2026-000001"


@pytest.mark.parametrize(
    ("state", "step", "after"),
    [
        (RmaState.OPEN, RmaStep.SHIP, RmaState.SHIPPED),
        (RmaState.SHIPPED, RmaStep.RECEIVE, RmaState.RECEIVED),
        (RmaState.RECEIVED, RmaStep.CLOSE, RmaState.CLOSED),
        (RmaState.OPEN, RmaStep.LOANER, RmaState.OPEN),
        (RmaState.SHIPPED, RmaStep.LOANER, RmaState.SHIPPED),
    ],
)
def test_the_flow_of_an_rma(state, step, after):
    assert move(R, state, step, loaner_installed=False) is after


def test_swap_back_needs_the_unit_back_and_a_loaner_in():
    assert move(R, RmaState.RECEIVED, RmaStep.SWAP_BACK, loaner_installed=True) is RmaState.RECEIVED
    with pytest.raises(UsageError, match=r"it cannot swap-back \(allowed: close\)"):
        move(R, RmaState.RECEIVED, RmaStep.SWAP_BACK, loaner_installed=False)
    with pytest.raises(UsageError, match=r"is shipped: it cannot swap-back \(allowed: receive\)"):
        move(R, RmaState.SHIPPED, RmaStep.SWAP_BACK, loaner_installed=True)


def test_an_rma_with_its_loaner_still_in_does_not_close():
    with pytest.raises(UsageError, match=r"still has its loaner installed: swap it back first \(allowed: swap-back\)"):
        move(R, RmaState.RECEIVED, RmaStep.CLOSE, loaner_installed=True)


def test_one_loaner_at_a_time_and_only_for_a_device():
    assert allowed(RmaState.OPEN, loaner_installed=False) == ["loaner", "ship"]
    assert allowed(RmaState.OPEN, loaner_installed=True) == ["ship"]
    assert allowed(RmaState.OPEN, loaner_installed=False, part=True) == ["ship"]
    with pytest.raises(UsageError, match="is for a part: a loaner stands in for a device"):
        move(R, RmaState.OPEN, RmaStep.LOANER, loaner_installed=False, part=True)
    with pytest.raises(UsageError, match="it cannot loaner"):
        move(R, RmaState.RECEIVED, RmaStep.LOANER, loaner_installed=False)


def test_a_closed_rma_allows_nothing():
    assert allowed(RmaState.CLOSED, loaner_installed=False) == []
    with pytest.raises(UsageError, match=r"is closed: it cannot ship \(allowed: none\)"):
        move(R, RmaState.CLOSED, RmaStep.SHIP, loaner_installed=False)


def test_overdue_is_away_after_the_target_date():
    target = date(2026, 12, 1)
    assert not is_overdue(RmaState.SHIPPED, target, date(2026, 12, 1))  # the target day itself is in time
    assert is_overdue(RmaState.SHIPPED, target, date(2026, 12, 2))
    assert is_overdue(RmaState.OPEN, target, date(2026, 12, 2))
    assert not is_overdue(RmaState.RECEIVED, target, date(2027, 1, 1))
    assert not is_overdue(RmaState.SHIPPED, None, date(2027, 1, 1))  # no promise, nothing overdue


def test_what_the_desk_owes():
    today = date(2026, 12, 10)
    assert attention(RmaState.SHIPPED, date(2026, 12, 1), today, True) == (RmaFlag.OVERDUE,)
    assert attention(RmaState.RECEIVED, date(2026, 12, 1), today, True) == (RmaFlag.LOANER_LEFT,)
    assert attention(RmaState.RECEIVED, None, today, False) == ()


def test_the_target_date_is_after_the_opening_and_within_a_year():
    opened = date(2026, 3, 1)
    assert target_date(date(2026, 3, 1), opened) == opened
    assert target_date(date(2027, 3, 1), opened) == date(2027, 3, 1)
    with pytest.raises(UsageError, match="'2026-02-28': before the RMA was opened"):
        target_date(date(2026, 2, 28), opened)
    with pytest.raises(UsageError, match="more than a year"):
        target_date(date(2027, 3, 3), opened)


@pytest.mark.parametrize("text", ["RMA 1", "", "x" * 65, "#12", "R\x1b[31m", "-5"])
def test_a_vendor_number_is_refused_naming_it(text):
    with pytest.raises(UsageError, match="--number"):
        vendor_number(text, "--number")


def test_references_and_custody_words():
    assert rma_ref(2026, 42) == "R-2026-000042"
    assert vendor_number(" 5013377/2 ", "--number") == "5013377/2"
    assert away_custody("HPE", R) == "at vendor HPE under RMA R-2026-000001"

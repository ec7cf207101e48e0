"""The rules of the customer record and the desk's visits, without a store: contacts, hours, targets, when a visit,
a follow-up or a complaint falls due, and scores over a period (docs/customers.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.domain import customers as rules
from dcmaint.domain.customers import Contact, DueLine, ScoreLine
from dcmaint.errors import UsageError

T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def test_the_next_periodic_visit_is_every_after_the_last_one_or_the_plan() -> None:
    assert rules.next_periodic(T0, None, "1mo") == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)  # no 31 February
    last = datetime(2026, 3, 10, tzinfo=UTC)
    assert rules.next_periodic(T0, last, "2w") == datetime(2026, 3, 24, tzinfo=UTC)


def test_a_closed_ticket_is_followed_up_and_a_complaint_resolved_within_the_customer_s_targets() -> None:
    assert rules.followup_due(T0, rules.DEFAULT_FOLLOWUP_WITHIN) == T0 + timedelta(days=7)
    assert rules.complaint_due(T0, "1d12h") == T0 + timedelta(hours=36)


def test_due_states_are_those_of_preventive_maintenance() -> None:
    now = T0
    assert rules.due_state(now - timedelta(seconds=1), now, timedelta(days=14)) == "overdue"
    assert rules.due_state(now + timedelta(days=14), now, timedelta(days=14)) == "due"
    assert rules.due_state(now + timedelta(days=15), now, timedelta(days=14)) == "scheduled"
    line = DueLine("hq", "visit", "phone", now, "overdue", None)
    assert rules.anything_overdue([line]) and not rules.anything_overdue([])


@pytest.mark.parametrize(("text", "stored"), [("7d", "7d"), ("48h", "2d"), ("90m", "1h30m"), ("60d", "60d")])
def test_a_target_is_kept_in_its_shortest_form(text: str, stored: str) -> None:
    assert rules.target(text, "--followup-within") == stored


@pytest.mark.parametrize("text", ["0d", "61d", "soon", "", "-1d"])
def test_a_bad_target_is_refused_naming_it(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        rules.target(text, "--complaint-within")
    assert repr(text) in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("text", ["1mo", "2w", "1y", "90d"])
def test_a_visit_interval_is_at_most_a_year(text: str) -> None:
    assert rules.every(text, "--every") == text


@pytest.mark.parametrize("text", ["2y", "13mo", "400d", "0w", "monthly"])
def test_a_longer_or_bad_visit_interval_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        rules.every(text, "--every")
    assert repr(text) in str(raised.value)


@pytest.mark.parametrize(
    ("text", "kept"),
    [("7x24", "7x24"), ("09:00-17:30", "09:00-17:30"), ("MON-FRI  08:30-17:30", "mon-fri 08:30-17:30")],
)
def test_hours_a_contact_can_be_reached(text: str, kept: str) -> None:
    assert rules.hours(text, "--hours") == kept


@pytest.mark.parametrize("text", ["17:30-09:00", "25:00-26:00", "9-5", "weekends 09:00-12:00", "", "09:00-09:00"])
def test_bad_hours_are_refused_naming_them(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        rules.hours(text, "--hours")
    assert repr(text) in str(raised.value)


def test_a_contact_needs_a_way_to_reach_them_that_fits_their_channel() -> None:
    given = Contact("hq", " 王工 ", None, "+86 138-0013-8000", None, "WeChat", None)
    assert rules.contact(given) == Contact("hq", "王工", None, "+86 138-0013-8000", None, "wechat", None)
    for bad, named in [
        (Contact("hq", "王工", None, None, None, None, None), "needs a --phone or an --email"),
        (Contact("hq", "王工", None, None, "w@x.cn", "phone", None), "give their --phone"),
        (Contact("hq", "王工", None, "13800138000", None, "email", None), "give their --email"),
        (Contact("hq", "王工", None, "138\x0700", None, None, None), "--phone"),
        (Contact("hq", "王工", None, None, "w\x1b@x.cn", None, None), "--email"),
        (Contact("hq", "王\x00工", None, "13800138000", None, None, None), "contact"),
    ]:
        with pytest.raises(UsageError, match=named):
            rules.contact(bad)


def test_scores_over_a_period_with_their_average_per_ticket() -> None:
    lines = [
        ScoreLine("hq", T0, 5, "T-2026-000001", "李娜", "onsite"),
        ScoreLine("hq", T0 + timedelta(days=1), 4, "T-2026-000001", "李娜", "phone"),
        ScoreLine("hq", T0 + timedelta(days=2), 2, None, "李娜", "phone"),
        ScoreLine("hq", T0 + timedelta(days=40), 1, None, "李娜", "phone"),  # outside the period
    ]
    found = rules.scores(lines, T0, T0 + timedelta(days=30))
    assert (found.count, found.average, found.by_ticket) == (3, 3.67, {"T-2026-000001": 4.5})
    assert [s.score for s in found.history] == [5, 4, 2]
    assert rules.scores([], T0, T0).average is None

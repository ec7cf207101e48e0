"""The pure rules of advisories and changes: version shapes, the state machine, release matching."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dcmaint.domain.advisories import Installed, firmware_lines, signature_lines
from dcmaint.domain.changes import MOVES, ChangeAction, ChangeState, move, number
from dcmaint.domain.releases import Fix, Release, releases, vendor_matches
from dcmaint.domain.versions import Order, compare, parse
from dcmaint.errors import UsageError


@pytest.mark.parametrize(
    ("installed", "other", "order"),
    [
        ("2.72", "2.78", Order.OLDER),
        ("2.72", "2.8", Order.NEWER),  # numbers, not text: 72 > 8
        ("2.10 (Jan 2025)", "2.9", Order.NEWER),
        ("U30 v2.80 (10/16/2023)", "U30 v3.10", Order.OLDER),
        ("U30 v2.80", "U30 v2.80 (10/16/2023)", Order.SAME),
        ("U30 v2.80", "U32 v3.10", Order.UNKNOWN),  # another server's ROM
        ("1.40.0", "1.40", Order.SAME),
        ("1.40.0", "1.40.1", Order.OLDER),
        ("iDRAC 7.00.00.171", "iDRAC 6.10.30.00", Order.NEWER),
        ("iDRAC 7.00.00.171", "7.00.00.171", Order.UNKNOWN),
        ("6.10.30.00", "7.00.00.171", Order.OLDER),
        ("iLO 5 v2.72", "iLO 5 v3.08", Order.OLDER),
        ("iLO 5 v2.72", "iLO 6 v1.59", Order.UNKNOWN),
        ("51.16.0-4076", "51.16.0-4100", Order.OLDER),
        ("AFBT38M 4.30", "AFBT38M 4.40", Order.OLDER),
        ("AFBT38M 4.30", "AFBT40P 4.50", Order.UNKNOWN),
        ("AFE128I-3.10", "afe128i-3.10", Order.SAME),
        ("00.1B.53", "00.1C.10", Order.UNKNOWN),  # hex digits
        ("00.1B.53", "00.1B.53", Order.SAME),  # the same text is the same version, whatever its shape
        ("1.2b3", "1.2b4", Order.UNKNOWN),
        ("v2.1", "2.2", Order.OLDER),
        ("P89 v2.80 (10/16/2020)", "P89 v2.90", Order.OLDER),
        ("25.5.9.0001", "25.5.9.1", Order.SAME),
        ("", "1.0", Order.UNKNOWN),
        ("latest", "1.0", Order.UNKNOWN),
    ],
)
def test_versions_of_real_shapes(installed, other, order):
    assert compare(installed, other) is order


def test_a_version_has_a_family_and_numbers():
    assert parse("iLO 5 v2.72") is not None and parse("iLO 5 v2.72").family == "ilo 5"  # type: ignore[union-attr]
    assert parse("1." + ".".join(["1"] * 20)) is None  # not a version: a list of numbers


def test_every_illegal_move_names_the_allowed_ones():
    for state in ChangeState:
        for action in ChangeAction:
            if action in MOVES[state]:
                assert move(state, action) is MOVES[state][action]
                continue
            with pytest.raises(UsageError) as refused:
                move(state, action, "CR-3")
            allowed = ", ".join(a.value for a in MOVES[state]) or "none"
            assert f"allowed: {allowed})" in str(refused.value) and "CR-3" in str(refused.value)


def test_implement_needs_the_approval_first():
    with pytest.raises(UsageError, match="before the customer's approval is recorded"):
        move(ChangeState.REQUESTED, ChangeAction.IMPLEMENT, "CR-1")
    assert move(ChangeState.APPROVED, ChangeAction.IMPLEMENT) is ChangeState.IMPLEMENTED
    assert ChangeAction.IMPLEMENT not in MOVES[ChangeState.REJECTED]


@pytest.mark.parametrize("text", ["", "CR-", "CR-0", "CR-x", "-1", "1.5", "１"])
def test_bad_change_numbers(text):
    with pytest.raises(UsageError):
        number(text)


def _release(version: str, severity: str, fixes: int = 1, day: int = 1) -> Release:
    found = tuple(Fix(f"CVE-2024-{version}-{n}", "x") for n in range(fixes))
    return Release("HPE", ("ProLiant DL380 Gen10*",), "iLO 5", version, date(2024, 1, day), severity, found, None)


def _device(version: str = "2.72", **more) -> Installed:
    values = {"vendor": "HPE", "model": "ProLiant DL380 Gen10", "firmware": {"iLO 5": version}}
    values.update(more)
    return Installed("hq", "srv01", source="poll", seen_at=None, **values)  # type: ignore[arg-type]


def test_the_newest_release_is_the_target_with_the_worst_severity_and_every_fix():
    found = [_release("2.78", "critical", day=1), _release("3.08", "low", 2, day=9), _release("2.60", "high")]
    [line] = firmware_lines(_device(), found)
    assert (line.release, line.severity, len(line.fixes), line.state) == ("3.08", "critical", 3, "behind")


def test_a_release_without_fixes_or_not_newer_is_no_advisory():
    assert firmware_lines(_device(), [_release("3.08", "high", fixes=0)]) == []
    assert firmware_lines(_device("3.08"), [_release("3.08", "high")]) == []
    assert firmware_lines(_device(model="ProLiant DL360 Gen10"), [_release("3.08", "high")]) == []
    assert firmware_lines(_device(vendor="Dell Inc."), [_release("3.08", "high")]) == []


def test_vendor_words():
    assert vendor_matches("Dell", "Dell Inc.") and vendor_matches("huawei", "Huawei Technologies Co., Ltd.")
    assert not vendor_matches("HP", "HPE") and not vendor_matches("Dell", "Dellware")


def test_signatures_by_age():
    now = datetime(2026, 12, 5, tzinfo=UTC)
    fresh = {"av": {"updated": (now - timedelta(days=2)).isoformat()}}
    stale = {"av": {"updated": (now - timedelta(days=9)).isoformat()}}
    naive = {"av": {"updated": "2026-12-01T00:00:00"}}  # no zone: not readable, not guessed
    assert signature_lines(_device(signatures=fresh), now, timedelta(days=7)) == []
    [line] = signature_lines(_device(signatures=stale), now, timedelta(days=7))
    assert (line.age_days, line.severity, line.state) == (9, "high", "behind")
    [unknown] = signature_lines(_device(signatures=naive), now, timedelta(days=7))
    assert unknown.state == "unknown" and unknown.severity is None


def test_a_catalogue_with_problems_gives_no_release():
    good = {"models": ["x"], "component": "iLO 5", "version": "1", "released": "2024-01-01", "severity": "high"}
    data = {"vendor": "HPE", "release": [good, {"severity": "urgent"}]}
    found, problems = releases(data, "hpe.toml", date(2026, 1, 1))
    assert found == [] and any("severity 'urgent'" in p.line() for p in problems)
    assert all(p.line().startswith("hpe.toml, release 2: ") for p in problems)

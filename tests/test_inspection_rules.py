"""Checklists, frequencies and actions (dcmaint.domain.checklists, dcmaint.domain.inspections): pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from dcmaint.domain.checklists import check_answer, parse_checklist
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.inspections import Outcome, next_date, parse_action, parse_frequency
from dcmaint.errors import UsageError
from dcmaint.services import checklists


def test_the_shipped_checklists_cover_every_kind_of_equipment_and_the_room(home):
    found = checklists.load()
    for kind in DeviceKind:
        if kind is not DeviceKind.OTHER:
            assert found.for_kind(kind.value), kind
    assert {item.id for item in found.room()} >= {
        "room.temperature", "room.humidity", "room.cleanliness", "room.cabling", "room.fire", "room.access",
    }  # fmt: skip
    assert all(item.zh and item.en for item in found.all_items())


HEAD = {"name": "ups", "zh": "UPS", "en": "UPS", "kinds": ["ups"]}
ITEM = {"id": "ups.load", "zh": "负载率", "en": "Load", "answer": "number", "unit": "%", "min": 0, "max": 80}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer": "yes"}, "ups.toml: item ups.load: invalid answer 'yes'"),
        ({"min": "low"}, "ups.toml: item ups.load: invalid min 'low'"),
        ({"min": 90}, "ups.toml: item ups.load: invalid max 80"),
        ({"zh": ""}, "ups.toml: item ups.load: invalid zh ''"),
        ({"colour": "red"}, "ups.toml: item ups.load: invalid key 'colour'"),
        ({"id": "Load"}, "ups.toml: item #1: invalid id 'Load'"),
        ({"answer": "check"}, "ups.toml: item ups.load: invalid min 0"),
    ],
)
def test_a_broken_item_is_one_line_naming_file_item_and_value(change, message):
    with pytest.raises(UsageError) as error:
        parse_checklist({"checklist": HEAD, "item": [{**ITEM, **change}]}, "ups.toml")
    assert str(error.value) == message


def test_a_broken_head_names_the_file():
    with pytest.raises(UsageError, match=r"ups.toml: item -: invalid kinds 'toaster'"):
        parse_checklist({"checklist": {**HEAD, "kinds": ["toaster"]}, "item": [ITEM]}, "ups.toml")
    with pytest.raises(UsageError, match=r"ups.toml: item ups.load: invalid id 'ups.load'"):
        parse_checklist({"checklist": HEAD, "item": [ITEM, ITEM]}, "ups.toml")


def test_answers_are_checked_against_their_item():
    item = parse_checklist({"checklist": HEAD, "item": [ITEM]}, "ups.toml").items[0]
    assert check_answer(item, "75%") is not None and check_answer(item, "75%").ok  # type: ignore[union-attr]
    assert not check_answer(item, "81").ok  # type: ignore[union-attr]
    assert check_answer(item, "nan") is None and check_answer(item, "") is None


@pytest.mark.parametrize(
    ("text", "stored", "after", "then"),
    [
        ("monthly", "monthly", date(2027, 1, 31), date(2027, 2, 28)),
        ("Quarterly", "quarterly", date(2026, 11, 30), date(2027, 2, 28)),
        ("half-yearly", "half-yearly", date(2026, 8, 31), date(2027, 2, 28)),
        ("yearly", "yearly", date(2028, 2, 29), date(2029, 2, 28)),
        ("every 10 days", "days:10", date(2026, 12, 25), date(2027, 1, 4)),
        ("every 2 weeks", "weeks:2", date(2026, 12, 1), date(2026, 12, 15)),
    ],
)
def test_frequencies_and_the_next_date(text, stored, after, then):
    assert parse_frequency(text) == stored
    assert next_date(stored, after) == then


@pytest.mark.parametrize(
    ("text", "outcome", "on"),
    [
        ("fixed", Outcome.FIXED, None),
        ("现场处理", Outcome.FIXED, None),
        ("downtime 2026-12-20", Outcome.DOWNTIME, date(2026, 12, 20)),
        ("停机 2026-12-20", Outcome.DOWNTIME, date(2026, 12, 20)),
        ("返厂", Outcome.FACTORY, None),
        ("Return to factory", Outcome.FACTORY, None),
    ],
)
def test_actions(text, outcome, on):
    action = parse_action(text)
    assert action is not None and (action.outcome, action.on) == (outcome, on)


@pytest.mark.parametrize("text", ["downtime", "fixed 2026-12-20", "停机 2026-02-30", "later"])
def test_an_action_that_is_none_of_them(text):
    assert parse_action(text) is None


def test_the_report_is_worded_in_both_languages_alike(home):
    from dcmaint.forms.inspection_labels import CODES, LABELS

    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert {group: set(words) for group, words in CODES["zh"].items()} == {
        group: set(words) for group, words in CODES["en"].items()
    }
    shipped = checklists.load()
    for name in {item.checklist for item in shipped.all_items()}:
        assert f"list_{name}" in LABELS["en"], name  # every checklist has its recommendation

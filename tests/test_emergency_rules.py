"""The emergency plan file's rules, the drill interval, and the shipped templates (dcmaint.domain.emergency)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.domain import emergency
from dcmaint.domain.emergency import DrillState, drill_due, plan_file, read_plan_text, stored_plan
from dcmaint.domain.preventive import interval
from dcmaint.domain.preventive import state as drill_state
from dcmaint.errors import UsageError

GOOD = {
    "title": {"en": "UPS on battery", "zh": "UPS 电池供电"},
    "scenario": "Mains lost",
    "trigger": {"zh": "UPS 告警"},
    "drill_every": "6mo",
    "step": [
        {"action": "Check the UPS", "who": "engineer on duty", "within": "15m"},
        {"action": {"en": "Shed load", "zh": "减载"}, "who": "engineer on duty"},
    ],
    "contact": [{"name": "王工", "role": "duty manager", "phone": "138 0013 8000", "party": "customer"}],
    "escalation": [{"after": "30m", "to": "project manager"}],
}


def _with(**changes: object) -> dict[str, object]:
    return {**GOOD, **changes}


def _refused(data: dict[str, object]) -> str:
    with pytest.raises(UsageError) as caught:
        plan_file(data, "plan.toml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_good_plan_reads_both_languages_and_survives_storing():
    plan = plan_file(GOOD, "plan.toml")
    assert plan.title.said("zh") == "UPS 电池供电" and plan.title.said("en") == "UPS on battery"
    assert plan.trigger.said("en") == "UPS 告警"  # only Chinese given: it stands in for English
    assert [s.within for s in plan.steps] == ["15m", None] and str(plan.drill_every) == "6mo"
    assert stored_plan(plan.as_json()) == plan_file(GOOD, "x")
    assert plan.escalation[0].after == "30m" and plan.contacts[0].party == "customer"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_with(titel="x"), "plan.toml: unknown field 'titel'"),
        (_with(step=[{"action": "a", "who": "b", "within": "15x"}]), "plan.toml: step 1: invalid within '15x'"),
        (_with(step=[{"action": "a", "who": "b", "within": "30d"}]), "plan.toml: step 1: invalid within '30d'"),
        (_with(step=[{"action": "a", "who": "b"}, {"action": "a", "whom": "b"}]), "step 2: unknown field 'whom'"),
        (_with(step=[]), "plan.toml: no [[step]] entries"),
        (_with(step="do it"), "plan.toml: step must be a list of tables"),
        (_with(contact=[{**GOOD["contact"][0], "phone": "call me"}]), "contact 1: invalid phone number 'call me'"),  # type: ignore[index]
        (_with(contact=[{**GOOD["contact"][0], "party": "boss"}]), "contact 1: invalid party 'boss'"),  # type: ignore[index]
        (_with(contact=[]), "plan.toml: no [[contact]] entries"),
        (_with(drill_every="often"), "plan.toml: invalid drill_every 'often'"),
        (_with(system="kitchen"), "plan.toml: invalid system 'kitchen'"),
        (_with(name="UPS Plan"), "plan.toml: invalid name 'UPS Plan'"),
        (_with(title="UPS\x1b[31m"), "plan.toml: invalid title 'UPS\\x1b[31m': control characters"),
        (_with(title={"fr": "x"}), "plan.toml: title: unknown field 'fr'"),
        (_with(title=""), "plan.toml: title must be a non-empty string"),
        (_with(escalation=[{"after": "soon", "to": "pm"}]), "escalation 1: invalid after 'soon'"),
        (_with(scenario="x" * 4001), "plan.toml: scenario is longer than 4000 characters"),
    ],
)
def test_every_bad_field_is_one_line_naming_it(data, named):
    assert named in _refused(data)


def test_free_text_keeps_its_control_characters_escaped():
    plan = plan_file(_with(scenario="line 1\nline 2\x07"), "plan.toml")
    assert plan.scenario.en == "line 1\nline 2\\x07"


def test_a_syntax_error_names_the_file():
    with pytest.raises(UsageError, match=r"^plan\.toml: not valid TOML"):
        read_plan_text('title = "x', "plan.toml")


def test_a_plan_is_first_due_an_interval_after_it_was_adopted_then_after_each_drill():
    adopted = datetime(2026, 1, 31, tzinfo=UTC)
    every = interval("1mo", "drill_every")
    assert drill_due(adopted, None, every) == datetime(2026, 2, 28, tzinfo=UTC)  # the shorter month's last day
    assert drill_due(adopted, datetime(2026, 3, 10, tzinfo=UTC), every) == datetime(2026, 4, 10, tzinfo=UTC)
    now = datetime(2026, 4, 1, tzinfo=UTC)
    assert drill_state(datetime(2026, 3, 31, tzinfo=UTC), now, timedelta(0)) is DrillState.OVERDUE
    assert drill_state(datetime(2026, 4, 10, tzinfo=UTC), now, timedelta(days=14)) is DrillState.DUE
    assert drill_state(datetime(2026, 4, 20, tzinfo=UTC), now, timedelta(days=14)) is DrillState.SCHEDULED


@pytest.mark.parametrize("text", ["hq", "hq/", "/ups", "hq/UPS plan", "hq/ups/extra"])
def test_a_plan_reference_is_site_slash_name(text):
    with pytest.raises(UsageError, match="expected SITE/NAME"):
        emergency.plan_key(text, "PLAN")


def test_every_device_kind_and_the_room_can_have_a_plan():
    assert emergency.system("ROOM", "--system") == "room" and "ups" in emergency.SYSTEMS
    with pytest.raises(UsageError, match="invalid --system 'kitchen'"):
        emergency.system("kitchen", "--system")


def test_the_shipped_templates_are_valid_bilingual_and_named_as_their_files():
    from dcmaint.services.emergency import templates

    found = dict(templates())
    assert set(found) == {
        "ups-on-battery",
        "crac-failure",
        "server-down",
        "storage-failure",
        "network-core-down",
        "fire-alarm",
    }
    for name, plan in found.items():
        assert plan.name == name and plan.system in emergency.SYSTEMS
        texts = [plan.title, plan.scenario, plan.trigger, *(s.action for s in plan.steps), *(s.who for s in plan.steps)]
        assert all(w.en and w.zh and w.en != w.zh for w in texts), name
        assert {c.party for c in plan.contacts} >= {"customer", "contractor"}, name
        assert plan.escalation, name


def test_the_printed_plan_has_the_same_words_in_both_languages():
    from dcmaint.forms.emergency_plan import WORDS

    assert set(WORDS["zh"]) == set(WORDS["en"])
    assert set(emergency.SYSTEMS) <= set(WORDS["en"])
    assert {r.value for r in emergency.DrillResult} <= set(WORDS["en"])


def test_time_limits_are_printed_in_the_reader_s_words():
    from dcmaint.forms.emergency_plan import limit_text

    assert limit_text("1h30m", "zh") == "1 小时 30 分钟" and limit_text("90m", "en") == "1 h 30 min"
    assert limit_text("1d", "zh") == "1 天"

"""Emergency plans (应急方案): what the team does when a system of a site fails, and when it was last drilled.

A plan belongs to one site and one system: a device kind of the register
(``ups``, ``cooling``, ``storage``...) or the machine room itself (``room``).
It is written as a TOML file (docs/emergency.md) and validated strictly here:
an unknown key, a missing one or a bad value is refused in one line naming
the file, the entry and the field. Text a customer reads may be given in both
languages, as ``{ en = "...", zh = "..." }``; a plain string serves both.

A plan is drilled every ``drill_every`` (an interval as ``pm`` reads it:
``6mo``, ``1y``); a plan never drilled is due that interval after it was
adopted, so a plan written today is not overdue today. Pure logic, no I/O.

>>> plan = plan_file({"title": "UPS on battery", "scenario": "Mains lost", "trigger": "UPS alarm",
...     "step": [{"action": "Check the UPS", "who": "engineer on duty", "within": "15m"}],
...     "contact": [{"name": "王工", "role": "duty manager", "phone": "138 0013 8000", "party": "customer"}]},
...     "ups.toml")
>>> plan.steps[0].within, str(plan.drill_every)
('15m', '1y')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from dcmaint.domain import parse
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.inspections import System
from dcmaint.domain.preventive import Interval, TaskState, interval
from dcmaint.domain.records import Record
from dcmaint.domain.text import escape, has_control
from dcmaint.errors import UsageError
from dcmaint.i18n import _

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
LONGEST_STEP = timedelta(days=7)  # a step that may take longer than a week is a project, not an emergency
MOST_STEPS = 50
MOST_CONTACTS = 30
MOST_LEVELS = 10
LINE_LIMIT = 200  # a title, a role, a name
TEXT_LIMIT = 4000  # a scenario, a trigger, an action
DEFAULT_DRILL_EVERY = "1y"
LANGUAGES = ("en", "zh")


#: What a plan can be for: a device kind of the register, or the machine room itself (as inspections say it).
SYSTEMS = (*(k.value for k in DeviceKind), System.ROOM.value)


class DrillResult(StrEnum):
    """How a drill went: every step done in time, some not, or the plan did not work."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


class PlanState(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


DrillState = TaskState  # where a plan stands against its drill interval: overdue, due, scheduled, as a pm task


class ContactParty(StrEnum):
    """Whose contact: the customer's staff, ours, or a vendor's hotline."""

    CUSTOMER = "customer"
    CONTRACTOR = "contractor"
    VENDOR = "vendor"


def system(text: str, what: str) -> str:
    """``--system``: a device kind or ``room``.

    >>> system("ROOM", "--system")
    'room'
    """
    value = text.strip().lower()
    if value not in SYSTEMS:
        raise UsageError(
            _("invalid {what} {value!r}: choose one of {choices}").format(
                what=what, value=text, choices=", ".join(SYSTEMS)
            )
        )
    return value


def drill_result(text: str, what: str) -> DrillResult:
    """``--result``: ok, partial or failed."""
    return parse.enum_value(DrillResult, text, what)


def plan_key(text: str, what: str) -> tuple[str, str]:
    """A plan as typed: ``SITE/NAME`` (what ``emergency list`` shows).

    >>> plan_key("hq/ups-on-battery", "PLAN")
    ('hq', 'ups-on-battery')
    """
    site, sep, name = text.strip().partition("/")
    if not sep or not site or not NAME_PATTERN.match(name) or has_control(site):
        raise UsageError(
            _("invalid {what} {value!r}: expected SITE/NAME (`dcmaint emergency list` shows them)").format(
                what=what, value=text
            )
        )
    return site, name


@dataclass(frozen=True)
class Words:
    """Text in English and Chinese; one of them may be missing, and then the other stands in."""

    en: str
    zh: str

    def said(self, lang: str) -> str:
        return (self.zh or self.en) if lang.startswith("zh") else (self.en or self.zh)

    def as_json(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Step:
    action: Words
    who: Words
    within: str | None  # the time limit as typed and checked: "15m", "1h30m"


@dataclass(frozen=True)
class Contact:
    name: str
    role: Words
    phone: str
    party: str  # ContactParty


@dataclass(frozen=True)
class Escalation:
    after: str  # not resolved after this long ("30m")
    to: Words  # who is told


@dataclass(frozen=True)
class Plan:
    """A validated plan file: what ``emergency add`` and ``edit`` store (as :meth:`as_json`)."""

    name: str | None  # the file's own name for the plan, when it gives one
    system: str | None  # the system the file says it is for, when it says
    title: Words
    scenario: Words
    trigger: Words
    steps: tuple[Step, ...]
    contacts: tuple[Contact, ...]
    escalation: tuple[Escalation, ...]
    drill_every: Interval
    notes: Words | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title.as_json(),
            "scenario": self.scenario.as_json(),
            "trigger": self.trigger.as_json(),
            "steps": [{"action": s.action.as_json(), "who": s.who.as_json(), "within": s.within} for s in self.steps],
            "contacts": [
                {"name": c.name, "role": c.role.as_json(), "phone": c.phone, "party": c.party} for c in self.contacts
            ],
            "escalation": [{"after": e.after, "to": e.to.as_json()} for e in self.escalation],
            "drill_every": str(self.drill_every),
            "notes": self.notes.as_json() if self.notes else None,
        }


# ------------------------------------------------------------------------------------------------ the file

PLAN_KEYS = frozenset(
    {"name", "system", "title", "scenario", "trigger", "step", "contact", "escalation", "drill_every", "notes"}
)
STEP_KEYS = frozenset({"action", "who", "within"})
CONTACT_KEYS = frozenset({"name", "role", "phone", "party"})
LEVEL_KEYS = frozenset({"after", "to"})


def _refuse(where: str, message: str) -> UsageError:
    return UsageError(f"{where}: {message}")


def _known(entry: Mapping[str, Any], keys: frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in entry if k not in keys)
    if unknown:
        raise _refuse(
            where,
            _("unknown field {key!r}: expected {keys}").format(key=unknown[0], keys=", ".join(sorted(keys))),
        )


def _line(value: object, field: str, where: str, limit: int, multiline: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _refuse(where, _("{field} must be a non-empty string").format(field=field))
    text = value.strip()
    if len(text) > limit:
        raise _refuse(where, _("{field} is longer than {limit} characters").format(field=field, limit=limit))
    if not multiline and has_control(text):
        raise _refuse(
            where,
            _("invalid {field} {value!r}: control characters are not allowed").format(field=field, value=text),
        )
    return escape(text) if multiline else text


def _words(entry: Mapping[str, Any], field: str, where: str, limit: int = TEXT_LIMIT, multiline: bool = True) -> Words:
    value = entry.get(field)
    if isinstance(value, Mapping):
        _known(value, frozenset(LANGUAGES), f"{where}: {field}")
        given = {
            lang: _line(value[lang], f"{field}.{lang}", where, limit, multiline) for lang in LANGUAGES if lang in value
        }
        if not given:
            raise _refuse(where, _("{field} must give en or zh").format(field=field))
        return Words(given.get("en", ""), given.get("zh", ""))
    text = _line(value, field, where, limit, multiline)
    return Words(text, text)


def _within(value: object, field: str, where: str) -> str:
    from dcmaint.domain.sla import parse_duration

    try:
        span = parse_duration(value) if isinstance(value, str) else None
    except (UsageError, OverflowError):
        span = None
    if span is None or not timedelta(0) < span <= LONGEST_STEP:
        raise _refuse(
            where,
            _("invalid {field} {value!r}: a time such as 15m, 2h or 1h30m, at most 7 days").format(
                field=field, value=value
            ),
        )
    assert isinstance(value, str)
    return value.strip().lower().replace(" ", "")


def _tables(data: Mapping[str, Any], key: str, source: str, most: int, required: bool) -> list[Mapping[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise _refuse(source, _("{key} must be a list of tables ([[{key}]])").format(key=key))
    if required and not entries:
        raise _refuse(source, _("no [[{key}]] entries: a plan needs at least one").format(key=key))
    if len(entries) > most:
        raise _refuse(source, _("more than {most} [[{key}]] entries").format(most=most, key=key))
    return entries


def _step(entry: Mapping[str, Any], where: str) -> Step:
    _known(entry, STEP_KEYS, where)
    within = entry.get("within")
    return Step(
        _words(entry, "action", where),
        _words(entry, "who", where, LINE_LIMIT, multiline=False),
        _within(within, "within", where) if within is not None else None,
    )


def _contact(entry: Mapping[str, Any], where: str) -> Contact:
    _known(entry, CONTACT_KEYS, where)
    name = _line(entry.get("name"), "name", where, LINE_LIMIT, multiline=False)
    phone = entry.get("phone")
    try:
        number = parse.phone(phone) if isinstance(phone, str) else parse.phone("")
    except UsageError as error:
        raise _refuse(where, str(error)) from None
    party = entry.get("party")
    if party not in {p.value for p in ContactParty}:
        raise _refuse(
            where,
            _("invalid party {value!r}: choose one of {choices}").format(
                value=party, choices=", ".join(p.value for p in ContactParty)
            ),
        )
    return Contact(name, _words(entry, "role", where, LINE_LIMIT, multiline=False), number, str(party))


def _level(entry: Mapping[str, Any], where: str) -> Escalation:
    _known(entry, LEVEL_KEYS, where)
    return Escalation(_within(entry.get("after"), "after", where), _words(entry, "to", where, LINE_LIMIT, False))


def plan_file(data: Mapping[str, Any], source: str) -> Plan:
    """The plan of a parsed plan file; the first bad field is refused naming the file, the entry and the field."""
    _known(data, PLAN_KEYS, source)
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not NAME_PATTERN.match(name)):
        raise _refuse(
            source,
            _("invalid name {value!r}: lower-case letters, digits and '-', at most 48").format(value=name),
        )
    kind = data.get("system")
    if kind is not None:
        try:
            kind = system(kind if isinstance(kind, str) else repr(kind), "system")
        except UsageError as error:
            raise _refuse(source, str(error)) from None
    every = data.get("drill_every", DEFAULT_DRILL_EVERY)
    try:
        drill_every = interval(every if isinstance(every, str) else repr(every), "drill_every")
    except UsageError as error:
        raise _refuse(source, str(error)) from None
    label = _("step {number}")
    steps = tuple(
        _step(e, f"{source}: {label.format(number=n)}")
        for n, e in enumerate(_tables(data, "step", source, MOST_STEPS, True), 1)
    )
    contacts = tuple(
        _contact(e, f"{source}: {_('contact {number}').format(number=n)}")
        for n, e in enumerate(_tables(data, "contact", source, MOST_CONTACTS, True), 1)
    )
    levels = tuple(
        _level(e, f"{source}: {_('escalation {number}').format(number=n)}")
        for n, e in enumerate(_tables(data, "escalation", source, MOST_LEVELS, False), 1)
    )
    return Plan(
        name,
        kind,
        _words(data, "title", source, LINE_LIMIT, multiline=False),
        _words(data, "scenario", source),
        _words(data, "trigger", source),
        steps,
        contacts,
        levels,
        drill_every,
        _words(data, "notes", source) if data.get("notes") is not None else None,
    )


def read_plan_text(text: str, source: str) -> Plan:
    """A plan file's text (TOML) as a plan; a syntax error names the file and the line."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(_("{file}: not valid TOML: {reason}").format(file=source, reason=error)) from None
    return plan_file(data, source)


def words_from(data: object) -> Words:
    """Words as stored (``{"en": ..., "zh": ...}``)."""
    if isinstance(data, Mapping):
        return Words(str(data.get("en") or ""), str(data.get("zh") or ""))
    return Words(str(data or ""), str(data or ""))


def stored_plan(data: Mapping[str, Any]) -> Plan:
    """A plan as :meth:`Plan.as_json` stored it."""
    return Plan(
        None,
        None,
        words_from(data["title"]),
        words_from(data["scenario"]),
        words_from(data["trigger"]),
        tuple(Step(words_from(s["action"]), words_from(s["who"]), s.get("within")) for s in data["steps"]),
        tuple(Contact(c["name"], words_from(c["role"]), c["phone"], c["party"]) for c in data["contacts"]),
        tuple(Escalation(e["after"], words_from(e["to"])) for e in data.get("escalation", [])),
        interval(data["drill_every"], "drill_every"),
        words_from(data["notes"]) if data.get("notes") else None,
    )


# ------------------------------------------------------------------------------------------ drills due


def drill_due(adopted: datetime, last_drill: datetime | None, every: Interval) -> datetime:
    """When a plan's next drill falls due: ``every`` after its last drill, or after it was adopted.

    >>> from datetime import UTC
    >>> drill_due(datetime(2026, 1, 10, tzinfo=UTC), None, interval("6mo", "e")).date().isoformat()
    '2026-07-10'
    >>> drill_due(datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC), interval("1y", "e")).year
    2027
    """
    return every.after(last_drill or adopted)


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PlanLine(Record):
    """A plan as ``emergency list`` and ``emergency due`` show it; keys documented in docs/json.md."""

    plan: str  # SITE/NAME, what the other commands take
    site: str
    system: str
    title: str
    state: str
    version: int
    drill_every: str
    last_drill: datetime | None
    last_result: str | None
    drill_due: datetime | None  # None once retired
    drill_state: str | None


@dataclass(frozen=True)
class DrillLine(Record):
    """One recorded drill (``emergency drill``, ``emergency show``)."""

    plan: str
    site: str
    version: int
    drilled_at: datetime
    result: str
    by: str | None
    note: str | None


@dataclass(frozen=True)
class PlanDetail(Record):
    """One plan in full (``emergency show``): the plan as stored and its drills, newest first."""

    plan: str
    site: str
    customer: str
    timezone: str
    system: str
    state: str
    version: int
    versions: int
    adopted_at: datetime
    changed_at: datetime
    retired_at: datetime | None
    retired_reason: str | None
    drill_due: datetime | None
    drill_state: str | None
    content: Mapping[str, Any]
    drills: tuple[DrillLine, ...]

    def as_json(self) -> dict[str, Any]:
        data = super().as_json()
        data["drills"] = [d.as_json() for d in self.drills]
        return data


@dataclass(frozen=True)
class TicketPlan(Record):
    """A plan a ticket's system has, as ``ticket show`` lists it."""

    plan: str
    system: str
    title: str
    last_drill: datetime | None
    last_result: str | None


def lines_overdue(lines: Sequence[PlanLine]) -> bool:
    """Whether any of ``lines`` is overdue: ``emergency due`` exits 1, for cron."""
    return any(line.drill_state == DrillState.OVERDUE.value for line in lines)


@dataclass(frozen=True)
class TemplateLine(Record):
    """A shipped example plan (``emergency templates``)."""

    template: str
    system: str
    title: str
    steps: int
    drill_every: str

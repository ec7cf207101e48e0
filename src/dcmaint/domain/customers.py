"""The customer record of a site and the desk's visits (定期回访): contacts, preferences, visits, scores, complaints.

A site's customer (``site add --customer``) gets a record: the people the
desk talks to (name, role, phone, e-mail, the channel they prefer and the
hours they can be reached) and what the customer prefers (the language and
format of reports, the desk's targets for follow-ups and complaints, notes).
The desk visits the customer in two ways:

- periodically (``visit plan --every 1mo``): the regular call. The next one is
  due ``every`` after the last periodic visit, or after the plan was made when
  there has been none (:func:`next_periodic`, the same calendar spans as
  preventive maintenance);
- after a ticket (``visit log --ticket``): the reactive flow's last step. A
  closed ticket owes a follow-up within the customer's ``followup_within``
  (default 7 days) of its closing (:func:`followup_due`).

A visit may record a score (1 to 5) and a complaint. A complaint is open until
resolved; an open one is due within ``complaint_within`` (default 3 days) of
the visit that raised it. The scores are the desk's record of customer
satisfaction; the score the customer gives on a maintenance form (``ticket
sign``) is the engineer's KPI and is tallied by ``report kpi`` alone.

>>> from datetime import UTC, datetime
>>> plan = datetime(2026, 1, 31, tzinfo=UTC)
>>> next_periodic(plan, None, "1mo").date().isoformat()
'2026-02-28'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from dcmaint.domain import parse
from dcmaint.domain.preventive import interval, next_due
from dcmaint.domain.records import Record
from dcmaint.domain.text import identifier
from dcmaint.errors import UsageError
from dcmaint.i18n import Untranslated, _

DEFAULT_FOLLOWUP_WITHIN = "7d"
DEFAULT_COMPLAINT_WITHIN = "3d"
#: A ticket closed longer ago than this is no longer chased for its follow-up (nor listed by ``visit due``).
FOLLOWUP_HORIZON = timedelta(days=90)
#: The targets of a customer record: a follow-up or a complaint answered within at most this.
LONGEST_TARGET = timedelta(days=60)
HOURS_PATTERN = re.compile(r"^(?:(?P<days>mon-fri|mon-sat|daily)\s+)?(?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2})$")
ROUND_THE_CLOCK = "7x24"


class Channel(StrEnum):
    """How the desk reaches the customer, and how a contact prefers to be reached."""

    PHONE = "phone"
    ONSITE = "onsite"
    EMAIL = "email"
    WECHAT = "wechat"


class VisitKind(StrEnum):
    """A periodic visit (the desk's regular call) or the follow-up of a ticket."""

    PERIODIC = "periodic"
    FOLLOWUP = "followup"


class ComplaintState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class VisitDueKind(StrEnum):
    """What ``visit due`` lists: a periodic visit, a ticket's follow-up, an open complaint."""

    VISIT = "visit"
    FOLLOWUP = "followup"
    COMPLAINT = "complaint"


class ReportLanguage(Untranslated):
    ZH = "zh"
    EN = "en"


class ReportFormat(Untranslated):
    PDF = "pdf"
    HTML = "html"
    MD = "md"


# ------------------------------------------------------------------------------------------------ parsers


def channel(text: str, what: str) -> str:
    """A channel as typed: phone, onsite, email or wechat."""
    return parse.enum_value(Channel, text, what).value


def language(text: str, what: str) -> str:
    """The language of the customer's reports: zh or en."""
    return parse.enum_value(ReportLanguage, text, what).value


def report_format(text: str, what: str) -> str:
    """The format of the customer's reports: pdf, html or md."""
    return parse.enum_value(ReportFormat, text, what).value


def phone(text: str, what: str) -> str:
    """A contact's phone number: no control character, digits with spaces, dashes, brackets and a leading +."""
    return parse.phone(identifier(text, what))


def email(text: str, what: str) -> str:
    """A contact's e-mail address: no control character, one @ and a dotted domain."""
    return parse.email(identifier(text, what))


def hours(text: str, what: str) -> str:
    """When a contact can be reached: ``7x24``, or ``[mon-fri|mon-sat|daily] HH:MM-HH:MM`` (start before end).

    >>> hours(" Mon-Fri 09:00-17:30 ", "--hours"), hours("7X24", "--hours")
    ('mon-fri 09:00-17:30', '7x24')
    """
    value = " ".join(text.strip().lower().split())
    if value == ROUND_THE_CLOCK:
        return value
    found = HOURS_PATTERN.match(value)
    if found is not None:
        try:
            start, end = time.fromisoformat(found.group("start")), time.fromisoformat(found.group("end"))
        except ValueError:
            start = end = time(0)
        if start < end:
            return value
    raise UsageError(
        _("invalid {what} {value!r}: expected 7x24 or [mon-fri|mon-sat|daily] HH:MM-HH:MM, e.g. 09:00-17:30").format(
            what=what, value=text
        )
    )


def target(text: str, what: str) -> str:
    """A response target (``--followup-within``, ``--complaint-within``): a span such as 7d or 48h, at most 60
    days; kept in its shortest form.

    >>> target("48h", "--followup-within"), target("1d 90m", "--complaint-within")
    ('2d', '1d1h30m')
    """
    span = parse.duration(text, what, LONGEST_TARGET)
    minutes = int(span.total_seconds()) // 60
    parts = ((minutes // 1440, "d"), (minutes % 1440 // 60, "h"), (minutes % 60, "m"))
    return "".join(f"{count}{unit}" for count, unit in parts if count) or "1m"


def target_span(text: str) -> timedelta:
    """A stored target as a span."""
    from dcmaint.domain.sla import parse_duration

    return parse_duration(text)


def every(text: str, what: str) -> str:
    """A visit interval (``1mo``, ``2w``, ``1y``): the calendar spans of :func:`dcmaint.domain.preventive.interval`,
    at most a year between two visits."""
    value = interval(text, what)
    if value.days_at_most > 366:
        raise UsageError(
            _("invalid {what} {value!r}: the desk visits a customer at least once a year").format(what=what, value=text)
        )
    return str(value)


@dataclass(frozen=True)
class Contact(Record):
    """A person at the customer the desk talks to; keys documented in docs/json.md."""

    site: str
    name: str
    role: str | None
    phone: str | None
    email: str | None
    channel: str | None  # the channel they prefer
    hours: str | None  # when they can be reached


def contact(given: Contact) -> Contact:
    """A contact as given, checked: a name, and a phone or an e-mail of a plausible shape; a preferred channel
    needs its address (phone or wechat: a phone number; email: an e-mail address)."""
    name = identifier(given.name, _("contact"))
    number = phone(given.phone, "--phone") if given.phone is not None else None
    address = email(given.email, "--email") if given.email is not None else None
    role = identifier(given.role, "--role") if given.role is not None else None
    if number is None and address is None:
        raise UsageError(_("contact {name!r} needs a --phone or an --email").format(name=name))
    chosen = channel(given.channel, "--channel") if given.channel is not None else None
    if chosen == Channel.EMAIL.value and address is None:
        raise UsageError(_("contact {name!r} prefers e-mail: give their --email").format(name=name))
    if chosen in (Channel.PHONE.value, Channel.WECHAT.value) and number is None:
        raise UsageError(_("contact {name!r} prefers {channel}: give their --phone").format(name=name, channel=chosen))
    reach = hours(given.hours, "--hours") if given.hours is not None else None
    return Contact(given.site, name, role, number, address, chosen, reach)


# -------------------------------------------------------------------------------------------------- rules


def next_periodic(planned: datetime, last: datetime | None, every_text: str) -> datetime:
    """When the next periodic visit is due: ``every`` after the last one, or after the plan was made."""
    return next_due(last or planned, interval(every_text, "every"))


def followup_due(closed: datetime, within: str) -> datetime:
    """When a closed ticket's follow-up is due: the customer's follow-up target after its closing."""
    return closed + target_span(within)


def complaint_due(raised: datetime, within: str) -> datetime:
    """When an open complaint is due to be resolved: the customer's complaint target after it was raised."""
    return raised + target_span(within)


def due_state(due: datetime, now: datetime, within: timedelta) -> str:
    """overdue once ``due`` has passed, due within ``within``, else scheduled (the words of ``pm due``)."""
    from dcmaint.domain.preventive import state

    return state(due, now, within).value


def average(scores: Sequence[int]) -> float | None:
    """The mean of ``scores``, to two decimals; None when there is none.

    >>> average([5, 4, 4]), average([])
    (4.33, None)
    """
    return round(sum(scores) / len(scores), 2) if scores else None


# ------------------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class Preferences(Record):
    """What the customer prefers; keys documented in docs/json.md."""

    site: str
    customer: str
    language: str | None
    report_format: str | None
    followup_within: str
    complaint_within: str
    notes: str | None


@dataclass(frozen=True)
class Plan(Record):
    """A site's periodic visits: how often, by which channel, since when, and when the next is due."""

    site: str
    every: str
    channel: str
    since: datetime
    last_visit: datetime | None
    next_due: datetime


@dataclass(frozen=True)
class VisitLine(Record):
    """One visit as ``visit list`` and ``customer show`` give it; keys documented in docs/json.md."""

    id: int
    site: str
    at: datetime
    kind: str
    channel: str
    by: str
    contact: str | None
    ticket: str | None
    score: int | None
    complaint: int | None  # the complaint's number, when the visit raised one
    note: str | None


@dataclass(frozen=True)
class ComplaintLine(Record):
    """A complaint and where it stands; keys documented in docs/json.md."""

    id: int
    site: str
    visit: int
    raised_at: datetime
    text: str
    state: str
    due: datetime | None  # when an open one is due to be resolved
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class DueLine(Record):
    """One thing ``visit due`` lists: a periodic visit, a ticket's follow-up or an open complaint."""

    site: str
    kind: str
    subject: str  # the plan's channel, the ticket, or the complaint's number
    due: datetime
    state: str
    detail: str | None


@dataclass(frozen=True)
class ScoreLine(Record):
    site: str
    at: datetime
    score: int
    ticket: str | None
    by: str
    channel: str


@dataclass(frozen=True)
class Scores(Record):
    """The scores of a period: how many, their average, per ticket, and each one."""

    since: datetime
    until: datetime
    count: int
    average: float | None
    by_ticket: dict[str, float]
    history: tuple[ScoreLine, ...]


def scores(lines: Sequence[ScoreLine], since: datetime, until: datetime) -> Scores:
    """The scores of ``lines`` given in ``[since, until)``, oldest first, with their average over all and per
    ticket."""
    chosen = tuple(sorted((s for s in lines if since <= s.at < until), key=lambda s: s.at))
    tickets: dict[str, list[int]] = {}
    for line in chosen:
        if line.ticket is not None:
            tickets.setdefault(line.ticket, []).append(line.score)
    per_ticket = {ticket: average(values) or 0.0 for ticket, values in sorted(tickets.items())}
    return Scores(since, until, len(chosen), average([s.score for s in chosen]), per_ticket, chosen)


def anything_overdue(lines: Sequence[DueLine]) -> bool:
    """Whether ``visit due`` exits 1 (for cron)."""
    return any(line.state == "overdue" for line in lines)

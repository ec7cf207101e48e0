"""``ticket new``: a reported fault becomes a ticket, from what the caller said or from their e-mail.

An e-mail gives who wrote, how to reach them, what they said, and when;
what the person logging the ticket types wins over what the mail says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dcmaint.domain.email_intake import parse_email
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.tickets import Severity, Source
from dcmaint.errors import UsageError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.domain.tickets import TicketDetail
    from dcmaint.services.context import Context
    from dcmaint.services.roster_views import OnDuty


@dataclass(frozen=True)
class FaultReport:
    """A fault as it was reported: what ``ticket new`` is given.

    :param reported: when, as typed at the command line (naive: the site's time; default: the e-mail's date, or now)
    :param email: an ``.eml`` file; the description, caller, contact and time left out come from it
    """

    site: str
    description: str | None = None
    source: str = Source.PHONE.value
    severity: str = Severity.HIGH.value
    devices: Sequence[str] = ()
    caller: str | None = None
    contact: str | None = None
    reported: GivenTime | None = None
    email: Path | None = None


def log(context: Context, report: FaultReport) -> TicketDetail:
    """Log a ticket for a reported fault and return it as ``ticket show`` reads it (entry point)."""
    from dcmaint.services import sites, tickets
    from dcmaint.services.ticket_views import detail

    description, caller, contact, when, source = (
        report.description,
        report.caller,
        report.contact,
        None,
        report.source,
    )
    if report.email is not None:
        intake = from_email(report.email)
        description = description or intake.description
        caller, contact = caller or intake.caller, contact or intake.contact
        when, source = intake.reported_at, Source.EMAIL.value
    if description is None:
        raise UsageError(_("a ticket needs a description of the fault (--description or --from-eml)"))
    with context.write() as unit:
        if report.reported is not None:
            when = report.reported.checked(sites.find(unit, report.site).timezone, datetime.now(UTC))
        ref = tickets.new(
            unit,
            tickets.TicketDraft(
                report.site, source, description, report.severity, report.devices, caller, contact, when
            ),
        )
    return detail(context, ref)


def log_and_who(context: Context, report: FaultReport) -> tuple[TicketDetail, OnDuty]:
    """Log the ticket, and say who is on duty at its site now: the desk calls them next (entry point)."""
    from dcmaint.services.roster_views import who

    shown = log(context, report)
    return shown, who(context, shown.site)[0]


@dataclass(frozen=True)
class Intake:
    description: str
    caller: str | None
    contact: str | None
    reported_at: datetime | None


def from_email(path: Path) -> Intake:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=error.strerror)) from None
    report = parse_email(data, path.name)
    lines = [report.subject] if report.subject else []
    if report.body:
        lines += ["", report.body]
    if report.attachments:
        lines += ["", _("Attachments: {names}").format(names=", ".join(report.attachments))]
    contact = ", ".join(p for p in (report.sender_address, *report.phones) if p) or None
    sent = report.sent_at
    if sent is not None and sent > datetime.now(UTC):
        sent = None  # the sender's clock runs fast: the mail arrived now, not in the future
    return Intake(
        "\n".join(lines).strip(), report.sender_name or report.sender_address, contact[:200] if contact else None, sent
    )

"""A fault e-mail as a ticket draft: who wrote, how to reach them, what they said, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dcmaint.domain.email_intake import parse_email
from dcmaint.errors import UsageError
from dcmaint.i18n import _


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
    if sent is not None and sent > datetime.now(timezone.utc):
        sent = None  # the sender's clock runs fast: the mail arrived now, not in the future
    return Intake("\n".join(lines).strip(), report.sender_name or report.sender_address,
                  contact[:200] if contact else None, sent)

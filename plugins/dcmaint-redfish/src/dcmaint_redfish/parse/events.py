"""What the BMC complains about: log entries as events, active conditions and unread resources as alarms.

Logs (SEL, HPE IML, Dell Lifecycle log, ...) are history: only recent
Critical and Warning entries are kept, newest first, so that a report stays
small and a technician sees what matters. Conditions (``Status.Conditions``,
Resource 1.11, and ``ServiceConditions``) are the BMC's list of what is wrong
now; they count toward the device status, and each is placed at the resource
it points at (``OriginOfCondition``), never at its message ID. A resource the
BMC failed to serve is an ``unknown`` alarm: the report is incomplete and
says where.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from dcmaint.drivers import Alarm, Health, LogEvent
from dcmaint_redfish.parse.context import Context
from dcmaint_redfish.parse.fields import conditions, objects, redfish_health, text
from dcmaint_redfish.parse.vendor import Document
from dcmaint_redfish.paths import ref_key

_OLDEST = datetime.min.replace(tzinfo=UTC)


def timestamp(value: Any) -> datetime | None:
    """An ISO 8601 time as an aware datetime (UTC assumed when the BMC gives no offset), else None.

    >>> timestamp("2024-05-01T03:12:00Z").isoformat()
    '2024-05-01T03:12:00+00:00'
    >>> timestamp("yesterday") is None
    True
    """
    found = text(value)
    if not found:
        return None
    try:
        parsed = datetime.fromisoformat(found)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)


def log_events(ctx: Context, services: Iterable[Document], limit: int) -> list[LogEvent]:
    """The newest ``limit`` Critical/Warning entries of all these log services, newest first."""
    found: list[LogEvent] = []
    for service in services:
        source = text(service.get("Name")) or text(service.get("Id"))
        for entry in ctx.members(service.get("Entries")):
            severity = redfish_health(entry.get("Severity"))
            message = text(entry.get("Message")) or text(entry.get("Name"))
            if severity not in (Health.WARNING, Health.CRITICAL) or not message:
                continue
            code = text(entry.get("MessageId")) or text(entry.get("EntryCode")) or text(entry.get("Id"))
            found.append(LogEvent(timestamp(entry.get("Created")), message, severity, code, source))
    found.sort(key=lambda event: event.at or _OLDEST, reverse=True)
    return found[:limit]


def condition_alarms(ctx: Context, documents: Iterable[Document]) -> None:
    """One alarm per active Warning/Critical condition on these resources, kept in ``ctx``.

    Conditions come from ``Status.Conditions`` of systems, chassis and managers and from the service's
    ``ServiceConditions`` resource (its ``Conditions``); the same condition listed by several of them
    (same message, code and origin) is one alarm. Each alarm is about ``OriginOfCondition``, the resource
    it points at (a part, a sensor, a chassis), else about the resource that lists it.
    """
    seen: set[tuple[str, str | None, str | None]] = set()
    for document in documents:
        source = text(document.get("Name")) or text(document.get("Id"))
        listed = [*conditions(document), *objects(document.get("Conditions"))]
        for condition in listed:
            severity = redfish_health(condition.get("Severity"))
            message = text(condition.get("Message"))
            code = text(condition.get("MessageId"))
            origin = ref_key(condition.get("OriginOfCondition"))
            if severity not in (Health.WARNING, Health.CRITICAL) or not message or (message, code, origin) in seen:
                continue
            seen.add((message, code, origin))
            alarm = Alarm(message, severity, code, source, timestamp(condition.get("Timestamp")))
            ctx.alarm(alarm, origin=origin, listed_by=ref_key(document))


def unread_alarms(unread: Mapping[str, str]) -> list[Alarm]:
    """An ``unknown`` alarm per resource the BMC did not serve: the report is incomplete there."""
    return [
        Alarm(f"could not read {path}: {reason}", Health.UNKNOWN, "redfish.unread", path)
        for path, reason in sorted(unread.items())
    ]

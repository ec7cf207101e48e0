"""Parsers for values users type. Each raises UsageError naming the bad value."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

from dcmaint.errors import UsageError
from dcmaint.i18n import _

E = TypeVar("E", bound=StrEnum)

NAME_PATTERN = re.compile(r"^[\w][\w.\-]{0,63}$")
FINGERPRINT_PATTERN = re.compile(r"^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-()]{2,30}$")


def enum_value(enum: type[E], text: str, what: str) -> E:
    try:
        return enum(text.strip().lower())
    except ValueError:
        raise UsageError(
            _("invalid {what} {value!r}: choose one of {choices}").format(
                what=what, value=text, choices=", ".join(e.value for e in enum)
            )
        ) from None


def name(text: str, what: str) -> str:
    """Register names: letters (any script), digits, '.', '-', '_'; no spaces or slashes."""
    value = text.strip()
    if not NAME_PATTERN.match(value):
        raise UsageError(
            _("invalid {what} name {value!r}: use letters, digits, '.', '-' or '_' (at most 64)").format(
                what=what, value=text
            )
        )
    return value


def iso_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            _("invalid {what} {value!r}: expected a date as YYYY-MM-DD").format(what=what, value=text)
        ) from None


def positive_int(value: int, what: str) -> int:
    if value < 1:
        raise UsageError(_("invalid {what} {value!r}: must be at least 1").format(what=what, value=value))
    return value


def time_zone(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(_("unknown time zone {value!r} (e.g. Asia/Shanghai)").format(value=text)) from None
    return text


def fingerprint(text: str) -> str:
    """A SHA-256 certificate fingerprint, normalised to upper-case colon pairs."""
    if not FINGERPRINT_PATTERN.match(text.strip()):
        raise UsageError(
            _("invalid fingerprint {value!r}: expected 32 hex bytes of SHA-256, e.g. AB:CD:...").format(value=text)
        )
    digits = text.strip().replace(":", "").upper()
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def email(text: str) -> str:
    if not EMAIL_PATTERN.match(text.strip()):
        raise UsageError(_("invalid e-mail address {value!r}").format(value=text))
    return text.strip()


def phone(text: str) -> str:
    if not PHONE_PATTERN.match(text.strip()):
        raise UsageError(_("invalid phone number {value!r}").format(value=text))
    return text.strip()


def skills(text: str) -> tuple[str, ...]:
    """Comma-separated skill tags, lower-cased and deduplicated in order."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        tag = part.strip().lower()
        if tag:
            seen[tag] = None
    return tuple(seen)


def _date_time(text: str, what: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            _("invalid {what} {value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+08:00]").format(
                what=what, value=text
            )
        ) from None


def iso_datetime(text: str, what: str) -> datetime:
    """A date or date-time; naive values are taken as UTC."""
    value = _date_time(text, what)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def site_datetime(text: str, what: str, zone: str) -> datetime:
    """A time a person gives at a site: naive values are the site's local time (``zone``), returned in UTC."""
    from zoneinfo import ZoneInfo

    value = _date_time(text, what)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)

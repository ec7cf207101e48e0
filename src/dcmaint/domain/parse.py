"""Parsers for values users type. Each raises UsageError naming the bad value.

One parser per kind of value, called at the edge (the command line, see
``dcmaint.cli.checked``) so that a bad value is refused before a service
opens its transaction: nothing is half-done. A parser takes the text as
typed and ``what`` (the option, e.g. "--timeout") and names both in its
one-line error. Checks that need the store (a time after the ticket's last
step, in the site's zone) are made by the service with
:meth:`GivenTime.checked`, before it writes anything.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from dcmaint.errors import UsageError
from dcmaint.i18n import _

E = TypeVar("E", bound=StrEnum)

NAME_PATTERN = re.compile(r"^[\w][\w.\-]{0,63}$")
FINGERPRINT_PATTERN = re.compile(r"^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-()]{2,30}$")

MAX_TIMEOUT = 3600.0  # seconds: a device that needs more than an hour to answer is hung, not slow
MAX_LATENCY_MS = 60_000.0  # a simulated answer a minute late is a hang; simulate that with the hang fault
MAX_COUNT = 1_000_000  # counts and limits: far above any depot or listing, far below integer overflow
SERIAL_LIMIT = 100
FUTURE_SLACK = timedelta(minutes=5)  # clocks on laptops drift; a step minutes ahead is a typo, not drift
LATEST_OFFSET = timedelta(hours=14)  # the easternmost zone: no site's today is later than UTC now + 14 h
MAX_SIGNATURE = 2 * 1024 * 1024


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


def seconds_in_range(text: str | float, what: str, *, most: float = MAX_TIMEOUT, unit: str | None = None) -> float:
    """A time to wait or to add: a finite number above 0 and at most ``most`` (an hour of seconds unless told).

    The one check for every such value: ``--timeout``, the configuration's ``runner.timeout`` and
    ``plugins.load_timeout``, ``DCMAINT_PLUGIN_TIMEOUT``, ``sim --latency`` (``unit`` milliseconds).
    ``inf``, ``nan``, 0, negatives, absurd values and text are refused, naming the value.

    >>> seconds_in_range("2.5", "--timeout")
    2.5
    """
    try:
        value = float(text.strip() if isinstance(text, str) else text)
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if isinstance(text, bool) or not (math.isfinite(value) and 0 < value <= most):
        raise UsageError(
            _("invalid {what} {value!r}: expected {unit}, more than 0 and at most {most:g}").format(
                what=what, value=text, unit=unit or _("seconds"), most=most
            )
        )
    return value


def timeout(text: str, what: str) -> float:
    """Seconds to wait (``--timeout``): :func:`seconds_in_range`."""
    return seconds_in_range(text, what)


def latency_ms(text: str | float, what: str) -> float:
    """Milliseconds a simulator adds to each answer (``sim --latency``): :func:`seconds_in_range`, in ms."""
    return seconds_in_range(text, what, most=MAX_LATENCY_MS, unit=_("milliseconds"))


def whole_number(text: str, what: str, least: int, most: int) -> int:
    """A whole number from ``least`` to ``most`` (digits only: no sign, no decimals)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not least <= int(value) <= most:
        raise UsageError(
            _("invalid {what} {value!r}: expected a whole number from {least} to {most}").format(
                what=what, value=text, least=least, most=most
            )
        )
    return int(value)


def count(text: str, what: str) -> int:
    """A count or a limit: a whole number, at least 1 (``--limit``, ``--quantity``, ``--sla-hours``)."""
    return whole_number(text, what, 1, MAX_COUNT)


MAX_CONCURRENCY = 1024  # devices polled at once: beyond this a run exhausts file descriptors, not BMCs
MAX_WORKERS = 256  # worker processes sharing a run: far above the cores of any collector


def concurrency(text: str, what: str) -> int:
    """Devices polled at once (``health --concurrency``): 1 to :data:`MAX_CONCURRENCY`."""
    return whole_number(text, what, 1, MAX_CONCURRENCY)


def workers(text: str, what: str) -> int:
    """Worker processes (``health --workers``): 0 (one per core for large runs) to :data:`MAX_WORKERS`."""
    return whole_number(text, what, 0, MAX_WORKERS)


@dataclass(frozen=True)
class ListenAddress:
    """Where a server listens: ``host`` as the socket takes it (an IPv6 address without brackets) and ``port``."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def listen_address(text: str, what: str) -> ListenAddress:
    """``HOST:PORT`` to listen on (``serve-metrics --listen``): a name or IPv4 address, or an IPv6 address in
    brackets (``[::1]:9464``), and a port from 1 to 65535.

    >>> listen_address("127.0.0.1:9464", "--listen"), str(listen_address("[::1]:9464", "--listen"))
    (ListenAddress(host='127.0.0.1', port=9464), '[::1]:9464')
    >>> listen_address("9464", "--listen")
    Traceback (most recent call last):
    ...
    dcmaint.errors.UsageError: invalid --listen '9464': expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464
    """
    value = text.strip()
    found = re.fullmatch(r"\[(?P<v6>[0-9A-Fa-f:.]+(?:%[\w.\-]+)?)\]:(?P<port>\w+)|(?P<host>[\w.\-]+):(?P<p>\w+)", value)
    if found is None:
        raise UsageError(
            _("invalid {what} {value!r}: expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464").format(
                what=what, value=text
            )
        )
    host = found["v6"] or found["host"]
    if found["v6"] is not None:
        import ipaddress

        try:
            ipaddress.IPv6Address(found["v6"])
        except ValueError:
            raise UsageError(
                _("invalid {what} {value!r}: {host!r} is not an IPv6 address").format(
                    what=what, value=text, host=found["v6"]
                )
            ) from None
    port = found["port"] or found["p"]
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise UsageError(
            _("invalid {what} {value!r}: the port must be a whole number from 1 to 65535").format(what=what, value=text)
        )
    return ListenAddress(host, int(port))


def latest_today() -> date:
    """The latest date anywhere on Earth now: a date after it is in the future for every site."""
    return (datetime.now(UTC) + LATEST_OFFSET).date()


def past_date(text: str, what: str) -> date:
    """A date something already happened on (signed, received, agreed): YYYY-MM-DD, not in the future."""
    value = iso_date(text, what)
    if value > latest_today():
        raise UsageError(_("invalid {what} {value!r}: the date is in the future").format(what=what, value=text))
    return value


def serial(text: str, what: str) -> str:
    """A serial number as printed on a part: no control characters, at most 100 characters."""
    value = text.strip()
    if len(value) > SERIAL_LIMIT:  # as for every text too long for its column: the value is not repeated
        raise UsageError(_("{field} is longer than {limit} characters").format(field=what, limit=SERIAL_LIMIT))
    if not value or any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise UsageError(
            _("invalid {what} {value!r}: a serial is 1 to {most} printable characters").format(
                what=what, value=text, most=SERIAL_LIMIT
            )
        )
    return value


def duration(text: str, what: str, longest: timedelta) -> timedelta:
    """A span of time such as ``2h30m``: more than nothing and at most ``longest``."""
    from dcmaint.domain.sla import format_duration, parse_duration

    try:
        value = parse_duration(text)
    except OverflowError:  # more days than a timedelta holds: far beyond ``longest`` too
        value = longest + longest
    if not timedelta(0) < value <= longest:
        raise UsageError(
            _("invalid {what} {value!r}: more than nothing, at most {most}").format(
                what=what, value=text, most=format_duration(longest)
            )
        )
    return value


def signature_image(file: str, data: bytes) -> bytes:
    """A scanned signature: a PNG or JPEG of at most 2 MB; errors name the file."""
    if len(data) > MAX_SIGNATURE:
        raise UsageError(_("{file}: the signature image is larger than 2 MB").format(file=file))
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise UsageError(_("{file}: the signature image must be a PNG or JPEG file").format(file=file))
    return data


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


@dataclass(frozen=True)
class GivenTime:
    """A time a person typed (``--at``): kept as typed for messages, read in the site's zone when naive."""

    text: str
    what: str
    value: datetime

    def checked(self, zone: str, now: datetime, after: datetime | None = None, previous: str = "") -> datetime:
        """The time in UTC; refused when it is in the future or before ``after`` (``previous`` says what that was).

        >>> at = given_time("2026-03-02T09:00", "--at")
        >>> at.checked("Asia/Shanghai", datetime(2026, 3, 2, 2, 0, tzinfo=UTC)).isoformat()
        '2026-03-02T01:00:00+00:00'
        """
        from zoneinfo import ZoneInfo

        value = self.value if self.value.tzinfo else self.value.replace(tzinfo=ZoneInfo(zone))
        value = value.astimezone(UTC)
        if value > now + FUTURE_SLACK:
            raise UsageError(_("{what} {value!r} is in the future").format(what=self.what, value=self.text))
        if after is not None and value < after:
            local = after.astimezone(ZoneInfo(zone)).isoformat(sep="T", timespec="minutes")
            raise UsageError(
                _("{what} {value!r} is before {previous} ({when})").format(
                    what=self.what, value=self.text, previous=previous, when=local
                )
            )
        return value


def given_time(text: str, what: str) -> GivenTime:
    """``--at``: a date or date-time, naive values in the site's time (checked against it by the service)."""
    return GivenTime(text.strip(), what, _date_time(text, what))

"""The per-device settings of the Redfish driver, read from ``Target.options`` and the endpoint.

Options are strings in the device register (``dcmaint device add ... --option
auth=basic``); a value this driver cannot use raises :class:`InvalidOptions`,
which the runner records as ``not_configured`` for that one device.

| option | values | default | meaning |
|---|---|---|---|
| ``auth`` | ``auto``, ``session``, ``basic``, ``none`` | ``auto`` | how requests log in (below) |
| ``concurrency`` | 1-32 | 4 | requests in flight to this BMC at once (BMCs allow few) |
| ``connect_timeout`` | seconds | min(10, timeout/3) | to open a connection |
| ``read_timeout`` | seconds | min(30, timeout*0.75) | to wait for one answer |
| ``expand`` | ``auto``, ``off`` | ``auto`` | use ``$expand`` on collections when the service root says it works |
| ``log_entries`` | 0-500 | 20 | newest Critical/Warning log entries kept as events |
| ``vendor`` | a profile name | detected | force a vendor profile (``dmtf`` for none) |
| ``check_hostname`` | ``true``, ``false`` | ``true`` | match the certificate against the host when verifying with CAs |
| ``filter_wear`` | 1-1000 (percent), ``off`` | 90 | a CDU filter past this share of its rated hours is due |

``auth=auto`` opens an X-Auth-Token session, or uses HTTP basic auth when the
BMC offers no SessionService; ``session`` uses sessions only; ``basic`` sends
basic auth on every request (no session is created); ``none`` sends no
credentials.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from dcmaint.drivers import ErrorKind, NotSupported

AUTH_MODES = ("auto", "session", "basic", "none")
#: Endpoint URL schemes -> the transport's scheme; the driver declares these keys as its ``schemes``.
SCHEMES = {"redfish": "https", "redfish+https": "https", "https": "https", "redfish+http": "http", "http": "http"}
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")


class InvalidOptions(NotSupported):
    """The device's endpoint or options cannot be used; recorded as ``not_configured``, not as a device fault."""

    kind = ErrorKind.NOT_CONFIGURED


@dataclass(frozen=True)
class Endpoint:
    """Where the BMC answers.

    >>> parse_endpoint("redfish://10.0.0.5").base_url
    'https://10.0.0.5'
    >>> parse_endpoint("redfish+http://[::1]:8000").base_url
    'http://[::1]:8000'
    """

    scheme: str  # "https" or "http"
    host: str
    port: int | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port else "")

    @property
    def display(self) -> str:
        """How messages name the device: host and port, never a credential."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host + (f":{self.port}" if self.port else "")


def parse_endpoint(text: str | None) -> Endpoint:
    """``redfish://HOST[:PORT]`` (HTTPS), ``redfish+http://HOST[:PORT]``, ``https://...`` or ``http://...``."""
    if not text:
        raise InvalidOptions("no endpoint: give the BMC address as redfish://HOST[:PORT]")
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise InvalidOptions(f"endpoint {text!r} is not a valid address") from None
    scheme = SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.hostname:
        raise InvalidOptions(
            f"endpoint {text!r} is not a Redfish address: use redfish://HOST[:PORT] or redfish+http://HOST[:PORT]"
        )
    if parts.username or parts.password:
        raise InvalidOptions("the endpoint must not carry credentials: register a username and a credential reference")
    return Endpoint(scheme, parts.hostname, port)


def _number(options: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    raw = options.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidOptions(f"option {name}={raw!r}: expected a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidOptions(f"option {name}={raw!r}: expected a number from {low:g} to {high:g}")
    return value


def _choice(options: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = str(options.get(name, default)).strip().lower()
    if value not in choices:
        raise InvalidOptions(f"option {name}={options.get(name)!r}: expected one of {', '.join(choices)}")
    return value


def _flag(options: Mapping[str, str], name: str, default: bool) -> bool:
    value = str(options.get(name, "")).strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidOptions(f"option {name}={options.get(name)!r}: expected true or false")


@dataclass(frozen=True)
class RedfishOptions:
    """The driver's settings for one device (see the module docstring for the table)."""

    auth: str = "auto"
    concurrency: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    expand: bool = True
    log_entries: int = 20
    vendor: str | None = None
    check_hostname: bool = True
    filter_wear: float | None = 90.0  # percent of RatedServiceHours; None: the device's verdict alone

    @classmethod
    def from_target(cls, options: Mapping[str, str], timeout: float) -> RedfishOptions:
        """Read and check ``options``; ``timeout`` (the device deadline) sets the network timeouts' defaults."""
        concurrency = _number(options, "concurrency", 1, 32)
        connect = _number(options, "connect_timeout", 0.05, 600)
        read = _number(options, "read_timeout", 0.05, 3600)
        entries = _number(options, "log_entries", 0, 500)
        vendor = str(options.get("vendor", "")).strip().lower() or None
        return cls(
            auth=_choice(options, "auth", AUTH_MODES, "auto"),
            concurrency=int(concurrency) if concurrency is not None else 4,
            connect_timeout=connect if connect is not None else min(10.0, timeout / 3),
            read_timeout=read if read is not None else min(30.0, timeout * 0.75),
            expand=_choice(options, "expand", ("auto", "off"), "auto") == "auto",
            log_entries=int(entries) if entries is not None else 20,
            vendor=vendor,
            check_hostname=_flag(options, "check_hostname", True),
            filter_wear=_wear(options),
        )


def _wear(options: Mapping[str, str]) -> float | None:
    """Option ``filter_wear``: percent of a filter's rated hours from which it is due, or ``off``.

    >>> _wear({}), _wear({"filter_wear": "80"}), _wear({"filter_wear": "off"})
    (90.0, 80.0, None)
    """
    if str(options.get("filter_wear", "")).strip().lower() in _FALSE:
        return None
    found = _number(options, "filter_wear", 1, 1000)
    return 90.0 if found is None else found

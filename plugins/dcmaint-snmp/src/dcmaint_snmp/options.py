"""The per-device settings of the SNMP driver, read from the endpoint, the credential and ``Target.options``.

The endpoint is ``snmp://HOST[:PORT]`` (port 161 by default; IPv6 in
brackets). SNMPv2c uses the device's credential as the community (``public``
when the device has none); SNMPv3 uses the device's user name and its
credential as the authentication passphrase, and the privacy passphrase from
``privacy_key`` (a credential reference, never the passphrase itself) or,
without it, the same passphrase. A value the driver cannot use raises
:class:`InvalidOptions`, recorded as ``not_configured`` for that one device.

The options (``version``, ``auth``, ``privacy``, ``privacy_key``, ``context``,
``request_timeout``, ``retries``, ``max_repetitions``, ``profile``) are
documented with their values and defaults in docs/drivers/snmp.md.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from dcmaint.drivers import ErrorKind, NotSupported

SCHEMES = ("snmp",)
DEFAULT_PORT = 161
AUTH_PROTOCOLS = ("sha", "sha224", "sha256", "sha384", "sha512", "md5")
PRIVACY_PROTOCOLS = ("aes", "aes128", "aes192", "aes256", "des", "none")
KNOWN = frozenset(
    {"version", "auth", "privacy", "privacy_key", "context", "request_timeout", "retries", "max_repetitions", "profile"}
)


class InvalidOptions(NotSupported):
    """The device's endpoint or options cannot be used; recorded as ``not_configured``, not as a device fault."""

    kind = ErrorKind.NOT_CONFIGURED


@dataclass(frozen=True)
class Settings:
    """How to reach one agent; everything but the secrets, which stay in the target's ``Secret``.

    >>> s = settings("snmp://10.0.0.9", {}, timeout=10)
    >>> (s.host, s.port, s.version, s.request_timeout, s.retries)
    ('10.0.0.9', 161, '2c', 2.0, 1)
    >>> settings("snmp://[fe80::1]:1161", {"version": "3", "auth": "SHA256", "privacy": "aes256"}, timeout=2).port
    1161
    """

    host: str
    port: int
    version: str
    auth: str
    privacy: str
    privacy_key: str | None
    context: str
    request_timeout: float
    retries: int
    max_repetitions: int
    profile: str | None

    @property
    def address(self) -> str:
        """``host:port`` as a person writes it (IPv6 in brackets), for messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def settings(
    endpoint: str | None, options: Mapping[str, str], *, timeout: float, schemes: tuple[str, ...] = SCHEMES
) -> Settings:
    """The settings of one target; InvalidOptions names the first value that cannot be used.

    ``schemes`` are the URL schemes the polling driver serves: a vendor's driver on the same engine
    (:mod:`dcmaint_snmp.vendor`) has its own.
    """
    host, port = _endpoint(endpoint, schemes or SCHEMES)
    from dcmaint_snmp.profiles import OPTIONS as PROFILE_OPTIONS

    unknown = sorted(set(options) - KNOWN - PROFILE_OPTIONS)
    if unknown:
        known = ", ".join(sorted(KNOWN | PROFILE_OPTIONS))
        raise InvalidOptions(f"unknown SNMP option {unknown[0]!r} (known: {known})")
    version = options.get("version", "2c").strip().lower()
    if version in ("2", "v2c", "v2"):
        version = "2c"
    if version in ("v3",):
        version = "3"
    if version not in ("2c", "3"):
        raise InvalidOptions(f"invalid SNMP version {options['version']!r}: expected 2c or 3")
    auth = _choice(options, "auth", "sha", AUTH_PROTOCOLS)
    privacy = _choice(options, "privacy", "aes128", PRIVACY_PROTOCOLS)
    if privacy == "aes":
        privacy = "aes128"
    default_wait = round(min(2.0, max(timeout / 4, 0.1)), 3)
    return Settings(
        host=host,
        port=port,
        version=version,
        auth=auth,
        privacy=privacy,
        privacy_key=(options.get("privacy_key") or "").strip() or None,
        context=options.get("context", ""),
        request_timeout=_number(options, "request_timeout", default_wait, 0.1, 60.0),
        retries=int(_number(options, "retries", 1, 0, 5, whole=True)),
        max_repetitions=int(_number(options, "max_repetitions", 25, 1, 100, whole=True)),
        profile=(options.get("profile") or "").strip().lower() or None,
    )


def _endpoint(endpoint: str | None, schemes: tuple[str, ...] = SCHEMES) -> tuple[str, int]:
    if not endpoint:
        raise InvalidOptions("no endpoint: register the device with --endpoint snmp://HOST[:PORT]")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise InvalidOptions(f"invalid SNMP endpoint {endpoint!r}: expected snmp://HOST[:PORT]") from None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise InvalidOptions(f"invalid SNMP endpoint {endpoint!r}: expected snmp://HOST[:PORT]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidOptions(f"invalid SNMP endpoint {endpoint!r}: only snmp://HOST[:PORT], no path, user or query")
    host = parts.hostname
    with contextlib.suppress(ValueError):  # a name stays as written; an address is normalised
        host = str(ipaddress.ip_address(host))
    return host, port if port is not None else DEFAULT_PORT


def _choice(options: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = options.get(name, default).strip().lower()
    if value not in allowed:
        raise InvalidOptions(f"invalid SNMP option {name}={options[name]!r}: expected one of {', '.join(allowed)}")
    return value


def _number(
    options: Mapping[str, str], name: str, default: float, least: float, most: float, *, whole: bool = False
) -> float:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not least <= value <= most:
        kind = "a whole number" if whole else "a number"
        raise InvalidOptions(f"invalid SNMP option {name}={raw!r}: expected {kind} from {least:g} to {most:g}")
    return value

"""Scrubbing a recording before it leaves the machine room: secrets, addresses, host names and serials.

A recording (``dcmaint record``) is meant to be attached to a bug report or
kept as a test fixture, so it must not say where it was made nor hold what
logs in to the device. :class:`Scrubber` walks a JSON tree, keys and string
values alike, and replaces:

- **secrets**: every string under a key whose name looks secret (password,
  token, cookie, community, ...) becomes ``<redacted>``, and every known
  secret value (the target's credential) is cut out wherever it appears;
- **addresses**: IPv4 literals become documentation addresses (192.0.2.x,
  then 198.51.100.x, then 203.0.113.x), IPv6 literals 2001:db8::x and MAC
  addresses 00:00:5e:00:53:xx (RFC 5737, 3849, 7042), loopback included;
- **host names** the caller names (the endpoint's host) become ``device-N.example``;
- **serials** the caller names become ``SERIAL-0001``, ``SERIAL-0002``...

One scrubber replaces the same original by the same replacement everywhere,
inside longer strings and URLs too: a transport that rebuilds its questions
from scrubbed answers still asks the scrubbed questions, so replay matches.
Values already in the replacement ranges are kept, so scrubbing twice is
scrubbing once. OIDs (more than four dotted numbers) and dotted versions
inside words (``v2.72.1.0``) are not addresses. The scrubber only counts
what it replaced (:meth:`Scrubber.counts`); it never hands the originals out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

REDACTED = "<redacted>"

#: Categories of :meth:`Scrubber.counts`, in the order they are shown.
SECRETS, ADDRESSES, HOSTS, SERIALS = "secrets", "addresses", "hosts", "serials"
CATEGORIES = (SECRETS, ADDRESSES, HOSTS, SERIALS)

#: Parts of key names whose values are secret (compared without case, dashes or underscores).
SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "authorization",
    "cookie",
    "community",
    "authkey",
    "privkey",
    "privatekey",
    "apikey",
    "credential",
)
#: Keys of version numbers: a dotted version there (``2.72.1.0``) is not an address.
VERSION_KEY_PARTS = ("version", "firmware")

_MAC = re.compile(
    r"(?<![0-9A-Za-z:.-])"
    r"(?:[0-9A-Fa-f]{2}(?P<sep>[:-])[0-9A-Fa-f]{2}(?:(?P=sep)[0-9A-Fa-f]{2}){4}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})"
    r"(?![0-9A-Za-z:-]|\.[0-9A-Za-z])"
)
_IPV6 = re.compile(r"(?<![0-9A-Za-z:.])[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?![0-9A-Za-z:]|\.[0-9A-Za-z])")
_IPV4 = re.compile(r"(?<![0-9A-Za-z.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9A-Za-z]|\.\d)")

_IPV4_RANGES = tuple(ipaddress.ip_network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
_IPV6_RANGE = ipaddress.ip_network("2001:db8::/32")
_MAC_PREFIXES = ("00005e0053", "00005e10")
_HOST_REPLACEMENT = re.compile(r"device-\d+\.example", re.I)
_SERIAL_REPLACEMENT = re.compile(r"SERIAL-\d{4,}")


def _squeezed(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def is_secret_key(key: str) -> bool:
    """Whether a key's name says its value is secret.

    >>> is_secret_key("X-Auth-Token"), is_secret_key("Password"), is_secret_key("snmp_community")
    (True, True, True)
    >>> is_secret_key("PasswordChangeRequired"), is_secret_key("SerialNumber")
    (True, False)
    """
    squeezed = _squeezed(key)
    return any(part in squeezed for part in SECRET_KEY_PARTS)


def _is_version_key(key: str | None) -> bool:
    return key is not None and any(part in _squeezed(key) for part in VERSION_KEY_PARTS)


@dataclass
class _Table:
    """Originals to replacements for one category; only the count leaves the scrubber."""

    mapping: dict[str, str] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # replacements already in the input, never handed out again
    used: set[str] = field(default_factory=set)  # originals actually met (serials are numbered before)

    def get(self, original: str, make: Callable[[int], str], *, use: bool = True) -> str:
        if use:
            self.used.add(original)
        found = self.mapping.get(original)
        if found is None:
            index = len(self.mapping) + 1
            found = make(index)
            while found in self.kept or found in self.mapping.values():
                index += 1
                found = make(index)
            self.mapping[original] = found
        return found


def _serial_replacement(index: int) -> str:
    return f"SERIAL-{index:04d}"


def _ipv4_replacement(index: int) -> str:
    block, host = divmod(index - 1, 254)
    if block < len(_IPV4_RANGES):
        return str(_IPV4_RANGES[block].network_address + host + 1)
    # Past 762 addresses: the reserved 240.0.0.0/4, which no device on a network has either.
    return str(ipaddress.IPv4Address("240.0.0.0") + index)


def _ipv6_replacement(index: int) -> str:
    return str(_IPV6_RANGE.network_address + index)


def _mac_replacement(index: int) -> str:
    digits = f"00005e0053{index:02x}" if index < 256 else f"00005e10{index - 256:04x}"
    return digits


def _mac_digits(text: str) -> str:
    return re.sub(r"[^0-9a-f]", "", text.lower())


def _mac_like(original: str, digits: str) -> str:
    """``digits`` written the way ``original`` was (separator, grouping, case)."""
    if "." in original:
        shaped = ".".join(digits[i : i + 4] for i in range(0, 12, 4))
    else:
        separator = "-" if "-" in original else ":"
        shaped = separator.join(digits[i : i + 2] for i in range(0, 12, 2))
    return shaped.upper() if original.upper() == original and any(c.isalpha() for c in original) else shaped


@dataclass(frozen=True)
class Scrubbed:
    """A scrubbed tree and how many distinct values of each category were replaced in it."""

    tree: Any
    counts: dict[str, int]


def scrub(
    tree: Any, *, secrets: Iterable[str] = (), hosts: Iterable[str] = (), serials: Iterable[str] = ()
) -> Scrubbed:
    """Scrub one tree with a fresh :class:`Scrubber` (use the class to share replacements between trees).

    >>> scrub({"ip": "10.1.1.5", "Token": "abc"})
    Scrubbed(tree={'ip': '192.0.2.1', 'Token': '<redacted>'}, counts={'secrets': 1, 'addresses': 1, \
'hosts': 0, 'serials': 0})
    """
    scrubber = Scrubber(secrets=secrets, hosts=hosts, serials=serials)
    clean = scrubber.scrub(tree)
    return Scrubbed(clean, scrubber.counts())


class Scrubber:
    """Replaces secrets, addresses, host names and serials in JSON trees, consistently over its lifetime.

    ``secrets`` are values cut out wherever they appear (the target's
    credential); ``hosts`` are host names to hide (matched without case, as
    whole names); ``serials`` are exact serials to hide (matched as whole
    words, so ``CZ1`` in ``/Systems/CZ1`` goes but ``CZ12`` stays).

    >>> scrubber = Scrubber(secrets=["s3cret"], hosts=["bmc01.corp.local"], serials=["CZ1234"])
    >>> scrubber.scrub({"url": "https://bmc01.corp.local/redfish/v1/Systems/CZ1234",
    ...                 "Password": "s3cret", "ip": "10.0.0.5", "oid": "1.3.6.1.2.1.1.5.0"})
    {'url': 'https://device-1.example/redfish/v1/Systems/SERIAL-0001', 'Password': '<redacted>', \
'ip': '192.0.2.1', 'oid': '1.3.6.1.2.1.1.5.0'}
    >>> scrubber.counts()
    {'secrets': 1, 'addresses': 1, 'hosts': 1, 'serials': 1}
    """

    def __init__(self, *, secrets: Iterable[str] = (), hosts: Iterable[str] = (), serials: Iterable[str] = ()) -> None:
        # Longest first, so that a secret or serial containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if s and s != REDACTED}, key=len, reverse=True)
        self._hosts: list[str] = []
        self._serials: list[str] = []
        self._tables = {name: _Table() for name in ("ipv4", "ipv6", "mac", HOSTS, SERIALS)}
        self._secrets_seen: set[str] = set()
        self._secrets_pattern: re.Pattern[str] | None = None
        self._hosts_pattern: re.Pattern[str] | None = None
        self._serials_pattern: re.Pattern[str] | None = None
        if self._secrets:
            self._secrets_pattern = re.compile("|".join(re.escape(s) for s in self._secrets))
        self.add_hosts(hosts)
        self.add_serials(serials)

    def add_hosts(self, hosts: Iterable[str]) -> None:
        """More host names to hide (an IP address here is left to the address rules)."""
        for host in hosts:
            host = host.strip().strip("[]").rstrip(".")
            if not host or _is_address(host) or _HOST_REPLACEMENT.fullmatch(host) or host.lower() in self._hosts:
                continue
            self._hosts.append(host.lower())
        if self._hosts:
            names = sorted(self._hosts, key=len, reverse=True)
            body = "|".join(re.escape(name) for name in names)
            self._hosts_pattern = re.compile(rf"(?<![0-9A-Za-z.-])(?:{body})(?![0-9A-Za-z-]|\.[0-9A-Za-z])", re.I)

    def add_serials(self, serials: Iterable[str]) -> None:
        """More serials to hide (``--all-serials`` adds those of the polled report)."""
        for serial in serials:
            serial = serial.strip()
            if not serial or _SERIAL_REPLACEMENT.fullmatch(serial) or serial in self._serials:
                continue
            self._serials.append(serial)
            self._tables[SERIALS].get(serial, _serial_replacement, use=False)  # numbered in the order given
        if self._serials:
            body = "|".join(re.escape(s) for s in sorted(self._serials, key=len, reverse=True))
            self._serials_pattern = re.compile(rf"(?<![0-9A-Za-z])(?:{body})(?![0-9A-Za-z])")

    def counts(self) -> dict[str, int]:
        """How many distinct values of each category were replaced so far (never which)."""
        tables = self._tables
        addresses = sum(len(tables[name].used) for name in ("ipv4", "ipv6", "mac"))
        return {
            SECRETS: len(self._secrets_seen),
            ADDRESSES: addresses,
            HOSTS: len(tables[HOSTS].used),
            SERIALS: len(tables[SERIALS].used),
        }

    def scrub(self, tree: Any) -> Any:
        """A scrubbed copy of ``tree`` (dicts, lists, strings, numbers, booleans, None)."""
        self._reserve(tree)
        return self._walk(tree, None, secret=False)

    def text(self, value: str, key: str | None = None) -> str:
        """One string scrubbed (``key``, when given, is the key it sits under: versions keep their dots)."""
        self._reserve(value)
        return self._string(value, key)

    # -- the walk ----------------------------------------------------------------

    def _walk(self, value: Any, key: str | None, *, secret: bool, version: bool = False) -> Any:
        if isinstance(value, Mapping):
            return {
                self._string(str(k), None): self._walk(
                    v, str(k), secret=secret or is_secret_key(str(k)), version=version or _is_version_key(str(k))
                )
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self._walk(item, key, secret=secret, version=version) for item in value]
        if isinstance(value, str):
            if secret:
                if value and value != REDACTED:
                    self._secrets_seen.add(value)
                return REDACTED if value else value
            return self._string(value, key, version=version)
        return value

    def _string(self, value: str, key: str | None, *, version: bool = False) -> str:
        if self._secrets_pattern is not None:
            value = self._secrets_pattern.sub(self._secret, value)
        if self._serials_pattern is not None:
            value = self._serials_pattern.sub(self._serial, value)
        if self._hosts_pattern is not None:
            value = self._hosts_pattern.sub(self._host, value)
        value = _MAC.sub(self._mac, value)
        value = _IPV6.sub(self._ipv6, value)
        if not (version or _is_version_key(key)):  # a version under "firmware" keeps its dots
            value = _IPV4.sub(self._ipv4, value)
        return value

    def _secret(self, found: re.Match[str]) -> str:
        self._secrets_seen.add(found.group(0))
        return REDACTED

    def _serial(self, found: re.Match[str]) -> str:
        return self._tables[SERIALS].get(found.group(0), _serial_replacement)

    def _host(self, found: re.Match[str]) -> str:
        return self._tables[HOSTS].get(found.group(0).lower(), lambda index: f"device-{index}.example")

    def _mac(self, found: re.Match[str]) -> str:
        original = found.group(0)
        digits = _mac_digits(original)
        if digits.startswith(_MAC_PREFIXES):
            return original
        return _mac_like(original, self._tables["mac"].get(digits, _mac_replacement))

    def _ipv6(self, found: re.Match[str]) -> str:
        original = found.group(0)
        try:
            address = ipaddress.IPv6Address(original)
        except ValueError:
            return original  # a time (03:06:17), a C++ name, a ratio: not an address
        if not any(c in "0123456789abcdefABCDEF" for c in original) or address in _IPV6_RANGE:
            return original
        return self._tables["ipv6"].get(str(address), _ipv6_replacement)

    def _ipv4(self, found: re.Match[str]) -> str:
        original = found.group(0)
        try:
            address = ipaddress.IPv4Address(original)
        except ValueError:
            return original  # 300.1.2.3, 01.02.03.04: not an address
        if _documentation_ipv4(address):
            return original
        return self._tables["ipv4"].get(original, _ipv4_replacement)

    # -- what is already scrubbed --------------------------------------------------

    def _reserve(self, tree: Any) -> None:
        """Note the replacement-range values already in ``tree``: they are kept and never handed out again."""
        for text in _strings(tree):
            for found in _IPV4.finditer(text):
                try:
                    address = ipaddress.IPv4Address(found.group(0))
                except ValueError:
                    continue
                if _documentation_ipv4(address):
                    self._tables["ipv4"].kept.add(found.group(0))
            for found in _IPV6.finditer(text):
                try:
                    v6 = ipaddress.IPv6Address(found.group(0))
                except ValueError:
                    continue
                if v6 in _IPV6_RANGE:
                    self._tables["ipv6"].kept.add(str(v6))
            for found in _MAC.finditer(text):
                digits = _mac_digits(found.group(0))
                if digits.startswith(_MAC_PREFIXES):
                    self._tables["mac"].kept.add(digits)
            self._tables[HOSTS].kept.update(m.group(0).lower() for m in _HOST_REPLACEMENT.finditer(text))
            self._tables[SERIALS].kept.update(m.group(0) for m in _SERIAL_REPLACEMENT.finditer(text))


def _documentation_ipv4(address: ipaddress.IPv4Address) -> bool:
    return any(address in net for net in _IPV4_RANGES) or address >= ipaddress.IPv4Address("240.0.0.0")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _strings(tree: Any) -> Iterable[str]:
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(tree, list | tuple):
        for item in tree:
            yield from _strings(item)
    elif isinstance(tree, str):
        yield tree

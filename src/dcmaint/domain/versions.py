"""Vendor version strings, and the one rule that says whether one is older than another.

Vendors write versions in many shapes: ``2.72``, ``U30 v2.80``, ``1.40.0``,
``2.10 (Jan 2025)``, ``iDRAC 7.00.00.171``, ``AFBT38M 4.30``,
``51.16.0-4076``. The rule, applied by every advisory and every change:

1. A trailing parenthesis is a note, not the version: ``U30 v2.80
   (10/16/2023)`` is ``U30 v2.80``.
2. The version is the last run of numbers joined by ``.`` or ``-``
   (``51.16.0-4076`` is 51, 16, 0, 4076); what comes before it is the
   *family*: its words in lower case, a trailing ``v`` or ``-`` dropped
   (``U30 v2.80`` is family ``u30``, ``iDRAC 7.00.00.171`` family ``idrac``).
3. Two versions compare only when their families are equal; then number by
   number, a missing trailing number counting as 0 (``1.40`` = ``1.40.0``).
4. Anything else is "cannot compare": different families (``U30`` and
   ``U32`` are ROMs of different servers), letters inside the numbers
   (``00.1B.53``), text after the numbers, no number at all. Such a pair is
   shown as unknown and never raises an advisory: a guess would be a false
   alarm or a missed one.

>>> compare("2.72", "2.78")
<Order.OLDER: 'older'>
>>> compare("U30 v2.80 (10/16/2023)", "U30 v2.80")
<Order.SAME: 'same'>
>>> compare("U30 v2.80", "U32 v2.90")
<Order.UNKNOWN: 'unknown'>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_TAIL = re.compile(r"^(?P<family>.*?)(?P<numbers>\d+(?:[.\-]\d+)*)$")
_FAMILY_END = re.compile(r"(?:^|[\s\-_:]*)v?$", re.IGNORECASE)
_MOST_PARTS = 12
#: The family ends in a separator, or in a lone "v" (``v2.1``, ``U30 v2.80``), before the numbers.
_SEPARATED = re.compile(r"(?:[\s\-_:]|(?:^|[\s\-_:])[vV])$")


class Order(StrEnum):
    """How an installed version stands against another one."""

    OLDER = "older"
    SAME = "same"
    NEWER = "newer"
    UNKNOWN = "unknown"  # different shapes: not comparable, never an advisory


@dataclass(frozen=True)
class Version:
    """A version read by the rule: its family (may be empty) and its numbers.

    >>> parse("iDRAC 7.00.00.171")
    Version(family='idrac', numbers=(7, 0, 0, 171))
    >>> parse("AFE128I-3.10")
    Version(family='afe128i', numbers=(3, 10))
    >>> parse("00.1B.53") is None
    True
    """

    family: str
    numbers: tuple[int, ...]


def parse(text: str) -> Version | None:
    """The version ``text`` holds by the rule, or None when it has no comparable shape."""
    value = text.strip()
    while _NOTE.search(value):
        value = _NOTE.sub("", value)
    found = _TAIL.match(value)
    if found is None:
        return None
    numbers = tuple(int(n) for n in re.split(r"[.\-]", found.group("numbers")))
    if len(numbers) > _MOST_PARTS:
        return None
    raw = found.group("family")
    if raw and not _SEPARATED.search(raw):
        return None  # "1.2b3", "00.1B.53", "2.0+1": not one run of numbers
    family = _FAMILY_END.sub("", raw).strip()
    return Version(" ".join(family.lower().split()), numbers)


def _padded(numbers: tuple[int, ...], length: int) -> tuple[int, ...]:
    return numbers + (0,) * (length - len(numbers))


def compare(installed: str, other: str) -> Order:
    """How ``installed`` stands against ``other`` (OLDER: ``other`` is the later version).

    >>> compare("1.40.0", "1.40")
    <Order.SAME: 'same'>
    >>> compare("iDRAC 7.00.00.171", "iDRAC 6.10.30.00")
    <Order.NEWER: 'newer'>
    >>> compare("6.10.30.00", "iDRAC 7.00.00.171")
    <Order.UNKNOWN: 'unknown'>
    """
    if installed.strip() == other.strip():
        return Order.SAME
    a, b = parse(installed), parse(other)
    if a is None or b is None or a.family != b.family:
        return Order.UNKNOWN
    length = max(len(a.numbers), len(b.numbers))
    left, right = _padded(a.numbers, length), _padded(b.numbers, length)
    if left < right:
        return Order.OLDER
    return Order.NEWER if left > right else Order.SAME


def sort_key(text: str) -> tuple[int, ...]:
    """The numbers of a version, for ordering versions of one family (an uncomparable one first)."""
    found = parse(text)
    return found.numbers if found else ()

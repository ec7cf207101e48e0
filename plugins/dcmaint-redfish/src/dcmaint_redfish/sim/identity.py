"""Making every simulated BMC a distinct machine: unique serial numbers and UUIDs.

A fleet of 1,000 copies of one recording would be 1,000 reports of the same
serials, which breaks exactly what dcmaint records (the installed base, fault
deduplication by part). Each BMC therefore rewrites the identity strings of
its flavour in the serialised documents, consistently (the system and its
chassis keep sharing one serial), and without parsing JSON per request: the
original strings are known per document, and their quoted JSON forms are
replaced in the bytes.

Serials keep their length where they can: the last ``width`` characters
become a base-36 number unique to (BMC, serial), so two BMCs never share a
serial and two parts of one BMC never collide.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

IDENTITY_KEYS = frozenset({"SerialNumber", "UUID"})
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PLACEHOLDERS = frozenset({"", "n/a", "na", "none", "null", "not available", "unknown", "0", "-"})
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAMESPACE = uuid.UUID("3f4d9b2e-61c5-4c1e-9a53-5d0c0b1e2a77")


def dumps(doc: Any) -> bytes:
    """How every document is serialised (compact, UTF-8): identity strings are replaced in this form."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _quoted(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode()


def identity_strings(doc: Any) -> Iterator[str]:
    """The serials and UUIDs anywhere in ``doc`` (Oem sections included)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in IDENTITY_KEYS and isinstance(value, str):
                if len(value.strip()) >= 4 and value.strip().lower() not in _PLACEHOLDERS:
                    yield value
            else:
                yield from identity_strings(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from identity_strings(item)


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


class Identity:
    """The replacement of every identity string of a flavour for one BMC."""

    def __init__(self, originals: Iterable[str], number: int, count: int, seed: int) -> None:
        ordered = sorted(set(originals))
        # Unique integer per (BMC, serial) across the whole run; width from the largest one.
        base = (seed * 1_000_000 + number) * len(ordered)
        biggest = (seed * 1_000_000 + count + 1) * max(len(ordered), 1)
        width = max(5, len(_base36(biggest)))
        self.mapping: dict[str, str] = {}
        for index, original in enumerate(ordered):
            if _UUID.fullmatch(original):
                new = str(uuid.uuid5(_NAMESPACE, f"{seed}:{number}:{original}"))
                self.mapping[original] = new.upper() if original.isupper() else new
                continue
            suffix = _base36(base + index).rjust(width, "0")
            keep = original[:-width] if len(original) > width + 2 else original + "-"
            self.mapping[original] = keep + suffix
        self._replacements = {_quoted(old): _quoted(new) for old, new in self.mapping.items()}
        #: Token -> serial of the parts replaced on this BMC (``replacement``).
        self.fitted: dict[str, str] = {}

    def fit(self, token: str, serial: str) -> None:
        """Serve ``serial`` wherever the tree holds ``token``: a part replaced on this BMC."""
        self.fitted[token] = serial

    def served(self, text: str) -> str:
        """What this BMC serves for the identity string ``text`` (other text is served as it is)."""
        return self.fitted.get(text) or self.mapping.get(text, text)

    def apply(self, body: bytes, originals: Iterable[str]) -> bytes:
        """``body`` with the listed identity strings replaced (they are the ones the document holds).

        Tokens of replaced parts go last, so a new serial that happens to equal a recorded one is not
        rewritten again.
        """
        tokens = []
        for original in originals:
            old = _quoted(original)
            new = self._replacements.get(old)
            if new is None:
                tokens.append(original)
            else:
                body = body.replace(old, new)
        for token in tokens:
            body = body.replace(_quoted(token), _quoted(self.fitted[token]))
        return body


def strings_by_path(resources: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Path -> the identity strings of that document (only documents that have some)."""
    found = {path: tuple(sorted(set(identity_strings(doc)))) for path, doc in resources.items()}
    return {path: strings for path, strings in found.items() if strings}

"""A part replaced on one simulated BMC: naming it, checking the new serial, and marking it in a tree.

A technician who swaps a broken PSU expects the BMC to report a healthy PSU
with the serial number on the new part's label; ``dcmaint spare swap
--verify`` and ``dcmaint demo`` check exactly that. The part is named as in
the fault grammar (``psu:2``: kind and fitted-part number, see ``locate``).

Serials are rewritten per BMC in the serialised bytes (``identity``), so the
tree cannot simply hold the new serial: another identity string might happen
to equal it. Instead the replaced part's ``SerialNumber`` becomes a *token*
unique to the part, in every view of the tree that holds the part, and the
BMC's ``Identity`` maps that token to the new serial, after every other
rewrite.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dcmaint.errors import UsageError
from dcmaint_redfish.sim import faults, locate

Doc = dict[str, Any]
MAX_SERIAL = 100
_PART = re.compile(r"([a-z]+)(?::(\d+))?")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def parse_part(text: str) -> tuple[str, int]:
    """``"psu:2"`` -> ``("psu", 2)``; ``"psu"`` is part 1, as in the fault grammar; UsageError naming the text."""
    found = _PART.fullmatch(text.strip().lower())
    if not found:
        raise UsageError(f"bad part {_shown(text)}: expected KIND:N, e.g. psu:2")
    kind, number = found.group(1), int(found.group(2) or 1)
    if kind not in faults.PART_STATES:
        raise UsageError(f"bad part {_shown(text)}: unknown kind {kind!r} (known: {', '.join(faults.PART_STATES)})")
    if number < 1:
        raise UsageError(f"bad part {_shown(text)}: part numbers start at 1")
    return kind, number


def check_serial(serial: str) -> str:
    """The serial without surrounding spaces; UsageError naming it when empty, over 100 characters or unprintable."""
    cleaned = serial.strip()
    if not cleaned:
        raise UsageError(f"bad serial {serial!r}: it is empty")
    if len(cleaned) > MAX_SERIAL:
        raise UsageError(f"bad serial {_shown(cleaned)}: {len(cleaned)} characters, at most {MAX_SERIAL}")
    if not cleaned.isprintable():
        raise UsageError(f"bad serial {_shown(cleaned)}: it holds control characters")
    return cleaned


def token(kind: str, number: int) -> str:
    """What a replaced part's ``SerialNumber`` holds in the tree until the BMC serves it (never a real serial)."""
    return f"dcmaint-sim-replaced-{kind}-{number}"


def fit(base: Mapping[str, Doc], resources: Mapping[str, Doc], replaced: Iterable[tuple[str, int]]) -> dict[str, Doc]:
    """A copy of ``resources`` whose replaced parts hold their token (touched documents copied, others shared).

    Parts are counted in ``base``, the flavour's own tree (a part a fault made absent still counts, as
    it is still in its slot); a fault never moves a part, so the same pointers lead to it in ``resources``.
    """
    fitted = dict(resources)
    touched: set[str] = set()
    for kind, number in replaced:
        for part in locate.nth(base, kind, number):
            if part.path not in touched:
                fitted[part.path] = copy.deepcopy(fitted[part.path])
                touched.add(part.path)
            part.resolve(fitted)["SerialNumber"] = token(kind, number)
    return fitted

"""Small readers shared by the vendor profiles: OEM sections, clean strings, Status -> Health.

BMC documents come from devices, so every reader here accepts anything and
answers None (or an empty mapping) rather than raising.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dcmaint.drivers import Health
from dcmaint_redfish.paths import normalise

_EMPTY: Mapping[str, Any] = {}
#: Values BMCs put where they have nothing to say.
_BLANK = {"", "n/a", "na", "none", "null", "unknown", "not available", "not applicable", "to be filled by o.e.m."}


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def oem(doc: Any, *vendors: str) -> Mapping[str, Any]:
    """The first of ``doc["Oem"][vendor]`` that is present, else an empty mapping."""
    section = mapping(mapping(doc).get("Oem"))
    for vendor in vendors:
        found = section.get(vendor)
        if isinstance(found, Mapping):
            return found
    return _EMPTY


def text(value: Any) -> str | None:
    """A stripped string, or None for placeholders; BMCs pad fields ("HP     ") and write "N/A"."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value.lower() in _BLANK else value


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def root_mentions(root: Mapping[str, Any], words: Iterable[str], oem_keys: Iterable[str] = ()) -> bool:
    """Whether the service root names the vendor: Vendor, Product, Name or Manufacturer, or an OEM section key."""
    keys = set(mapping(root.get("Oem")))
    if keys & set(oem_keys):
        return True
    said = " ".join(str(root.get(field) or "") for field in ("Vendor", "Product", "Name", "Manufacturer")).lower()
    return any(word.lower() in said for word in words)


def status_health(doc: Any) -> tuple[Health, str | None]:
    """Health from a standard ``Status`` object, with the reason a ticket needs when it is not ok."""
    status = mapping(mapping(doc).get("Status"))
    state = text(status.get("State"))
    if state == "Absent":
        return Health.ABSENT, None
    health = text(status.get("Health"))
    if health == "Critical":
        return Health.CRITICAL, "failed (status Critical)"
    if health == "Warning":
        return Health.WARNING, "degraded (status Warning)"
    if state == "UnavailableOffline":
        return Health.WARNING, f"offline (state {state})"
    if health == "OK":
        return Health.OK, None
    return Health.UNKNOWN, "no health reported"


def worst(*judgements: tuple[Health, str | None] | None) -> tuple[Health, str] | None:
    """The most severe judgement, its reasons joined; None when every judgement is absent or ok.

    ``unknown`` (a source that says nothing) never outweighs a source that does say.
    """
    found = [item for item in judgements if item is not None]
    known = [item for item in found if item[0] is not Health.UNKNOWN]
    found = known or found
    if not found:
        return None
    health = Health.worst(item[0] for item in found)
    reasons = [reason for level, reason in found if level is health and reason]
    if not health.is_fault:
        return None
    return health, "; ".join(dict.fromkeys(reasons)) or str(health)


def members(resources: Mapping[str, Mapping[str, Any]], path: str | None) -> list[str]:
    """The normalised member paths of the collection at ``path`` (fetched or not)."""
    doc = resources.get(path or "")
    out: list[str] = []
    for item in mapping(doc).get("Members") or []:
        target = normalise(mapping(item).get("@odata.id"))
        if target is not None:
            out.append(target)
    return out


def link_of(doc: Any, *keys: str) -> str | None:
    """The normalised ``@odata.id`` found at ``doc[keys[0]][keys[1]]...``."""
    node: Any = doc
    for key in keys:
        node = mapping(node).get(key)
    return normalise(mapping(node).get("@odata.id"))

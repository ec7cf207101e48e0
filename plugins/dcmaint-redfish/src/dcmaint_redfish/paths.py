"""Redfish paths as the resource map keys them, and the links between documents.

A BMC writes links as ``{"@odata.id": "/redfish/v1/Systems/1"}``; some add a
trailing slash, a query, a ``#/Fans/0`` fragment for objects embedded in their
parent, or the scheme and host. The crawler and the parser must agree on one
key per resource, so every link goes through :func:`normalise` here. Anything
that is not a usable link becomes None instead of an exception: documents
come from devices, and devices send odd things.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = "/redfish/v1"
_SAFE = "/:@!$&'()*+,;=-._~%"
_MAX_PATH = 1024


def normalise(value: Any) -> str | None:
    """The resource-map key of a link target: absolute path, no host, query, fragment or trailing slash.

    >>> normalise("https://10.0.0.5/redfish/v1/Systems/1/?$expand=.")
    '/redfish/v1/Systems/1'
    >>> normalise("/redfish/v1/Chassis/1/Power#/PowerSupplies/0") is None
    True
    >>> normalise(42) is None
    True
    """
    if not isinstance(value, str) or not value or len(value) > _MAX_PATH:
        return None
    if "#" in value:
        return None  # an object embedded in its parent document, not a resource of its own
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    if not path.startswith("/redfish/") and path != "/redfish":
        return None
    return quote(path, safe=_SAFE)


def ref_key(value: Any) -> str | None:
    """The key of a link that may point into a document: its normalised path, then ``#`` and the JSON pointer.

    Conditions and sensors point at parts that live inside a parent document (legacy ``Power`` arrays,
    OEM sections); their links keep the fragment, which some firmware writes without the leading slash.

    >>> ref_key("/redfish/v1/Chassis/1/Power#PowerSupplies/1"), ref_key({"@odata.id": "/redfish/v1/Systems/1/"})
    ('/redfish/v1/Chassis/1/Power#/PowerSupplies/1', '/redfish/v1/Systems/1')
    """
    if isinstance(value, Mapping):
        value = value.get("@odata.id")
    if not isinstance(value, str):
        return None
    path, _sep, fragment = value.partition("#")
    base = normalise(path)
    if base is None:
        return None
    fragment = fragment.strip("/")
    return f"{base}#/{fragment}" if fragment else base


def link(value: Any) -> str | None:
    """The normalised target of a ``{"@odata.id": ...}`` object, else None."""
    if isinstance(value, Mapping):
        return normalise(value.get("@odata.id"))
    return None


def links(value: Any) -> list[str]:
    """Targets of a list of link objects, in order, without duplicates; [] for anything else."""
    if not isinstance(value, list):
        return []
    found: list[str] = []
    for item in value:
        target = link(item)
        if target is not None and target not in found:
            found.append(target)
    return found


def member_entries(collection: Any) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    """(path, entry) for each entry of a collection's ``Members``; the path is None for an anonymous entry."""
    if not isinstance(collection, Mapping):
        return
    entries = collection.get("Members")
    if not isinstance(entries, list):
        return
    for entry in entries:
        if isinstance(entry, Mapping):
            yield link(entry), entry


def has_content(entry: Mapping[str, Any]) -> bool:
    """Whether a collection member carries the resource itself (expanded), not only its link."""
    return any(not key.startswith("@odata.") for key in entry)

"""The SNMP side of record and replay: an Agent's questions and answers as the plain JSON a recording keeps.

The transport records its own operations, not PDUs: a GET of some OIDs or a
walk of some subtrees, answered by a :class:`~dcmaint_snmp.snapshot.Snapshot`.
So a replay needs no pysnmp engine, no socket and no secret (an SNMPv3
replay logs in as the recorded user with a stand-in passphrase), and a
recording reads like the ``.snmprec`` data the simulator serves. A question is
``{"op": "get", "oids": [...]}`` or ``{"op": "walk", "roots": [...]}`` (never
the community or a USM key: replay matches on it); an answer is
``{"values": {OID: [TAG, DATA]}}`` with the ``.snmprec`` type tags of
:class:`~dcmaint_snmp.snapshot.Type`, so that replay rebuilds exactly the
values the agent sent:

>>> from dcmaint_snmp.snapshot import Type, Value
>>> kept = answer(Snapshot({"1.3.6.1.2.1.1.1.0": Value(Type.OCTETS, b"UPS"), "1.3.6.1.2.1.1.3.0":
...     Value(Type.TIMETICKS, 42), "1.3.6.1.4.1.9.1": Value(Type.OCTETS, b"\\xff\\x00")}))
>>> kept
{'values': {'1.3.6.1.2.1.1.1.0': ['4', 'UPS'], '1.3.6.1.2.1.1.3.0': ['67', 42], '1.3.6.1.4.1.9.1': ['4x', 'ff00']}}
>>> dict(snapshot(kept)) == dict(Snapshot({"1.3.6.1.2.1.1.1.0": Value(Type.OCTETS, b"UPS"), "1.3.6.1.2.1.1.3.0":
...     Value(Type.TIMETICKS, 42), "1.3.6.1.4.1.9.1": Value(Type.OCTETS, b"\\xff\\x00")}))
True
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from dcmaint.drivers import ProtocolError
from dcmaint_snmp.snapshot import NUMERIC, Snapshot, Type, Value, normal_oid

#: The protocol name of every SNMP exchange in a recording.
PROTOCOL = "snmp"


def get_request(oids: Sequence[str]) -> dict[str, Any]:
    """The question of a GET: the OIDs in the order the driver asked them."""
    return {"op": "get", "oids": list(oids)}


def walk_request(roots: Sequence[str]) -> dict[str, Any]:
    """The question of a walk: the subtrees in the order the driver asked them."""
    return {"op": "walk", "roots": list(roots)}


def answer(values: Snapshot) -> dict[str, Any]:
    """A snapshot as a recording keeps it, OIDs in walk order."""
    return {"values": {oid: _tagged(value) for oid, value in values.items()}}


def snapshot(response: Mapping[str, Any]) -> Snapshot:
    """The snapshot a recorded answer holds; ProtocolError naming the OID when the recording is damaged."""
    kept = response.get("values")
    if not isinstance(kept, Mapping):
        raise ProtocolError("recorded SNMP answer: 'values' must be an object of OID -> [type, value]")
    values: dict[str, Value] = {}
    for oid, tagged in kept.items():
        try:
            values[normal_oid(str(oid))] = _value(tagged)
        except (TypeError, ValueError) as error:
            raise ProtocolError(f"recorded SNMP answer: {oid}: {error}") from None
    return Snapshot(values)


def _tagged(value: Value) -> list[Any]:
    """``[tag, data]``: text where it is exact (UTF-8 octets, an IPv4 address), else the ``x`` tag and hex."""
    data = value.data
    if isinstance(data, bytes):
        if value.type is Type.OCTETS:
            try:
                return [value.type.value, data.decode("utf-8")]
            except UnicodeDecodeError:
                pass  # not text: kept as hex below
        if value.type is Type.IPADDRESS and len(data) == 4:
            return [value.type.value, str(ipaddress.IPv4Address(data))]
        return [f"{value.type.value}x", data.hex()]
    return [value.type.value, data]


def _value(tagged: Any) -> Value:
    if not isinstance(tagged, list | tuple) or len(tagged) != 2 or not isinstance(tagged[0], str):
        raise ValueError(f"expected [type, value], got {tagged!r}")
    tag, data = tagged
    kind = Type(tag.removesuffix("x"))
    if tag.endswith("x"):
        if kind not in (Type.OCTETS, Type.IPADDRESS, Type.OPAQUE) or not isinstance(data, str):
            raise ValueError(f"type {tag} needs hex octets, got {data!r}")
        return Value(kind, bytes.fromhex(data))
    if kind is Type.NULL:
        return Value(kind, None)
    if kind in NUMERIC:
        if not isinstance(data, int) or isinstance(data, bool):
            raise ValueError(f"type {tag} needs an integer, got {data!r}")
        return Value(kind, data)
    if not isinstance(data, str):
        raise ValueError(f"type {tag} needs a string, got {data!r}")
    if kind is Type.OID:
        return Value(kind, normal_oid(data))
    if kind is Type.IPADDRESS:
        return Value(kind, ipaddress.IPv4Address(data).packed)
    if kind is Type.OCTETS:
        return Value(kind, data.encode("utf-8"))
    raise ValueError(f"type {tag} is kept as hex ({tag}x)")

"""Just enough BER (X.690) to answer SNMPv2c GET, GETNEXT and GETBULK requests: the simulator's codec.

The simulator serves a thousand agents from one process, so it does not pay
for a general ASN.1 library on every message; the driver under test talks to
it through pysnmp, a full implementation, which is what keeps this codec
honest (and the tests compare its answers with snmpsim's for the same data).

>>> decode_message(encode_response(Request(1, b"public", GET, 7, 0, 0, ()), [("1.3.6.1.2.1.1.5.0", END_OF_MIB_VIEW)]))
Traceback (most recent call last):
...
dcmaint_snmp.sim.ber.BerError: not a request PDU: 0xa2
>>> encode_oid("1.3.6.1.2.1.1.5.0").hex()
'06082b06010201010500'
>>> decode_oid(bytes.fromhex("2b06010201010500"))
'1.3.6.1.2.1.1.5.0'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dcmaint_snmp.snapshot import Type, Value

GET, GETNEXT, RESPONSE, GETBULK = 0xA0, 0xA1, 0xA2, 0xA5
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82


class BerError(ValueError):
    """A message the simulator cannot read (it is dropped, as an agent drops garbage)."""


@dataclass(frozen=True)
class Request:
    """A decoded SNMPv2c request. For GETBULK, ``non_repeaters`` and ``max_repetitions`` are set."""

    version: int
    community: bytes
    pdu: int
    request_id: int
    non_repeaters: int
    max_repetitions: int
    oids: tuple[str, ...]


#: What a varbind of a response holds: a value, or one of the exception tags above.
Answer = Value | int

_TAGS = {
    Type.INTEGER: 0x02,
    Type.OCTETS: 0x04,
    Type.NULL: 0x05,
    Type.OID: 0x06,
    Type.IPADDRESS: 0x40,
    Type.COUNTER32: 0x41,
    Type.GAUGE32: 0x42,
    Type.TIMETICKS: 0x43,
    Type.OPAQUE: 0x44,
    Type.COUNTER64: 0x46,
}
_UNSIGNED = frozenset({Type.COUNTER32, Type.GAUGE32, Type.TIMETICKS, Type.COUNTER64})


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _signed(number: int) -> bytes:
    return number.to_bytes(max(1, (number + (number < 0)).bit_length() // 8 + 1), "big", signed=True)


def _unsigned(number: int) -> bytes:
    return number.to_bytes(max(1, number.bit_length() // 8 + 1), "big")


def encode_oid(oid: str) -> bytes:
    parts = [int(part) for part in oid.split(".")]
    if len(parts) < 2:
        raise BerError(f"an OID has at least two arcs: {oid!r}")
    body = bytearray([parts[0] * 40 + parts[1]])
    for arc in parts[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def decode_oid(body: bytes) -> str:
    if not body:
        raise BerError("empty OID")
    first = body[0]
    arcs = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    arc = 0
    for byte in body[1:]:
        arc = (arc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(arc)
            arc = 0
    return ".".join(str(number) for number in arcs)


def encode_value(answer: Answer) -> bytes:
    if isinstance(answer, int):
        return bytes([answer, 0])
    data = answer.data
    if answer.type is Type.NULL or data is None:
        return b"\x05\x00"
    if answer.type is Type.OID:
        assert isinstance(data, str)
        return encode_oid(data)
    tag = _TAGS[answer.type]
    if isinstance(data, int):
        return tlv(tag, _unsigned(data) if answer.type in _UNSIGNED else _signed(data))
    assert isinstance(data, bytes)
    return tlv(tag, data)


def encode_response(request: Request, varbinds: Sequence[tuple[str, Answer]]) -> bytes:
    binds = b"".join(tlv(0x30, encode_oid(oid) + encode_value(answer)) for oid, answer in varbinds)
    pdu = tlv(RESPONSE, tlv(0x02, _signed(request.request_id)) + b"\x02\x01\x00\x02\x01\x00" + tlv(0x30, binds))
    return tlv(0x30, tlv(0x02, _signed(request.version)) + tlv(0x04, request.community) + pdu)


def _read(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, content, next position) of the TLV at ``at``."""
    if at + 2 > len(data):
        raise BerError("truncated")
    tag, size = data[at], data[at + 1]
    at += 2
    if size & 0x80:
        count = size & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise BerError("bad length")
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > len(data):
        raise BerError("truncated")
    return tag, data[at : at + size], at + size


def _integer(tag: int, body: bytes) -> int:
    if tag != 0x02 or not body:
        raise BerError("expected an INTEGER")
    return int.from_bytes(body, "big", signed=True)


def decode_message(data: bytes) -> Request:
    """Read an SNMPv1/v2c request; BerError for anything else (v3 messages included)."""
    tag, message, _end = _read(data, 0)
    if tag != 0x30:
        raise BerError("not a SEQUENCE")
    tag, body, at = _read(message, 0)
    version = _integer(tag, body)
    if version not in (0, 1):
        raise BerError(f"SNMP version {version} is not served")
    tag, community, at = _read(message, at)
    if tag != 0x04:
        raise BerError("no community")
    pdu, body, _end = _read(message, at)
    if pdu not in (GET, GETNEXT, GETBULK):
        raise BerError(f"not a request PDU: {pdu:#x}")
    tag, raw, at = _read(body, 0)
    request_id = _integer(tag, raw)
    tag, raw, at = _read(body, at)
    first = _integer(tag, raw)
    tag, raw, at = _read(body, at)
    second = _integer(tag, raw)
    tag, binds, _end = _read(body, at)
    if tag != 0x30:
        raise BerError("no varbind list")
    oids = []
    at = 0
    while at < len(binds):
        tag, bind, at = _read(binds, at)
        oid_tag, oid, _rest = _read(bind, 0)
        if tag != 0x30 or oid_tag != 0x06:
            raise BerError("bad varbind")
        oids.append(decode_oid(oid))
    bulk = pdu == GETBULK
    return Request(version, community, pdu, request_id, first if bulk else 0, second if bulk else 0, tuple(oids))

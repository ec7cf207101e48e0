"""One simulated SNMPv2c agent: a snapshot served over UDP, read-only, as a real agent answers it.

GET answers noSuchObject for what it does not hold, GETNEXT and GETBULK walk
the snapshot in OID order and end with endOfMibView, and a GETBULK answer is
cut to fit :data:`MAX_RESPONSE` bytes (RFC 3416 lets an agent return fewer
repetitions than asked). A request with another community than the agent's
is dropped without an answer, as real agents do. Transport faults imitate
broken agents: ``hang`` never answers, ``malformed`` answers with a cut
message, ``slow`` adds a second to every answer.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from collections.abc import Sequence

from dcmaint_snmp.sim.ber import (
    END_OF_MIB_VIEW,
    GET,
    GETBULK,
    NO_SUCH_OBJECT,
    Answer,
    BerError,
    Request,
    decode_message,
    encode_response,
)
from dcmaint_snmp.snapshot import Snapshot, oid_key

#: Largest answer the simulator sends: under the usual Ethernet-path limit agents keep to (RFC 3417 / 484 min).
MAX_RESPONSE = 8192
#: Transport faults an agent understands (the rest of a device's faults are its profile sample's).
TRANSPORT_FAULTS = ("hang", "malformed", "slow")


class SnapshotAgent(asyncio.DatagramProtocol):
    """Serves ``snapshot`` to requests carrying ``community`` (any community when it is None)."""

    def __init__(
        self,
        snapshot: Snapshot,
        community: str | None = None,
        latency: float = 0.0,
        faults: Sequence[str] = (),
    ) -> None:
        self.snapshot = snapshot
        self._keys = [oid_key(oid) for oid in snapshot]
        self._oids = list(snapshot)
        self.community = community.encode() if community is not None else None
        self.latency = latency + (1.0 if "slow" in faults else 0.0)
        self.faults = frozenset(faults)
        self.transport: asyncio.DatagramTransport | None = None
        self.requests = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram transport (asyncio types it loosely)

    def datagram_received(self, data: bytes, address: tuple[str, int]) -> None:
        self.requests += 1
        if "hang" in self.faults:
            return
        try:
            request = decode_message(data)
        except BerError:
            return  # an agent drops what it cannot read
        if self.community is not None and request.community != self.community:
            return
        answer = encode_response(request, self.answer(request))
        if "malformed" in self.faults:
            answer = answer[: max(len(answer) // 2, 3)]
        if self.latency > 0:
            asyncio.get_running_loop().call_later(self.latency, self._send, answer, address)
        else:
            self._send(answer, address)

    def _send(self, answer: bytes, address: tuple[str, int]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(OSError):
                self.transport.sendto(answer, address)

    def answer(self, request: Request) -> list[tuple[str, Answer]]:
        """The varbinds answering ``request`` (pure: what the agent would send)."""
        if request.pdu == GET:
            return [(oid, self.snapshot.value(oid) or NO_SUCH_OBJECT) for oid in request.oids]
        if request.pdu != GETBULK:
            return [self._next(oid) for oid in request.oids]
        fixed = max(0, min(request.non_repeaters, len(request.oids)))
        varbinds = [self._next(oid) for oid in request.oids[:fixed]]
        cursors = list(request.oids[fixed:])
        size = 0
        for _repetition in range(max(0, request.max_repetitions) if cursors else 0):
            row = [self._next(oid) for oid in cursors]
            size += sum(len(oid) + 16 for oid, _answer in row)
            if size > MAX_RESPONSE and varbinds:
                break
            varbinds.extend(row)
            cursors = [oid for oid, _answer in row]
            if all(answer == END_OF_MIB_VIEW for _oid, answer in row):
                break
        return varbinds

    def _next(self, oid: str) -> tuple[str, Answer]:
        at = bisect.bisect_right(self._keys, oid_key(oid))
        if at >= len(self._oids):
            return oid, END_OF_MIB_VIEW
        found = self._oids[at]
        value = self.snapshot.value(found)
        assert value is not None
        return found, value

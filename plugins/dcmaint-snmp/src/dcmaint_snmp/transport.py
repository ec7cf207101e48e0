"""Talking SNMP to one agent with pysnmp 7 (asyncio): GET of scalars and GETBULK walks of subtrees.

One :class:`~pysnmp.hlapi.v3arch.asyncio.SnmpEngine` serves every agent polled
on an event loop (:func:`engine`): creating one costs about 160 ms, and one
engine answering many agents at once is several times faster than an engine
per agent. Requests are by numeric OID with ``lookupMib=False`` (no MIB is
compiled or loaded). Each request waits ``request_timeout`` seconds and is
resent ``retries`` times; the driver sets both below the poll's deadline.

Walks ask for several subtrees in one GETBULK request (one column per
subtree still going), so a profile with ten tables costs a few round trips,
not ten walks. What an agent answered becomes a
:class:`~dcmaint_snmp.snapshot.Snapshot`; noSuchObject, noSuchInstance and
endOfMibView are simply absent from it.

pysnmp is imported only when the first agent is asked (``dcmaint --help``
and ``dcmaint plugin list`` never pay for it).

Record and replay (:mod:`dcmaint.drivers.tape`): :meth:`Agent.open` asks once
per poll whether a deck listens for the endpoint. A recorder gets each
:meth:`Agent.get` and :meth:`Agent.walk` with the snapshot it gave, or the
contract error it raised; under a player the agent checks the login as
live (an SNMPv3 target needs its user and passphrase) but builds no engine,
no credential and no socket, and every answer comes from the recording
(:mod:`dcmaint_snmp.taped`). With no deck, a poll pays one ``is None`` test
per operation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dcmaint.drivers import AuthFailed, DriverError, ProtocolError, Unreachable, tape
from dcmaint_snmp import taped
from dcmaint_snmp.options import Settings
from dcmaint_snmp.snapshot import Snapshot, Type, Value, normal_oid, oid_key

if TYPE_CHECKING:
    from dcmaint.secrets import Secret

#: OIDs per GET request: small enough for every agent's PDU size, large enough to need few requests.
GET_BATCH = 32
#: Subtrees per GETBULK request.
WALK_BATCH = 8
#: Values one walk may return at most: an agent that loops or serves a huge table cannot exhaust memory.
WALK_LIMIT = 200_000

#: Requests in flight on one event loop at once. Reading an answer costs milliseconds of CPU (BER decoding in
#: pyasn1): with hundreds in flight, answers wait in the socket longer than the request timeout, or overflow
#: its buffer, and healthy agents look dead. Requests beyond this wait for a turn, and their timeout starts then.
IN_FLIGHT = 32

_engines: dict[asyncio.AbstractEventLoop, Any] = {}
_turns: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def engine() -> Any:
    """The SNMP engine of the running event loop, created on first use; engines of closed loops are let go."""
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

    loop = asyncio.get_running_loop()
    for other in [other for other in _engines if other.is_closed()]:
        with contextlib.suppress(Exception):  # its loop is gone: closing may find nothing left to close
            _engines[other].close_dispatcher()
        del _engines[other]
        _turns.pop(other, None)
    if loop not in _engines:
        _engines[loop] = SnmpEngine()
    return _engines[loop]


def turn() -> asyncio.Semaphore:
    """The running loop's bound on requests in flight (:data:`IN_FLIGHT`)."""
    loop = asyncio.get_running_loop()
    if loop not in _turns:
        _turns[loop] = asyncio.Semaphore(IN_FLIGHT)
    return _turns[loop]


class Agent:
    """One agent's address and credentials, asked through the loop's engine (or answered by a recording).

    ``endpoint`` is the target's endpoint as registered, which a recording names; by default the
    settings' address.
    """

    def __init__(
        self, settings: Settings, username: str | None, credential: Secret | None, endpoint: str | None = None
    ) -> None:
        self.settings = settings
        self.endpoint = endpoint or f"snmp://{settings.address}"
        self._deck: tape.Deck | None = None
        self._username = username
        self._credential = credential
        self._privacy: Secret | None = None
        self._auth: Any = None
        self._target: Any = None

    async def open(self, privacy: Secret | None = None) -> Agent:
        """Build the credentials and resolve the address (a name that does not resolve is ``unreachable``).

        Under replay the login is checked as on a live poll (an SNMPv3 target needs its user and passphrase;
        a recording's target carries its recorded user and a stand-in passphrase), and nothing is built: the
        recording answers, and it holds no credential.
        """
        self._deck = tape.deck_for(self.endpoint)
        self._check_login()
        if self._deck is not None and self._deck.replays:
            return self
        from pysnmp.error import PySnmpError
        from pysnmp.hlapi.v3arch.asyncio import Udp6TransportTarget, UdpTransportTarget

        self._privacy = privacy
        self._auth = self._auth_data()
        transport = Udp6TransportTarget if ":" in self.settings.host else UdpTransportTarget
        try:
            self._target = await transport.create(
                (self.settings.host, self.settings.port),
                timeout=self.settings.request_timeout,
                retries=self.settings.retries,
            )
        except PySnmpError as error:
            raise Unreachable(f"{self.settings.address}: cannot resolve the address ({_first_line(error)})") from None
        return self

    def _check_login(self) -> None:
        """What a login needs before anything is sent: SNMPv3 a user name and a passphrase (v2c a community,
        ``public`` by default). Checked under replay too, so that a replay takes the login path a live poll
        takes."""
        if self.settings.version == "2c":
            return
        if not self._username:
            raise AuthFailed(f"{self.settings.address}: SNMPv3 needs a user name (--username)")
        if self._credential is None:
            raise AuthFailed(f"{self.settings.address}: SNMPv3 needs an authentication passphrase (--credential)")

    def _auth_data(self) -> Any:
        from pysnmp.hlapi.v3arch import asyncio as hlapi

        settings = self.settings
        if settings.version == "2c":
            community = self._credential.reveal() if self._credential is not None else "public"
            return hlapi.CommunityData(community, mpModel=1)
        assert self._username is not None and self._credential is not None  # _check_login
        auth_protocols = {
            "md5": hlapi.usmHMACMD5AuthProtocol,
            "sha": hlapi.usmHMACSHAAuthProtocol,
            "sha224": hlapi.usmHMAC128SHA224AuthProtocol,
            "sha256": hlapi.usmHMAC192SHA256AuthProtocol,
            "sha384": hlapi.usmHMAC256SHA384AuthProtocol,
            "sha512": hlapi.usmHMAC384SHA512AuthProtocol,
        }
        privacy_protocols = {
            "des": hlapi.usmDESPrivProtocol,
            "aes128": hlapi.usmAesCfb128Protocol,
            "aes192": hlapi.usmAesCfb192Protocol,
            "aes256": hlapi.usmAesCfb256Protocol,
        }
        auth_key = self._credential.reveal()
        if settings.privacy == "none":
            return hlapi.UsmUserData(self._username, auth_key, authProtocol=auth_protocols[settings.auth])
        privacy = self._privacy if self._privacy is not None else self._credential
        return hlapi.UsmUserData(
            self._username,
            auth_key,
            privacy.reveal(),
            authProtocol=auth_protocols[settings.auth],
            privProtocol=privacy_protocols[settings.privacy],
        )

    def _context(self) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import ContextData

        return ContextData(contextName=self.settings.context) if self.settings.context else ContextData()

    async def get(self, oids: Iterable[str]) -> Snapshot:
        """GET every OID (in batches); those the agent does not have are absent from the snapshot."""
        wanted = list(dict.fromkeys(normal_oid(oid) for oid in oids))
        if self._deck is None:
            return await self._get(wanted)
        return await self._taped(taped.get_request(wanted), self._get, wanted)

    async def walk(self, roots: Iterable[str]) -> Snapshot:
        """Every value under each of ``roots``, several subtrees per GETBULK request."""
        pending = list(dict.fromkeys(normal_oid(root) for root in roots))
        if self._deck is None:
            return await self._walk(pending)
        return await self._taped(taped.walk_request(pending), self._walk, pending)

    async def _taped(
        self, request: dict[str, object], ask: Callable[[list[str]], Awaitable[Snapshot]], oids: list[str]
    ) -> Snapshot:
        """One operation through the listening deck: answered by a player, or asked for real and recorded."""
        deck = self._deck
        assert deck is not None
        if deck.replays:
            return taped.snapshot(deck.play(taped.PROTOCOL, request))
        try:
            answer = await ask(oids)
        except DriverError as error:
            deck.failed(taped.PROTOCOL, request, error)
            raise
        deck.record(taped.PROTOCOL, request, taped.answer(answer))
        return answer

    async def _get(self, wanted: list[str]) -> Snapshot:
        from pysnmp.hlapi.v3arch.asyncio import get_cmd

        values: dict[str, Value] = {}
        for start in range(0, len(wanted), GET_BATCH):
            batch = wanted[start : start + GET_BATCH]
            async with turn():
                answer = await get_cmd(
                    engine(),
                    self._auth,
                    self._target,
                    self._context(),
                    *_asking(batch),
                    lookupMib=False,
                )
            for oid, value in self._varbinds(answer, batch):
                values[oid] = value
        return Snapshot(values)

    async def _walk(self, pending: list[str]) -> Snapshot:
        values: dict[str, Value] = {}
        while pending:
            batch, pending = pending[:WALK_BATCH], pending[WALK_BATCH:]
            await self._walk_batch(batch, values)
        return Snapshot(values)

    async def _walk_batch(self, roots: Sequence[str], values: dict[str, Value]) -> None:
        from pysnmp.hlapi.v3arch.asyncio import bulk_cmd

        cursors = {root: root for root in roots}  # root -> last OID read under it
        while cursors:
            active = list(cursors)
            async with turn():
                answer = await bulk_cmd(
                    engine(),
                    self._auth,
                    self._target,
                    self._context(),
                    0,
                    self.settings.max_repetitions,
                    *_asking([cursors[root] for root in active]),
                    lookupMib=False,
                )
            flat = self._raw_varbinds(answer, active)
            if not flat:
                return
            finished: set[str] = set()
            for position, (oid, value) in enumerate(flat):
                root = active[position % len(active)]
                if root in finished:
                    continue
                if value is None or not (oid == root or oid.startswith(root + ".")):
                    finished.add(root)  # endOfMibView, or past the subtree
                    continue
                if oid_key(oid) <= oid_key(cursors[root]) and cursors[root] != root:
                    raise ProtocolError(f"{self.settings.address}: the agent's walk went backwards at {oid}")
                cursors[root] = oid
                values[oid] = value
            if len(values) > WALK_LIMIT:
                raise ProtocolError(f"{self.settings.address}: more than {WALK_LIMIT} values in one walk")
            for root in finished:
                cursors.pop(root, None)

    def _raw_varbinds(self, answer: Any, asked: Sequence[str]) -> list[tuple[str, Value | None]]:
        """The answer's varbinds as (OID, value or None for an exception value), after checking for errors."""
        indication, status, index, varbinds = answer
        self._raise_for(indication, status, index, asked)
        return [(str(name), _value(value)) for name, value in varbinds]

    def _varbinds(self, answer: Any, asked: Sequence[str]) -> list[tuple[str, Value]]:
        return [(oid, value) for oid, value in self._raw_varbinds(answer, asked) if value is not None]

    def _raise_for(self, indication: Any, status: Any, index: Any, asked: Sequence[str]) -> None:
        from pysnmp.proto import errind

        address = self.settings.address
        if indication:
            if isinstance(indication, errind.RequestTimedOut):
                tries = self.settings.retries + 1
                hint = "the agent is down or unreachable" + (
                    ", or the community is wrong" if self.settings.version == "2c" else ""
                )
                raise Unreachable(
                    f"{address}: no SNMP answer it could read within {self.settings.request_timeout:g} s"
                    f" ({tries} {'try' if tries == 1 else 'tries'}): {hint}"
                )
            if isinstance(
                indication,
                errind.UnknownUserName
                | errind.WrongDigest
                | errind.DecryptionError
                | errind.UnsupportedSecurityLevel
                | errind.AuthenticationFailure
                | errind.UnknownCommunityName
                | errind.UnsupportedAuthProtocol
                | errind.UnsupportedPrivProtocol,
            ):
                raise AuthFailed(f"{address}: the agent refused the credentials ({_first_line(indication)})")
            raise ProtocolError(f"{address}: {_first_line(indication)}")
        if status and int(status) not in (0, 2):  # 2 (noSuchName) from a v1 proxy: the values are absent
            where = asked[int(index) - 1] if index and 0 < int(index) <= len(asked) else None
            suffix = f" at {where}" if where else ""
            raise ProtocolError(f"{address}: the agent answered {status.prettyPrint()}{suffix}")


#: Resolved request varbinds kept per engine: the most a cache holds before it starts again.
ASKED_CACHE = 4096


def _asking(oids: Sequence[str]) -> list[Any]:
    """Request varbinds for ``oids``, resolved once per engine and reused.

    pysnmp resolves every request varbind through its MIB view, numeric or not (a third of a poll's CPU
    when a thousand agents are asked the same OIDs); a resolved ``ObjectType`` is returned as it is.
    """
    from pyasn1.type import univ
    from pysnmp.proto import rfc1902
    from pysnmp.smi.rfc1902 import ObjectIdentity, ObjectType

    cache: dict[str, Any] = engine().cache.setdefault("dcmaint_asked", {})
    if len(cache) > ASKED_CACHE:
        cache.clear()
    asked = []
    for oid in oids:
        if oid not in cache:
            cache[oid] = ObjectType(ObjectIdentity(rfc1902.ObjectName(oid)), univ.Null(""))
        asked.append(cache[oid])
    return asked


_TAGS: dict[Any, Type] = {}


def _value(value: Any) -> Value | None:
    """A pysnmp value as a :class:`Value`; None for noSuchObject, noSuchInstance and endOfMibView."""
    if not _TAGS:
        _load_tags()
    kind = _TAGS.get(value.tagSet)
    if kind is None:
        return None
    if kind is Type.NULL:
        return Value(kind, None)
    if kind is Type.OID:
        return Value(kind, str(value))
    if kind in (Type.OCTETS, Type.IPADDRESS, Type.OPAQUE):
        return Value(kind, bytes(value.asOctets()))
    return Value(kind, int(value))


def _load_tags() -> None:
    from pyasn1.type import univ
    from pysnmp.proto import rfc1902

    _TAGS.update(
        {
            rfc1902.Integer32.tagSet: Type.INTEGER,
            rfc1902.Integer.tagSet: Type.INTEGER,
            rfc1902.OctetString.tagSet: Type.OCTETS,
            univ.Null.tagSet: Type.NULL,
            rfc1902.ObjectName.tagSet: Type.OID,
            rfc1902.IpAddress.tagSet: Type.IPADDRESS,
            rfc1902.Counter32.tagSet: Type.COUNTER32,
            rfc1902.Gauge32.tagSet: Type.GAUGE32,
            rfc1902.Unsigned32.tagSet: Type.GAUGE32,
            rfc1902.TimeTicks.tagSet: Type.TIMETICKS,
            rfc1902.Opaque.tagSet: Type.OPAQUE,
            rfc1902.Counter64.tagSet: Type.COUNTER64,
        }
    )


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__

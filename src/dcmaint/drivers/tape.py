"""Record and replay: what a driver asked a device and what the device answered.

A driver's transport (its HTTP client, its SNMP engine, its SOAP stub) asks
:func:`deck_for` for the target's endpoint before each exchange with the
device. In a normal run nothing is listening and the answer is None (one
check of an empty list). Two kinds of deck listen:

- a :class:`Recorder`, while ``dcmaint record`` polls a device: the transport
  sends as usual and then hands the recorder the question and the answer
  (:meth:`Deck.record`), or the contract error it got (:meth:`Deck.failed`);
- a :class:`Player`, while a test replays a :class:`Recording`: the transport
  does not touch the network and takes the recorded answer instead
  (:meth:`Deck.play`), so the same driver code parses what the device said.

The core knows no protocol. An exchange is plain JSON in two mappings the
plugin shapes: ``request`` identifies the question (an HTTP method and path,
the OIDs of an SNMP GET, a SOAP method and its arguments) and must never hold
a secret, because replay matches on it; ``response`` holds what the transport
needs to rebuild the answer. HTTP transports use one shared shape
(:func:`http_response`, :func:`response_body`) so that recordings read alike.

A recording is one poll of one device, saved as one JSON file (format 1,
documented in docs/recording.md): the target (endpoint and options, never the
credential), the exchanges in order, and the report or error the poll gave.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcmaint.drivers.errors import CONTRACT_ERRORS, DriverError, ErrorKind, ProtocolError
from dcmaint.drivers.tape_http import http_response as http_response  # re-exported: transports use tape.*
from dcmaint.drivers.tape_http import response_body as response_body
from dcmaint.drivers.tape_http import response_headers as response_headers
from dcmaint.drivers.target import Target, endpoint_key

FORMAT = 1


_ERRORS: dict[str, type[DriverError]] = {cls.kind.value: cls for cls in CONTRACT_ERRORS}


@dataclass(frozen=True)
class Exchange:
    """One question and its answer; ``error`` instead of ``response`` when the transport got a contract error."""

    protocol: str
    request: Mapping[str, Any]
    response: Mapping[str, Any] | None = None
    error: Mapping[str, str] | None = None

    def key(self) -> str:
        """What replay matches on: the protocol and the request, as canonical JSON."""
        return request_key(self.protocol, self.request)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"protocol": self.protocol, "request": dict(self.request)}
        if self.error is not None:
            data["error"] = dict(self.error)
        else:
            data["response"] = dict(self.response or {})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exchange:
        if not isinstance(data, Mapping) or not isinstance(data.get("protocol"), str):
            raise ValueError("an exchange needs a protocol")
        request, response, error = data.get("request"), data.get("response"), data.get("error")
        if not isinstance(request, Mapping):
            raise ValueError(f"exchange {data.get('protocol')!r}: request must be an object")
        if error is not None:
            if not isinstance(error, Mapping) or error.get("kind") not in _ERRORS:
                raise ValueError(f"exchange {data['protocol']!r}: error.kind must be one of {', '.join(_ERRORS)}")
            return cls(data["protocol"], request, None, {"kind": error["kind"], "message": str(error.get("message"))})
        if not isinstance(response, Mapping):
            raise ValueError(f"exchange {data['protocol']!r}: needs a response object or an error")
        return cls(data["protocol"], request, response)


def request_key(protocol: str, request: Mapping[str, Any]) -> str:
    """The canonical text of a question: equal questions give equal keys whatever the order of their fields."""
    return json.dumps([protocol, request], sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Recording:
    """One poll of one device: what to poll, what was said, and what the poll gave.

    ``report`` is the report's ``as_json()`` (None when the poll failed, then
    ``error`` holds ``{"kind", "message"}``). ``scrubbed`` lists what was
    replaced before the file was written (``{"addresses": 2, "serials": 1}``),
    never the original values.
    """

    driver: str
    kind: str
    endpoint: str | None
    exchanges: tuple[Exchange, ...]
    options: Mapping[str, Any] = field(default_factory=dict)
    report: Mapping[str, Any] | None = None
    error: Mapping[str, str] | None = None
    driver_version: str = ""
    dcmaint_version: str = ""
    recorded_at: str | None = None
    scrubbed: Mapping[str, int] = field(default_factory=dict)
    name: str = ""

    def target(self, name: str | None = None, *, timeout: float = 30.0) -> Target:
        """The target to poll when replaying this recording (no credential: a replay never logs in for real)."""
        from dcmaint.domain.enums import DeviceKind

        return Target(
            name or self.name or "replayed",
            DeviceKind(self.kind),
            self.endpoint,
            options=dict(self.options),
            timeout=timeout,
        )

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "driver": self.driver,
            "driver_version": self.driver_version,
            "dcmaint_version": self.dcmaint_version,
            "recorded_at": self.recorded_at,
            "kind": self.kind,
            "endpoint": self.endpoint,
            "options": dict(self.options),
            "scrubbed": dict(self.scrubbed),
            "exchanges": [exchange.as_json() for exchange in self.exchanges],
        }
        if self.error is not None:
            data["error"] = dict(self.error)
        else:
            data["report"] = self.report
        return data

    @classmethod
    def from_json(cls, data: Any) -> Recording:
        """Rebuild a recording; ValueError (one line naming the field) when the document is not one."""
        if not isinstance(data, Mapping):
            raise ValueError("a recording is a JSON object")
        if data.get("format") != FORMAT:
            raise ValueError(f"recording format {data.get('format')!r} is not {FORMAT}")
        for name in ("driver", "kind"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise ValueError(f"a recording needs a {name}")
        exchanges = data.get("exchanges")
        if not isinstance(exchanges, list):
            raise ValueError("a recording needs a list of exchanges")
        options = data.get("options") or {}
        if not isinstance(options, Mapping):
            raise ValueError("a recording's options must be an object")
        error = data.get("error")
        if error is not None and (not isinstance(error, Mapping) or error.get("kind") not in _ERRORS):
            raise ValueError(f"a recording's error.kind must be one of {', '.join(_ERRORS)}")
        return cls(
            driver=data["driver"],
            kind=data["kind"],
            endpoint=data.get("endpoint"),
            exchanges=tuple(Exchange.from_json(item) for item in exchanges),
            options=options,
            report=data.get("report"),
            error=error,
            driver_version=str(data.get("driver_version") or ""),
            dcmaint_version=str(data.get("dcmaint_version") or ""),
            recorded_at=data.get("recorded_at"),
            scrubbed=data.get("scrubbed") or {},
            name=str(data.get("name") or ""),
        )

    @classmethod
    def load(cls, path: str | Path) -> Recording:
        """Read a recording file; ValueError naming the file when it is not one."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: not a readable recording ({error})") from None
        try:
            recording = cls.from_json(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return recording if recording.name else _renamed(recording, path.stem)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def _renamed(recording: Recording, name: str) -> Recording:
    from dataclasses import replace

    return replace(recording, name=name)


class Deck:
    """What a transport talks to instead of (replay) or besides (record) the device."""

    #: True for a player: the transport must not touch the network and must call :meth:`play`.
    replays: bool = False

    def covers(self, endpoint: str | None) -> bool:
        raise NotImplementedError

    def play(self, protocol: str, request: Mapping[str, Any]) -> Mapping[str, Any]:
        """The recorded answer to ``request``; raises the recorded contract error, or ProtocolError when none."""
        raise NotImplementedError

    def record(self, protocol: str, request: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        """Keep one answered question (recorders only; a player ignores it)."""

    def failed(self, protocol: str, request: Mapping[str, Any], error: BaseException) -> None:
        """Keep one question that got a contract error (recorders only); other exceptions are not kept."""


class Recorder(Deck):
    """Keeps every exchange of one poll, in order. Covers every endpoint: one device is recorded at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def covers(self, endpoint: str | None) -> bool:
        return True

    def record(self, protocol: str, request: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        exchange = Exchange(protocol, _plain_json(request), _plain_json(response))
        with self._lock:
            self.exchanges.append(exchange)

    def failed(self, protocol: str, request: Mapping[str, Any], error: BaseException) -> None:
        if not isinstance(error, DriverError):
            return
        exchange = Exchange(protocol, _plain_json(request), None, {"kind": error.kind.value, "message": str(error)})
        with self._lock:
            self.exchanges.append(exchange)


class Player(Deck):
    """Answers from one recording, for targets at its endpoint (scheme, host and port).

    Equal questions get the recorded answers in the order they were recorded;
    once those are used up the last one is repeated, as a device answers the
    same GET the same way.
    """

    replays = True

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self._key = endpoint_key(recording.endpoint, f"replay:{recording.name}")
        self._answers: dict[str, list[Exchange]] = {}
        for exchange in recording.exchanges:
            self._answers.setdefault(exchange.key(), []).append(exchange)
        self._used: dict[str, int] = {}
        self._lock = threading.Lock()
        self.asked: list[str] = []  # every question's key, in order (tests read it)

    def covers(self, endpoint: str | None) -> bool:
        return endpoint_key(endpoint, "") == self._key if endpoint else self.recording.endpoint is None

    def play(self, protocol: str, request: Mapping[str, Any]) -> Mapping[str, Any]:
        key = request_key(protocol, _plain_json(request))
        with self._lock:
            self.asked.append(key)
            answers = self._answers.get(key)
            if not answers:
                raise ProtocolError(
                    f"replay of {self.recording.name!r}: nothing recorded for {protocol} {_short(request)}"
                )
            index = self._used.get(key, 0)
            self._used[key] = index + 1
            exchange = answers[min(index, len(answers) - 1)]
        if exchange.error is not None:
            raise _ERRORS[exchange.error["kind"]](exchange.error.get("message") or exchange.error["kind"])
        return exchange.response or {}


_ACTIVE: list[Deck] = []
_ACTIVE_LOCK = threading.Lock()


def deck_for(endpoint: str | None) -> Deck | None:
    """The deck listening for ``endpoint``, or None (the normal case: talk to the device and keep nothing).

    Transports call this once per exchange (or once per poll, for a transport that lives for one poll).
    """
    if not _ACTIVE:
        return None
    for deck in reversed(list(_ACTIVE)):
        if deck.covers(endpoint):
            return deck
    return None


@contextlib.contextmanager
def listening(*decks: Deck) -> Iterator[Sequence[Deck]]:
    """Make ``decks`` answer (players) or listen (recorders) for the transports while the block runs.

    Process-wide, not per task: the worker threads of a :class:`~dcmaint.drivers.base.SyncDriver` see them too.
    """
    with _ACTIVE_LOCK:
        _ACTIVE.extend(decks)
    try:
        yield decks
    finally:
        with _ACTIVE_LOCK:
            for deck in decks:
                _ACTIVE.remove(deck)


def replaying(*recordings: Recording) -> contextlib.AbstractContextManager[Sequence[Deck]]:
    """``with replaying(recording): await driver.poll(recording.target())``: the poll reads the recording."""
    return listening(*(Player(recording) for recording in recordings))


def error_kind(error: Mapping[str, str] | None) -> ErrorKind | None:
    return ErrorKind(error["kind"]) if error else None


def _plain_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """A copy that is plain JSON (tuples become lists), so that recorded and replayed questions compare equal."""
    plain: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return plain


def _short(request: Mapping[str, Any]) -> str:
    text = json.dumps(request, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."

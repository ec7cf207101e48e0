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
from typing import Any

from dcmaint.drivers.errors import DriverError, ProtocolError
from dcmaint.drivers.tape_file import ERRORS
from dcmaint.drivers.tape_file import FORMAT as FORMAT
from dcmaint.drivers.tape_file import REPLAYED_SECRET as REPLAYED_SECRET
from dcmaint.drivers.tape_file import Exchange as Exchange
from dcmaint.drivers.tape_file import Recording as Recording
from dcmaint.drivers.tape_file import request_key as request_key
from dcmaint.drivers.tape_http import http_response as http_response  # re-exported: transports use tape.*
from dcmaint.drivers.tape_http import response_body as response_body
from dcmaint.drivers.tape_http import response_headers as response_headers
from dcmaint.drivers.target import endpoint_key


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
            raise ERRORS[exchange.error["kind"]](exchange.error.get("message") or exchange.error["kind"])
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


def _plain_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """A copy that is plain JSON (tuples become lists), so that recorded and replayed questions compare equal."""
    plain: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return plain


def _short(request: Mapping[str, Any]) -> str:
    text = json.dumps(request, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."

"""The record/replay hook: a transport that asks ``tape.deck_for`` is recorded and replayed faithfully."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from dcmaint.drivers import (
    Component,
    ComponentKind,
    DeviceIdentity,
    DeviceReport,
    Health,
    ProtocolError,
    Target,
    TimedOut,
    UpsDriver,
    tape,
)
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation


class FakeDevice:
    """What the 'network' would answer: counts what was really sent, so replay can prove it sent nothing."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.sent: list[str] = []

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.sent.append(path)
        if path not in self.documents:
            return 404, {}, b""
        return 200, {"Content-Type": "application/json"}, json.dumps(self.documents[path]).encode()


DEVICE = FakeDevice({})


async def fetch(target: Target, path: str) -> Any:
    """A transport as a plugin writes it: replay, or send and record."""
    deck = tape.deck_for(target.endpoint)
    request = {"method": "GET", "path": path}
    if deck is not None and deck.replays:
        answer = deck.play("http", request)
        status, body = answer["status"], tape.response_body(answer)
    else:
        status, headers, body = DEVICE.get(path)
        if deck is not None:
            deck.record("http", request, tape.http_response(status, headers, body))
    if status != 200:
        error = TimedOut(f"{path}: no answer") if status == 504 else ProtocolError(f"{path}: HTTP {status}")
        raise error
    return json.loads(body)


class TapedUps(UpsDriver):
    name = "taped-ups"
    version = "1.0"
    schemes = ("taped",)

    async def poll(self, target: Target) -> DeviceReport:
        status = await fetch(target, "/status")
        strings = await fetch(target, "/battery")
        return DeviceReport(
            identity=DeviceIdentity(vendor="Taped", model=status["model"], serial=status["serial"]),
            components=[
                Component(ComponentKind.BATTERY, f"String {s['id']}", Health(s["health"]), reason=s.get("why"))
                for s in strings["strings"]
            ],
        )


HEALTHY = {
    "/status": {"model": "T1", "serial": "T-001"},
    "/battery": {"strings": [{"id": 1, "health": "ok"}, {"id": 2, "health": "ok"}]},
}
FAULTY = {
    "/status": {"model": "T1", "serial": "T-002"},
    "/battery": {"strings": [{"id": 1, "health": "ok"}, {"id": 2, "health": "critical", "why": "cell 7 open"}]},
}


def record(documents: dict[str, Any], endpoint: str, path: Path) -> Path:
    """Poll the fake device live with a recorder listening and save what it said."""
    DEVICE.documents, DEVICE.sent = documents, []
    target = Target("ups-1", "ups", endpoint)
    recorder = tape.Recorder()
    with tape.listening(recorder):
        report = asyncio.run(TapedUps().poll(target))
    recording = tape.Recording(
        driver=TapedUps.name,
        kind="ups",
        endpoint=endpoint,
        exchanges=tuple(recorder.exchanges),
        report=report.as_json(),
        name=path.stem,
    )
    return recording.save(path)


@pytest.fixture
def recordings(tmp_path: Path) -> dict[str, Path]:
    return {
        "healthy": record(HEALTHY, "taped://ups-1.example", tmp_path / "healthy.json"),
        "faulty": record(FAULTY, "taped://ups-2.example", tmp_path / "faulty.json"),
    }


def test_a_replayed_poll_gives_the_recorded_report_without_touching_the_device(recordings: dict[str, Path]) -> None:
    DEVICE.documents, DEVICE.sent = {}, []
    recording = tape.Recording.load(recordings["faulty"])
    with tape.replaying(recording):
        report = asyncio.run(TapedUps().poll(recording.target()))
    assert DEVICE.sent == []
    assert report.as_json() == recording.report
    assert [c.location for c in report.faults()] == ["String 2"]


def test_a_recording_survives_its_file(recordings: dict[str, Path]) -> None:
    recording = tape.Recording.load(recordings["healthy"])
    assert recording.name == "healthy"
    assert [exchange.request["path"] for exchange in recording.exchanges] == ["/status", "/battery"]
    assert tape.Recording.from_json(recording.as_json()) == recording


def test_a_question_that_was_not_recorded_is_a_protocol_error_naming_it(recordings: dict[str, Path]) -> None:
    player = tape.Player(tape.Recording.load(recordings["healthy"]))
    with pytest.raises(ProtocolError, match=r"nothing recorded for http .*/firmware"):
        player.play("http", {"method": "GET", "path": "/firmware"})


def test_equal_questions_get_their_answers_in_order_then_the_last_again() -> None:
    exchanges = tuple(
        tape.Exchange("http", {"path": "/x"}, tape.http_response(200, {}, str(n).encode())) for n in range(2)
    )
    player = tape.Player(tape.Recording("d", "ups", "taped://a", exchanges))
    bodies = [tape.response_body(player.play("http", {"path": "/x"})) for _ in range(4)]
    assert bodies == [b"0", b"1", b"1", b"1"]


def test_a_recorded_contract_error_is_raised_again_on_replay() -> None:
    recorder = tape.Recorder()
    recorder.failed("http", {"path": "/slow"}, TimedOut("/slow: no answer within 5 s"))
    recorder.failed("http", {"path": "/bug"}, KeyError("not a contract error: not kept"))
    player = tape.Player(tape.Recording("d", "ups", "taped://a", tuple(recorder.exchanges)))
    with pytest.raises(TimedOut, match="no answer within 5 s"):
        player.play("http", {"path": "/slow"})
    assert len(recorder.exchanges) == 1


def test_a_player_answers_only_for_its_own_endpoint(recordings: dict[str, Path]) -> None:
    healthy, faulty = (tape.Recording.load(recordings[name]) for name in ("healthy", "faulty"))
    assert tape.deck_for("taped://ups-1.example") is None
    with tape.replaying(healthy, faulty) as (first, second):
        assert tape.deck_for("TAPED://UPS-1.example/x?y=1") is first
        assert tape.deck_for("taped://ups-2.example") is second
        assert tape.deck_for("taped://elsewhere.example") is None
    assert tape.deck_for("taped://ups-1.example") is None


def test_worker_threads_see_the_decks_of_the_poll(recordings: dict[str, Path]) -> None:
    """A SyncDriver's transport runs in a worker thread: the deck must reach it there."""
    seen: list[tape.Deck | None] = []
    with tape.replaying(tape.Recording.load(recordings["healthy"])):
        thread = threading.Thread(target=lambda: seen.append(tape.deck_for("taped://ups-1.example")))
        thread.start()
        thread.join()
    assert seen[0] is not None and seen[0].replays


@pytest.mark.parametrize(
    ("body", "headers", "kept"),
    [
        (b'{"a": [1, "\xc3\xa9"]}', {"Content-Type": "application/json"}, "json"),
        (b"<soapenv:Envelope/>", {"Content-Type": "text/xml"}, "text"),
        (b"\x00\xff\x10", {}, "base64"),
        (b"{not json", {"Content-Type": "application/json"}, "text"),
    ],
)
def test_http_answers_keep_their_body_in_the_plainest_faithful_form(
    body: bytes, headers: dict[str, str], kept: str
) -> None:
    answer = tape.http_response(200, {**headers, "Set-Cookie": "session=s3cret"}, body)
    assert kept in answer and "set-cookie" not in answer["headers"]
    again = tape.response_body(answer)
    assert json.loads(again) == json.loads(body) if kept == "json" else again == body


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "a JSON object"),
        ({"format": 2}, "format 2 is not 1"),
        ({"format": 1, "driver": "d", "kind": "ups"}, "list of exchanges"),
        ({"format": 1, "driver": "d", "kind": "ups", "exchanges": [{"protocol": "http"}]}, "request must be"),
        ({"format": 1, "driver": "d", "kind": "ups", "exchanges": [], "error": {"kind": "boom"}}, "error.kind"),
    ],
)
def test_a_file_that_is_not_a_recording_is_one_line_naming_it(tmp_path: Path, document: Any, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        tape.Recording.load(path)
    assert str(raised.value).startswith(str(path)) and "\n" not in str(raised.value)


class TestTapedConformance(BaseDriverConformance):
    """The kit replays recorded cases through the driver's own transport."""

    driver_class = TapedUps
    folder: Path | None = None

    def cases(self) -> list[ConformanceCase]:
        if type(self).folder is None:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="dcmaint-taped-"))
            record(HEALTHY, "taped://ups-1.example", folder / "healthy.json")
            record(FAULTY, "taped://ups-2.example", folder / "faulty.json")
            type(self).folder = folder
        folder = type(self).folder
        return [
            ConformanceCase.replay(folder / "healthy.json", Expectation(status=Health.OK, faults=(), serial="T-001")),
            ConformanceCase.replay(
                folder / "faulty.json", Expectation(status=Health.CRITICAL, faults=("String 2",)), family="Taped T1"
            ),
        ]

"""`dcmaint record` end to end: a real HTTP device, a driver whose transport offers the tape hook, the real CLI.

The device is a stdlib HTTP server in a thread that wants a password and
answers JSON naming its addresses, host name, MAC and serials; the driver
(installed through a real entry point, tests/scenario.py's way) reads it
with urllib in a worker thread (a SyncDriver). The file written must replay
through ``dcmaint.testing.replay_poll`` to the same report without touching
the server, and must hold none of the device's secrets, addresses or
(with ``--all-serials``) serials.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.helpers import audit, counts
from tests.scenario import install_plugin

PASSWORD = "Hunter2-lab-secret"

LAB_DRIVER = '''
import base64, json, urllib.error, urllib.request
from dcmaint.drivers import (AuthFailed, Component, DeviceIdentity, DeviceReport, PartIdentity, ProtocolError,
                             SyncDriver, Unreachable, hookimpl)
from dcmaint.drivers import tape


def get(target, path):
    """One GET, through the record/replay hook: the 15 lines docs/recording.md shows."""
    request = {"method": "GET", "path": path}
    deck = tape.deck_for(target.endpoint)
    if deck is not None and deck.replays:
        answer = deck.play("http", request)
        status, body = answer["status"], tape.response_body(answer)
    else:
        url = "http://" + target.endpoint.split("://", 1)[1] + path
        login = base64.b64encode(f"{target.username}:{target.credential.reveal()}".encode()).decode()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"Authorization": f"Basic {login}"}), timeout=target.timeout
            ) as response:
                status, headers, body = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, dict(error.headers), error.read()
        except OSError as error:
            failure = Unreachable(f"{target.endpoint}: {error}")
            if deck is not None:
                deck.failed("http", request, failure)
            raise failure from None
        if deck is not None:
            deck.record("http", request, tape.http_response(status, headers, body))
    if status == 401:
        raise AuthFailed(f"{target.endpoint}: login refused")
    if status != 200:
        raise ProtocolError(f"{target.endpoint}{path}: HTTP {status}")
    return json.loads(body)


class LabDriver(SyncDriver):
    name = "lab"
    version = "0.3"
    kinds = ("server",)
    schemes = ("lab",)

    def poll_sync(self, target):
        system = get(target, "/api/system")
        parts = [get(target, link) for link in system["psus"]]
        return DeviceReport(
            identity=DeviceIdentity(vendor="Lab", model=system["model"], serial=system["serial"],
                                    firmware={"bmc": system["firmware"]}, hostname=system["hostname"]),
            components=[
                Component("psu", part["location"], part["health"], reason=part.get("reason"),
                          part=PartIdentity(model="PS-800", serial=part["serial"]))
                for part in parts
            ],
        )


class LabBatchDriver(SyncDriver):
    """The same device read through poll_batch only: record and replay must take that way too."""

    name = "lab-batch"
    version = "0.3"
    kinds = ("server",)
    schemes = ("labb",)

    def poll_batch_sync(self, targets):
        return {target.name: LabDriver().poll_sync(target) for target in targets}


@hookimpl
def dcmaint_register_drivers(register):
    register(LabDriver)
    register(LabBatchDriver)
'''


@dataclass
class Device:
    """The lab device: its port, how many requests it got, and a switch that makes it answer nonsense."""

    port: int
    hits: int = 0
    broken: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    stalled: threading.Event | None = None  # when set: PSU 1's answer waits for this event

    @property
    def endpoint(self) -> str:
        return f"lab://127.0.0.1:{self.port}"

    def answer(self, path: str) -> dict[str, Any] | None:
        base = f"http://127.0.0.1:{self.port}"
        if path == "/api/system":
            system: dict[str, Any] = {
                "model": "Lab 1U",
                "serial": "CZ2024X1",
                "hostname": "bmc01.lab.internal",
                "mac": "AA:BB:CC:00:11:22",
                "address": "127.0.0.1",
                "ipv6": "fe80::1c2b:3aff:fe4d:5e6f",
                "firmware": "2.72.1.0",
                "oid": "1.3.6.1.4.1.232.22.2.5.1.1.1.5",
                "built": "2026-12-06T03:06:17+08:00",
                "token": "session-abc123",
                "motd": f"welcome admin, the password {PASSWORD} expires soon",
                "psus": ["/api/psus/1", "/api/psus/PS-SN-0002B"],
            }
            return {"model": "Lab 1U"} if self.broken else system
        if path == "/api/psus/1":
            return {"location": "PSU 1", "health": "ok", "serial": "PS-SN-0001A"}
        if path == "/api/psus/PS-SN-0002B":
            return {
                "location": "PSU 2",
                "health": "critical",
                "serial": "PS-SN-0002B",
                "reason": "input lost",
                "see": f"{base}/api/psus/PS-SN-0002B at bmc01.lab.internal",
            }
        return None


@pytest.fixture
def device() -> Iterator[Device]:
    lab = Device(0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lab.lock:
                lab.hits += 1
            expected = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._send(401, {"error": "login refused"}, {"WWW-Authenticate": 'Basic realm="lab"'})
                return
            if lab.stalled is not None and self.path == "/api/psus/1":
                lab.stalled.wait()
            answer = lab.answer(self.path)
            self._send(200 if answer is not None else 404, answer or {"error": "no such resource"})

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Set-Cookie", "session=abc123; HttpOnly")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    lab.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield lab
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def lab(cli, device, tmp_path, monkeypatch):
    """The CLI with the lab driver installed and the lab device registered as hq/srv01."""
    install_plugin(tmp_path / "site-packages", monkeypatch, "lab", LAB_DRIVER)
    monkeypatch.setenv("LAB_PW", PASSWORD)
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok(
        *("device", "add", "srv01", "--site", "hq", "--kind", "server", "--driver", "lab"),
        *("--endpoint", device.endpoint, "--username", "admin", "--credential", "env:LAB_PW"),
    )
    yield cli
    sys.modules.pop("dcmaint_lab", None)


def _driver() -> Any:
    import dcmaint_lab  # installed by the lab fixture

    return dcmaint_lab.LabDriver


HIDDEN = (PASSWORD, "127.0.0.1", "fe80::", "AA:BB:CC", "bmc01.lab.internal", "session-abc123", "abc123")
SERIALS = ("CZ2024X1", "PS-SN-0001A", "PS-SN-0002B")


def test_a_recording_replays_to_the_same_report_and_holds_no_secret_or_address(lab, device, tmp_path, db_url):
    from dcmaint.testing import Recording, assert_replays_as_recorded, replay_poll

    out = tmp_path / "recordings"
    out.mkdir()
    before, chain = counts(db_url), audit(db_url)
    summary = lab.ok("record", "srv01", "--output", out, "--all-serials", "--format", "json").json()
    assert counts(db_url) == before and audit(db_url) == chain  # nothing written to the store
    path = out / "srv01.json"
    assert summary["path"] == str(path) and summary["status"] == "critical" and summary["error"] is None
    assert summary["exchanges"] == 3 and summary["driver"] == "lab"
    assert summary["scrubbed"] == {"secrets": 2, "addresses": 3, "hosts": 1, "serials": 3}
    assert path.stat().st_mode & 0o777 == 0o600  # owner-only until someone has read it (docs/recording.md)
    text = path.read_text(encoding="utf-8")
    for value in (*HIDDEN, *SERIALS):
        assert value not in text, value
    assert "2.72.1.0" in text and "1.3.6.1.4.1.232.22.2.5.1.1.1.5" in text and "2026-12-06T03:06:17+08:00" in text
    recording = Recording.load(path)
    assert recording.driver == "lab" and recording.driver_version == "0.3" and recording.kind == "server"
    assert recording.endpoint == f"lab://192.0.2.1:{device.port}" and recording.error is None
    assert recording.report is not None and recording.report["identity"]["serial"] == "SERIAL-0001"
    assert recording.exchanges[1].request == {"method": "GET", "path": "/api/psus/1"}
    assert recording.exchanges[2].request == {"method": "GET", "path": "/api/psus/SERIAL-0003"}
    assert recording.exchanges[0].response["json"]["token"] == "<redacted>"  # type: ignore[index]

    hits = device.hits
    report = replay_poll(_driver(), path)
    assert device.hits == hits  # the replay never touched the device
    replayed = {k: v for k, v in report.as_json().items() if k not in ("polled_at", "duration")}
    assert replayed == {k: v for k, v in recording.report.items() if k not in ("polled_at", "duration")}
    assert [c.part.serial for c in report.components if c.part] == ["SERIAL-0002", "SERIAL-0003"]
    assert_replays_as_recorded(_driver(), path)


def test_an_endpoint_given_by_url_is_recorded_under_its_scrubbed_host_name(lab, device, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = lab.ok(
        *("record", "--target", device.endpoint, "--username", "admin", "--password-ref", "env:LAB_PW"),
        *("--output", out, "--serial", "CZ2024X1"),
    )
    [path] = out.iterdir()
    assert path.name == f"192.0.2.1_{device.port}.json"
    assert str(path) in result.out and "3 exchanges" in result.out and "critical" in result.out
    text = path.read_text(encoding="utf-8")
    assert "CZ2024X1" not in text and "127.0.0.1" not in text and PASSWORD not in text
    assert "PS-SN-0001A" in text  # only the serial named was hidden


def test_a_driver_with_poll_batch_only_is_recorded_and_replayed_through_it(lab, device, tmp_path):
    import dcmaint_lab

    from dcmaint.testing import assert_replays_as_recorded

    assert dcmaint_lab.LabBatchDriver.capabilities() == ("poll_batch",)
    out = tmp_path / "out"
    out.mkdir()
    summary = lab.ok(
        *("record", "--target", f"labb://127.0.0.1:{device.port}", "--username", "admin"),
        *("--password-ref", "env:LAB_PW", "--output", out, "--format", "json"),
    ).json()
    assert summary["driver"] == "lab-batch" and summary["exchanges"] == 3 and summary["status"] == "critical"
    hits = device.hits
    assert_replays_as_recorded(dcmaint_lab.LabBatchDriver, summary["path"])
    assert device.hits == hits


def test_a_refused_login_is_recorded_and_replays_as_the_same_error(lab, device, tmp_path, monkeypatch):
    from dcmaint.drivers import AuthFailed
    from dcmaint.testing import assert_replays_as_recorded, replay_poll

    monkeypatch.setenv("LAB_PW", "wrong-password")
    out = tmp_path / "out"
    out.mkdir()
    summary = lab.ok("record", "hq/srv01", "--output", out, "--format", "json").json()
    assert summary["error"] == "auth_failed" and summary["status"] == "unknown" and summary["exchanges"] == 1
    assert "192.0.2.1" in summary["message"] and "wrong-password" not in (out / "srv01.json").read_text()
    with pytest.raises(AuthFailed):
        replay_poll(_driver(), out / "srv01.json")
    assert_replays_as_recorded(_driver(), out / "srv01.json")


def test_a_replay_that_differs_from_the_recording_names_the_first_difference(lab, tmp_path):
    from dcmaint.testing import assert_replays_as_recorded

    out = tmp_path / "out"
    out.mkdir()
    lab.ok("record", "srv01", "--output", out)
    path = out / "srv01.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["report"]["components"][1]["health"] = "ok"  # the driver "used to" read PSU 2 as healthy
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"report\.components\[1\]\.health"):
        assert_replays_as_recorded(_driver(), path)


def test_bad_input_is_one_line_exit_2_and_writes_nothing(lab, device, tmp_path, db_url):
    out = tmp_path / "out"
    out.mkdir()
    (out / "srv01.json").write_text("kept", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    before, chain, hits = counts(db_url), audit(db_url), device.hits
    for argv, named in [
        (["record", "nosuch", "--output", out], "'nosuch'"),
        (["record", "srv01", "--output", tmp_path / "missing"], "missing"),
        (["record", "srv01", "--output", a_file], "a-file"),
        (["record", "srv01", "--output", out], "srv01.json exists"),
        (["record", "--output", out], "--target"),
        (["record", "srv01", "--target", device.endpoint, "--output", out], "--target"),
        (["record", "--target", "lab:/nohost", "--output", out], "'lab:/nohost'"),
        (["record", "--target", "gopher://10.0.0.5", "--output", out], "'gopher://10.0.0.5'"),
        (["record", "--target", "lab://admin:pw@10.0.0.5", "--output", out], "--target"),
    ]:
        result = lab(*argv)
        lines = result.err.strip().splitlines()
        assert result.code == 2 and result.out == "", (argv, result)
        assert len(lines) == 1 and named in lines[0], (argv, result.err)
    assert sorted(p.name for p in out.iterdir()) == ["srv01.json"]
    assert (out / "srv01.json").read_text(encoding="utf-8") == "kept"
    assert not (tmp_path / "missing").exists()
    assert counts(db_url) == before and audit(db_url) == chain and device.hits == hits  # nothing polled either
    lab.ok("record", "srv01", "--output", out, "--force")
    assert json.loads((out / "srv01.json").read_text(encoding="utf-8"))["format"] == 1


def test_a_crashed_driver_exits_3_and_writes_nothing(lab, device, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    device.broken = True  # the system document lacks its PSU links: the driver's KeyError is a crash
    result = lab("record", "srv01", "--output", out)
    assert result.code == 3 and "driver crashed" in result.err and "nothing recorded" in result.err
    assert list(out.iterdir()) == []


def test_an_unreachable_device_is_recorded(lab, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lab.ok("device", "edit", "srv01", "--endpoint", "lab://127.0.0.1:9")  # the discard port: refused
    summary = lab.ok("record", "srv01", "--output", out, "--format", "json").json()
    assert summary["error"] == "unreachable" and summary["exchanges"] == 1
    assert "127.0.0.1" not in (out / "srv01.json").read_text(encoding="utf-8")


def test_a_poll_cut_by_the_deadline_is_recorded_up_to_the_cut(lab, device, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    device.stalled = threading.Event()
    try:
        summary = lab.ok("record", "srv01", "--output", out, "--timeout", "1", "--format", "json").json()
    finally:
        device.stalled.set()
    assert summary["error"] == "timed_out" and summary["exchanges"] == 1


def test_a_device_that_cannot_be_polled_as_registered_is_refused_before_anything_is_written(lab, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lab.ok("device", "add", "srv02", "--site", "hq", "--kind", "server")
    lab.ok(
        *("device", "add", "srv03", "--site", "hq", "--kind", "server", "--driver", "lab"),
        *("--endpoint", "lab://127.0.0.1:9", "--username", "admin", "--credential", "env:NO_SUCH_PASSWORD"),
    )
    for name, named in (("srv02", "no driver set"), ("srv03", "NO_SUCH_PASSWORD")):
        result = lab("record", name, "--output", out)
        lines = result.err.strip().splitlines()
        assert result.code == 2 and len(lines) == 1 and named in lines[0] and "nothing recorded" in lines[0], result
    assert list(out.iterdir()) == []


def test_the_recorded_file_is_the_documented_format(lab, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lab.ok("record", "srv01", "--output", out)
    data = json.loads((out / "srv01.json").read_text(encoding="utf-8"))
    assert list(data) == [
        *("format", "name", "driver", "driver_version", "dcmaint_version", "recorded_at", "kind", "endpoint"),
        *("username", "options", "scrubbed", "exchanges", "report"),
    ]
    assert data["recorded_at"].endswith("+00:00")
    assert data["exchanges"][0]["response"]["headers"] == {"content-type": "application/json"}  # no cookie kept


def test_record_is_a_top_level_command():
    from dcmaint.cli.main import COMMANDS

    assert COMMANDS["record"][:2] == ("dcmaint.cli.record", "record")

"""The tutorial in docs/plugins.md, run as a vendor would run it: a fresh virtual environment, dcmaint installed
from this checkout the way the tutorial says, the plugin `dcmaint plugin new` writes built into a wheel by its
real build backend, installed, listed, polled against a real HTTP server, and its own tests run.

Every console command of the tutorial runs, in order, in one shell session (its ``cd``, ``export`` and ``.
.venv/bin/activate`` carry on); each file block headed ``<!-- file: PATH -->`` must be the file the scaffold
wrote, byte for byte. The one substitution: the documented device address 10.20.0.8 is the local server's.
The virtual environment is made once for the module (pip's cache keeps it around a minute).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dcmaint.drivers import tape
from tests.docs_session import ROOT, Block, Command, blocks, commands

PAGE = "docs/plugins.md"
SECTION = "## Tutorial: your first driver"
FILE_MARKER = re.compile(r"^<!-- file: (?P<path>\S+) -->$")
ADDRESS = "10.20.0.8"  # the Acme UPS of the tutorial; the local device serves its answers
TIMEOUT = 300  # one command (pip builds dcmaint's wheel); a hang fails rather than blocking the suite


def tutorial_blocks() -> list[Block]:
    """The fenced blocks between the tutorial's heading and the next section of the page."""
    lines = (ROOT / PAGE).read_text(encoding="utf-8").splitlines()
    start = lines.index(SECTION) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines)) + 1
    return [block for block in blocks(PAGE) if start < block.line < end]


def file_blocks() -> dict[str, str]:
    """Each block headed by ``<!-- file: PATH -->``: the file's path (from the working directory) and its text."""
    lines = (ROOT / PAGE).read_text(encoding="utf-8").splitlines()
    found = {}
    for block in tutorial_blocks():
        marker = FILE_MARKER.match(lines[block.line - 2])
        if marker:  # the raw lines: the page's block reader strips indentation, a file keeps it
            body = lines[block.line : block.line + len(block.lines)]
            found[marker["path"]] = "\n".join(body) + "\n"
    return found


class Device(ThreadingHTTPServer):
    """The Acme UPS: answers every HTTP question of a recording as the recording says."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.answers: dict[tuple[str, str], tuple[int, dict[str, str], bytes]] = {}

    def play(self, path: Path) -> None:
        recording = tape.Recording.load(path)
        self.answers = {
            (exchange.request["method"], exchange.request["path"]): (
                int(exchange.response["status"]),
                tape.response_headers(exchange.response),
                tape.response_body(exchange.response),
            )
            for exchange in recording.exchanges
            if exchange.protocol == "http" and exchange.response is not None
        }

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = self.server.answers.get(("GET", self.path), (404, {}, b"not recorded"))  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the test reads answers, not the server's log


@dataclass
class Ran:
    command: str
    code: int
    out: str
    err: str


@dataclass
class Session:
    """One bash session in a fresh directory: state (exports, cwd) carried from command to command in a file."""

    work: Path
    env: dict[str, str]
    device: Device
    ran: list[tuple[Command, Ran]] = field(default_factory=list)

    def run(self, command: str) -> Ran:
        state = self.work / ".session"
        text = command.replace(ADDRESS, self.device.address)
        script = (
            f". {shlex.quote(str(state))}\n{text}\n__code=$?\n"
            f'{{ export -p; echo "cd $(printf %q "$PWD")"; }} > {shlex.quote(str(state))}\nexit $__code\n'
        )
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return Ran(text, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def device() -> Iterator[Device]:
    server = Device()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, device: Device) -> Session:
    """The tutorial run from its first command to its last; the healthy sample is what the device answers."""
    root = tmp_path_factory.mktemp("tutorial")
    work, home, tools = root / "work", root / "home", root / "bin"
    for folder in (work, home, tools):
        folder.mkdir()
    (work / "dcmaint").symlink_to(ROOT, target_is_directory=True)  # the source checkout the vendor received
    (tools / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))  # a Python, not this venv
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DCMAINT_", "PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))
    }
    env.update(
        HOME=str(home),
        PATH=f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
        DCMAINT_LANG="en",
    )
    (work / ".session").write_text("", encoding="utf-8")
    started = Session(work, env, device)
    for block in tutorial_blocks():
        if block.lang != "console":
            continue
        for command in commands(block):
            if command.bare.startswith("dcmaint health"):
                device.play(work / "dcmaint-acme" / "recordings" / "healthy.json")
            started.ran.append((command, started.run(command.text)))
    return started


def test_the_tutorial_shows_its_commands_and_files() -> None:
    shown = [command.bare for block in tutorial_blocks() if block.lang == "console" for command in commands(block)]
    for expected in (
        "pip install ./dcmaint",
        "dcmaint plugin new acme --kind ups",
        "pip wheel --no-deps --wheel-dir dist ./dcmaint-acme",
        "dcmaint plugin list",
        f"dcmaint health --target acme://{ADDRESS} --option scheme=http",
        "pytest -q dcmaint-acme/tests",
    ):
        assert expected in shown
    assert set(file_blocks()) >= {
        "dcmaint-acme/pyproject.toml",
        "dcmaint-acme/src/acme_dcmaint/driver.py",
        "dcmaint-acme/tests/test_conformance.py",
    }


def test_every_command_of_the_tutorial_succeeds(session: Session) -> None:
    failed = [
        f"{command.where}: $ {ran.command}\n  exit {ran.code}\n{ran.out[-2000:]}{ran.err[-2000:]}"
        for command, ran in session.ran
        if ran.code != 0
    ]
    assert failed == []
    assert len(session.ran) >= 10


def test_the_files_shown_are_the_files_written(session: Session) -> None:
    for path, text in file_blocks().items():
        assert (session.work / path).read_text(encoding="utf-8") == text, f"{PAGE}: {path} differs from the scaffold"


def test_dcmaint_comes_from_the_fresh_environment_not_the_checkout(session: Session) -> None:
    ran = session.run('python -c "import dcmaint, acme_dcmaint; print(dcmaint.__file__); print(acme_dcmaint.__file__)"')
    assert ran.code == 0, ran.err
    venv = (session.work / ".venv").resolve()
    for line in ran.out.split():
        where = Path(line).resolve()
        assert where.is_relative_to(venv) and not where.is_relative_to(ROOT), line


def test_the_installed_plugin_is_listed_with_the_contract(session: Session) -> None:
    ran = session.run("dcmaint plugin list --format json")
    assert ran.code == 0 and ran.err == "", ran.err
    listed = json.loads(ran.out)
    assert listed["contract"] == "1.0"
    [driver] = listed["drivers"]
    assert (driver["name"], driver["package"], driver["package_version"], driver["plugin"]) == (
        "acme-ups",
        "dcmaint-acme",
        "0.1.0",
        "acme",
    )
    assert driver["schemes"] == ["acme"] and driver["kinds"] == ["ups"]


def test_health_polls_the_device_over_http_healthy_then_faulty(session: Session) -> None:
    command = f"dcmaint health --target acme://{ADDRESS} --option scheme=http --format json"
    session.device.play(session.work / "dcmaint-acme" / "recordings" / "healthy.json")
    healthy = session.run(command)
    assert healthy.code == 0, healthy.out + healthy.err
    [polled] = json.loads(healthy.out)["devices"]
    assert (polled["driver"], polled["status"], polled["error_kind"]) == ("acme-ups", "ok", None)

    session.device.play(session.work / "dcmaint-acme" / "recordings" / "faulty.json")
    faulty = session.run(command)
    assert faulty.code == 2, faulty.out + faulty.err
    [polled] = json.loads(faulty.out)["devices"]
    assert polled["status"] == "critical"
    assert "String 2" in faulty.out and "cell 7 open" in faulty.out


def test_the_plugins_own_tests_pass(session: Session) -> None:
    [ran] = [r for c, r in session.ran if c.bare.startswith("pytest")]
    assert ran.code == 0 and " passed" in ran.out and "failed" not in ran.out, ran.out
    assert "skipped" not in ran.out, ran.out

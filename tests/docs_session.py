"""Reading the command blocks of README.md and docs/*.md and running them as a user would type them.

The convention the pages follow (README.md says it to contributors in a comment):

- A ```console block is a terminal session. A line starting with ``$ `` is a
  command (a trailing ``\\`` continues it on the next line); the lines below
  it, up to the next ``$ ``, are its output as shown to the reader.
- Every command of every ```console block of a page runs, in page order, in
  one bash session per page: a fresh home (``HOME`` is a new directory that
  messages show as ``/home/li``), an empty working directory, ``dcmaint`` on
  ``PATH``. Shell state (``export``, ``cd``, ``. .venv/bin/activate``) carries
  from one command to the next.
- A command must exit 0, or with the code its test declares (``dcmaint
  health`` exits 0/1/2/3 by what it finds); one whose shown output has a
  ``dcmaint: error:`` line must fail, 2 unless declared. Every ``dcmaint:
  error:`` and ``dcmaint: warning:`` line shown must be printed as shown.
  Other output is illustrative and not compared.
- ``$ echo $?`` checks the previous command's exit code against the shown
  value. ``$ cat FILE`` of a file that does not exist yet creates it from the
  shown output: that is how a page gives its example files.
- ``$ dcmaint sim ...`` serves until stopped: it runs in the background (with
  ``--endpoints-file``) until the page ends, and the addresses its shown
  output lists are replaced by the ones it really serves on.
- ``$ dcmaint serve-metrics --listen HOST:PORT ...`` serves until stopped
  too: it runs in the background on a free port of HOST until the page ends
  (stopped with SIGTERM, which must end it with exit code 0), and HOST:PORT
  in later commands is replaced by the address it really listens on (one
  whose shown output is an error runs like any other command).
- Any other fenced block is not run. One that holds a command a user would
  type (a line starting with ``$ `` or ``dcmaint ``) carries, on the line
  just above its fence, a comment saying why it is not run:
  ``<!-- not run: REASON -->`` (a synopsis; a command the tests cannot run
  here, such as ``make`` or ``pip install``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!-- not run: (?P<reason>.+?) -->\s*$")
SHOWN_HOME = "/home/li"  # how the pages show the user's home in paths
COMMAND_TIMEOUT = 180


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    lines: tuple[str, ...]
    marker: str | None  # the reason given for not running it


@dataclass(frozen=True)
class Command:
    page: str
    line: int
    text: str
    output: tuple[str, ...]

    @property
    def bare(self) -> str:
        """The command without trailing ``# comments``, its lines joined: how a test names it."""
        lines = [re.sub(r"\s+# .*$", "", line).rstrip() for line in self.text.splitlines()]
        return " ".join(line.removesuffix("\\").strip() for line in lines).strip()

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def shown(self, prefix: str) -> list[str]:
        return [line for line in self.output if line.startswith(prefix)]


def pages() -> list[str]:
    """Every page a user reads: the README and docs/, relative to the checkout."""
    return ["README.md", *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").rglob("*.md")))]


def blocks(page: str) -> list[Block]:
    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent = len(opening["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end].lstrip())
            end += 1
        marker = MARKER.match(lines[index - 1]) if index else None
        found.append(Block(page, index + 1, opening["lang"], tuple(body), marker["reason"] if marker else None))
        index = end + 1
    return found


def is_command_line(line: str) -> bool:
    """A line a user would type: a prompt, or ``dcmaint`` (perhaps after ``VAR=value`` assignments)."""
    stripped = line.strip()
    return stripped.startswith("$ ") or re.match(r"^([A-Z_]+=\S*\s+)*dcmaint\s", stripped) is not None


def commands(block: Block) -> list[Command]:
    found: list[Command] = []
    lines = block.lines
    index = 0
    while index < len(lines):
        if not lines[index].startswith("$ "):
            index += 1
            continue
        start, text = index, lines[index][2:]
        while text.endswith("\\") and index + 1 < len(lines):
            index += 1
            text += "\n" + lines[index]
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        found.append(Command(block.page, block.line + 1 + start, text, tuple(output)))
    return found


def session_commands(page: str) -> list[Command]:
    return [command for block in blocks(page) if block.lang == "console" for command in commands(block)]


# --- running ---------------------------------------------------------------------------------------


@dataclass
class Ran:
    command: Command
    run: str  # the text run, after substitutions
    code: int
    out: str
    err: str


class Failure(AssertionError):
    pass


@dataclass
class Session:
    """One page's bash session: its directory, environment, substitutions and background simulators."""

    root: Path
    env: dict[str, str]
    substitutions: dict[str, str] = field(default_factory=dict)
    ran: list[Ran] = field(default_factory=list)
    _background: list[subprocess.Popen[str]] = field(default_factory=list)

    @classmethod
    def fresh(cls, root: Path, extra_env: Mapping[str, str] | None = None) -> Session:
        home = root / SHOWN_HOME.lstrip("/")
        work = root / "work"
        home.mkdir(parents=True)
        work.mkdir()
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")])
        keep = {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "TMPDIR", "SYSTEMROOT", "CI")}
        env = {**keep, "HOME": str(home), "PATH": path, "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        session = cls(root, env)
        (root / "state.sh").write_text(f"cd {shlex.quote(str(work))}\n", encoding="utf-8")
        return session

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def home(self) -> Path:
        return self.root / SHOWN_HOME.lstrip("/")

    def substitute(self, text: str) -> str:
        for documented, actual in self.substitutions.items():
            text = text.replace(documented, actual)
        return text

    def shown(self, text: str) -> str:
        """Output as the pages show it: the session's own root is not in the paths they print."""
        return text.replace(str(self.root), "")

    def shell(self, text: str, timeout: float = COMMAND_TIMEOUT) -> tuple[int, str, str]:
        state = self.root / "state.sh"
        script = (
            f". {shlex.quote(str(state))}\n{text}\n__rc=$?\n"
            f"export -p > {shlex.quote(str(state))}.new\n"
            f'echo "cd $(printf %q "$PWD")" >> {shlex.quote(str(state))}.new\n'
            f"mv {shlex.quote(str(state))}.new {shlex.quote(str(state))}\nexit $__rc\n"
        )
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        return done.returncode, done.stdout, done.stderr

    def run(self, command: Command, expected: int | None, before: Callable[[Session], None] | None = None) -> Ran:
        text = self.substitute(command.text)
        if before is not None:
            before(self)
        if text.strip() == "echo $?":
            previous = self.ran[-1]
            shown = command.output[0].strip() if command.output else ""
            if str(previous.code) != shown:
                raise Failure(
                    f"{command.where}: the page shows exit code {shown}, {previous.run!r} gave {previous.code}"
                )
            return self._keep(Ran(command, text, 0, shown + "\n", ""))
        cat = re.fullmatch(r"cat (\S+)", text.strip())
        if cat and not (self.work / cat[1]).exists():
            (self.work / cat[1]).write_text("\n".join(command.output) + "\n", encoding="utf-8")
            return self._keep(Ran(command, text, 0, "", ""))
        if re.match(r"^dcmaint sim\s", text.strip()):
            return self._keep(self._serve(command, text))
        if re.match(r"^dcmaint serve-metrics\s", text.strip()) and not command.shown("dcmaint: error:"):
            return self._keep(self._serve_metrics(command, text))
        code, out, err = self.shell(text)
        ran = self._keep(Ran(command, text, code, self.shown(out), self.shown(err)))
        errors = command.shown("dcmaint: error:")
        want = expected if expected is not None else (2 if errors else 0)
        if code != want:
            raise Failure(self._describe(ran, f"exit code {code}, expected {want}"))
        printed = set(ran.err.splitlines())
        for line in errors + command.shown("dcmaint: warning:"):
            if self.substitute(line) not in printed:
                raise Failure(self._describe(ran, f"the page shows a line it did not print:\n  {line}"))
        return ran

    def _keep(self, ran: Ran) -> Ran:
        self.ran.append(ran)
        return ran

    def _describe(self, ran: Ran, problem: str) -> str:
        return (
            f"{ran.command.where}: $ {ran.run}\n{problem}\n--- stdout\n{ran.out[-3000:]}\n--- stderr\n{ran.err[-3000:]}"
        )

    def _serve(self, command: Command, text: str) -> Ran:
        """Start a simulator in the background and map the addresses its shown output lists to the real ones."""
        endpoints = self.root / f"endpoints-{len(self._background)}.json"
        state = shlex.quote(str(self.root / "state.sh"))
        process = subprocess.Popen(
            [
                "bash",
                "--noprofile",
                "--norc",
                "-c",
                f". {state}\nexec {text} --endpoints-file {shlex.quote(str(endpoints))}",
            ],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._background.append(process)
        deadline = time.monotonic() + 60
        while not endpoints.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise Failure(f"{command.where}: $ {text}\nthe simulator did not start (exit code {process.poll()})")
            time.sleep(0.1)
        served = json.loads(endpoints.read_text())
        actual = {e["name"]: e["url"] for e in served["endpoints"]}
        for line in command.output:
            shown = re.match(r"^(\S+)\s+(?:[a-z+]*http|snmp)://(127\.0\.0\.1:\d+)", line)  # vsphere+http too
            if shown and shown[1] in actual:
                self.substitutions[shown[2]] = actual[shown[1]].split("://", 1)[1].split("/", 1)[0]  # the address
        return Ran(command, text, 0, json.dumps(served), "")

    def _serve_metrics(self, command: Command, text: str) -> Ran:
        """Start the exporter in the background on a free port; the documented address maps to the real one."""
        import socket

        shown = re.search(r"--listen[ =](\S+)", text)
        if shown is None:
            raise Failure(f"{command.where}: $ {text}\nshow the --listen address, so that later commands can use it")
        host = shown[1].rsplit(":", 1)[0]
        with socket.socket() as probe:
            probe.bind((host, 0))
            actual = f"{host}:{probe.getsockname()[1]}"
        self.substitutions[shown[1]] = actual
        text = text.replace(shown[1], actual)
        log = self.root / f"serve-metrics-{len(self._background)}.log"
        state = shlex.quote(str(self.root / "state.sh"))
        process = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", f". {state}\nexec {text} 2> {shlex.quote(str(log))}"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._background.append(process)
        deadline = time.monotonic() + 60
        while not (log.exists() and f"http://{actual}/metrics" in log.read_text(encoding="utf-8")):
            if process.poll() is not None or time.monotonic() > deadline:
                said = log.read_text(encoding="utf-8") if log.exists() else ""
                raise Failure(f"{command.where}: $ {text}\nthe exporter did not start (exit {process.poll()})\n{said}")
            time.sleep(0.1)
        return Ran(command, text, 0, "", self.shown(log.read_text(encoding="utf-8")))

    def close(self) -> list[int]:
        """Stop the background simulators with SIGTERM, as a user would; their exit codes."""
        codes = []
        for process in self._background:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        self._background.clear()
        return codes


def run_page(
    session: Session,
    page: str,
    exits: Mapping[str, int] | None = None,
    before: Mapping[str, Callable[[Session], None]] | None = None,
) -> Iterator[Ran]:
    """Run every command of the page's console blocks in order; stop at the first that fails. ``exits`` and
    ``before`` are keyed by the command as shown, without its trailing comment."""
    for command in session_commands(page):
        key = command.bare
        yield session.run(command, (exits or {}).get(key), (before or {}).get(key))

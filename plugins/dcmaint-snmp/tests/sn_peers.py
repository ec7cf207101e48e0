"""The real SNMP agent of the tests: snmpsim (PyPI), serving ``.snmprec`` data the tests write.

snmpsim has three traps on these machines (../shared/PEERS.md): run as root
it must drop privileges (to ``nobody``), so its Python, its data and its
cache must be readable (and the cache writable) by ``nobody``: its virtual
environment is made from the system Python in the temporary directory, once
per machine, under a lock so that parallel test workers share it; it needs
``pysmi`` and, to serve SNMPv3 privacy, ``cryptography`` beside it; and a v3
request with the usual empty context is answered only from ``self.snmprec``.

Under ``CI=true`` an agent that cannot be started is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dcmaint_snmp.snapshot import Type, Value

SNMPSIM = "snmpsim==1.2.2"
COMPANIONS = ("pysmi>=1.5", "cryptography>=42")
START_TIMEOUT = 30.0
SYSTEM_PYTHON = Path("/usr/bin/python3")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"CI=true and the SNMP agent simulator is not available: {reason}")
    pytest.skip(reason)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _dropping_privileges() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def responder() -> Path:
    """snmpsim's command responder, installed on first use in a virtual environment ``nobody`` can read."""
    python = SYSTEM_PYTHON if _dropping_privileges() and SYSTEM_PYTHON.exists() else Path(sys.executable)
    home = Path(tempfile.gettempdir()) / f"dcmaint-snmpsim-{SNMPSIM.split('==')[1]}"
    command = home / "bin" / "snmpsim-command-responder"
    lock = Path(tempfile.gettempdir()) / "dcmaint-snmpsim.lock"
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if command.exists() and (home / ".complete").exists():
            return command
        shutil.rmtree(home, ignore_errors=True)
        made = subprocess.run([str(python), "-m", "venv", str(home)], capture_output=True, text=True, check=False)
        if made.returncode != 0:
            unavailable(f"cannot create a virtual environment for snmpsim: {made.stderr.strip()[-300:]}")
        installed = subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", SNMPSIM, *COMPANIONS],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            unavailable(f"cannot install {SNMPSIM}: {installed.stderr.strip()[-300:]}")
        for folder, _dirs, _files in os.walk(home):  # readable by the unprivileged user it drops to
            os.chmod(folder, 0o755)
        (home / ".complete").touch()
        return command


@dataclass(frozen=True)
class V3User:
    """An SNMPv3 user the simulator accepts (authPriv unless ``privacy`` is ``NONE``)."""

    name: str = "dcmaint"
    auth_key: str = "auth-passphrase-1"
    auth: str = "SHA"
    privacy_key: str = "priv-passphrase-1"
    privacy: str = "AES"


@dataclass
class SnmpAgent:
    """A running snmpsim process: one UDP endpoint, one data file per community (``self`` for SNMPv3)."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path
    communities: tuple[str, ...]
    v3: V3User | None = None
    log: Path = field(default_factory=Path)

    @property
    def endpoint(self) -> str:
        return f"snmp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_agent(data: Mapping[str, str], v3: V3User | None = None, v3_data: str | None = None) -> SnmpAgent:
    """Start snmpsim serving ``data`` (community -> ``.snmprec`` text) and, with ``v3``, ``v3_data`` to that user."""
    command = responder()
    folder = Path(tempfile.mkdtemp(prefix="dcmaint-snmpsim-"))
    os.chmod(folder, 0o755)
    records, cache = folder / "data", folder / "cache"
    records.mkdir(mode=0o755)
    cache.mkdir()
    os.chmod(cache, 0o777)
    files = dict(data)
    if v3 is not None:
        files["self"] = v3_data if v3_data is not None else next(iter(data.values()))
    for community, text in files.items():
        path = records / f"{community}.snmprec"
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o644)
    port = free_udp_port()
    log = folder / "snmpsim.log"
    args = [
        str(command),
        f"--cache-dir={cache}",
        f"--logging-method=file:{log}",
        "--log-level=error",
        # One engine: its options follow --v3-engine-id (snmpsim reads an engine's settings up to the next one).
        "--v3-engine-id=auto",
        f"--data-dir={records}",
        f"--agent-udpv4-endpoint=127.0.0.1:{port}",
    ]
    if v3 is not None:
        args += [
            f"--v3-user={v3.name}",
            f"--v3-auth-key={v3.auth_key}",
            f"--v3-auth-proto={v3.auth}",
            f"--v3-priv-key={v3.privacy_key}",
            f"--v3-priv-proto={v3.privacy}",
        ]
    if _dropping_privileges():
        args += ["--process-user=nobody", "--process-group=nogroup"]
        os.chown(folder, 0, 0)
        with contextlib.suppress(OSError):
            log.touch()
            os.chmod(log, 0o666)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    agent = SnmpAgent(process, port, folder, tuple(data), v3, log)
    try:
        _wait_ready(agent, next(iter(data)))
    except BaseException:
        agent.stop()
        raise
    return agent


def _wait_ready(agent: SnmpAgent, community: str) -> None:
    """Until the agent answers a GET of sysObjectID in the first community's data (or the process died)."""
    request = _get_request(community)
    deadline = time.monotonic() + START_TIMEOUT
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.3)
        while time.monotonic() < deadline:
            if agent.process.poll() is not None:
                error = agent.process.stderr.read().decode(errors="replace") if agent.process.stderr else ""
                unavailable(f"snmpsim exited with {agent.process.returncode}: {error.strip()[-500:]}")
            probe.sendto(request, ("127.0.0.1", agent.port))
            with contextlib.suppress(OSError):
                if probe.recv(65535):
                    return
    unavailable(f"snmpsim did not answer on UDP port {agent.port} within {START_TIMEOUT:g} s")


def _get_request(community: str) -> bytes:
    """A hand-encoded SNMPv2c GET of sysObjectID.0 (BER), so readiness needs no SNMP library."""

    def tlv(tag: int, body: bytes) -> bytes:
        length = len(body)
        encoded = bytes([length]) if length < 128 else bytes([0x81, length])
        return bytes([tag]) + encoded + body

    oid = tlv(0x06, bytes([0x2B, 6, 1, 2, 1, 1, 2, 0]))
    varbind = tlv(0x30, oid + tlv(0x05, b""))
    pdu = tlv(0xA0, tlv(0x02, b"\x01") + tlv(0x02, b"\x00") + tlv(0x02, b"\x00") + tlv(0x30, varbind))
    return tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, community.encode()) + pdu)


@contextlib.contextmanager
def running_agent(data: Mapping[str, str], v3: V3User | None = None, v3_data: str | None = None) -> Iterator[SnmpAgent]:
    agent = start_agent(data, v3, v3_data)
    try:
        yield agent
    finally:
        agent.stop()


#: One value of every SMI type at its limits (and text that is not ASCII), for tests that read an agent's
#: answers back exactly: the transport's own tests and the record/replay fidelity tests.
EVERY_SMI_TYPE: dict[str, Value] = {
    "1.3.6.1.2.1.1.1.0": Value(Type.OCTETS, "Test agent 测试".encode()),
    "1.3.6.1.2.1.1.2.0": Value(Type.OID, "1.3.6.1.4.1.8072.3.2.10"),
    "1.3.6.1.2.1.1.3.0": Value(Type.TIMETICKS, 4_294_967_295),
    "1.3.6.1.2.1.1.5.0": Value(Type.OCTETS, b"agent-1\x00\x00"),
    "1.3.6.1.4.1.99999.1.1.0": Value(Type.INTEGER, -2_147_483_648),
    "1.3.6.1.4.1.99999.1.2.0": Value(Type.COUNTER64, 18_446_744_073_709_551_615),
    "1.3.6.1.4.1.99999.1.3.0": Value(Type.IPADDRESS, bytes([10, 0, 0, 254])),
    "1.3.6.1.4.1.99999.1.4.0": Value(Type.GAUGE32, 4_294_967_295),
    "1.3.6.1.4.1.99999.1.5.0": Value(Type.COUNTER32, 0),
    "1.3.6.1.4.1.99999.1.6.0": Value(Type.OCTETS, bytes(range(256))),
}

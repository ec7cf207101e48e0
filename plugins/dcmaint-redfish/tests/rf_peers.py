"""Real peers for the driver's tests: the sushy-emulator process, and TLS material for a fake BMC over HTTPS.

sushy-emulator (PyPI sushy-tools) is an independent Redfish service: the
driver must read its standard tree, and its 404/501 answers for what it does
not offer (Memory, Processors, Volumes, sessions) must read as "not offered".
Under ``CI=true`` a peer that cannot start is a failure, never a skip: CI
must not go green without having talked to a real Redfish service.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SUSHY_SYSTEM = "27946b59-9e44-4fa7-8e91-f3527a1ef094"  # the fake driver's default system
SUSHY_DRIVES = {
    "32ADF365C6C1B7BD": ("Drive Sample", 899_527_000_000, "SAS"),
    "58CFF987G8J2V9KL": ("Drive 2", 1_920_383_000_000, "SATA"),
}
START_TIMEOUT = 20.0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"CI=true and the peer is not available: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SushyPeer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def endpoint(self) -> str:
        return f"redfish+http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _config(folder: Path) -> Path:
    drives = ", ".join(
        f'{{"Id": "{key}", "Name": "{name}", "CapacityBytes": {size}, "Protocol": "{protocol}"}}'
        for key, (name, size, protocol) in SUSHY_DRIVES.items()
    )
    text = f"""
SUSHY_EMULATOR_STATE_DIR = {str(folder / "state")!r}
SUSHY_EMULATOR_STORAGE = {{{SUSHY_SYSTEM!r}: [{{"Id": "1", "Name": "Local Storage Controller",
    "StorageControllers": [{{"MemberId": "0", "Name": "Contoso Integrated RAID", "SpeedGbps": 12}}],
    "Drives": {list(SUSHY_DRIVES)!r}}}]}}
SUSHY_EMULATOR_DRIVES = {{({SUSHY_SYSTEM!r}, "1"): [{drives}]}}
SUSHY_EMULATOR_VOLUMES = {{({SUSHY_SYSTEM!r}, "1"): [{{"libvirtPoolName": "pool", "libvirtVolName": "vol",
    "Id": "1", "Name": "Volume 1", "VolumeType": "Mirrored", "CapacityBytes": 23748}}]}}
"""
    path = folder / "emulator.conf"
    path.write_text(text, encoding="utf-8")
    return path


def start_sushy(folder: Path) -> SushyPeer:
    executable = shutil.which("sushy-emulator") or str(Path(sys.executable).parent / "sushy-emulator")
    if not Path(executable).exists():
        unavailable("sushy-emulator is not installed (pip install 'dcmaint-redfish[test]')")
    port = free_port()
    log = folder / "sushy.log"
    process = subprocess.Popen(
        [executable, "--fake", "-i", "127.0.0.1", "-p", str(port), "--config", str(_config(folder))],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    listening = _copy_output(process, log)
    peer = SushyPeer(process, port, log)
    if listening.wait(START_TIMEOUT) and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{peer.url}/redfish/v1/Systems", timeout=START_TIMEOUT) as answer:
                if answer.status == 200:
                    return peer
        except OSError:
            pass
    peer.stop()
    tail = log.read_text(encoding="utf-8", errors="replace")[-400:]
    unavailable(f"sushy-emulator did not start within {START_TIMEOUT:g} s: {tail}")
    raise AssertionError("unreachable")  # pragma: no cover


def _copy_output(process: subprocess.Popen[bytes], log: Path) -> threading.Event:
    """Copy the emulator's output to ``log`` in a thread; the event is set once it listens (or has exited).

    Flask's development server prints "Running on http://HOST:PORT" after
    binding its socket, so a request sent after that line is served.
    """
    listening = threading.Event()

    def copy() -> None:
        assert process.stdout is not None
        with log.open("wb") as output, process.stdout:
            for line in process.stdout:
                output.write(line)
                output.flush()
                if b"Running on http" in line:
                    listening.set()
        listening.set()  # the emulator has exited: nobody will listen

    threading.Thread(target=copy, name="sushy-output", daemon=True).start()
    return listening


@dataclass(frozen=True)
class TlsMaterial:
    certificate: Path  # PEM, self-signed, for 127.0.0.1 and localhost
    key: Path
    fingerprint: str  # SHA-256 of the DER certificate, AB:CD:...


def make_tls_material(folder: Path, *, for_ip: bool = True) -> TlsMaterial:
    """A self-signed certificate for 127.0.0.1 and localhost (``for_ip`` False: for bmc.example only)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        unavailable("the cryptography package is needed to make a test certificate")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-bmc")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                if for_ip
                else [x509.DNSName("bmc.example")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "bmc.pem", folder / "bmc.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return TlsMaterial(cert_path, key_path, ":".join(digest[i : i + 2] for i in range(0, 64, 2)))

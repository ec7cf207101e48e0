"""govmomi's vCenter simulator with dcmaint's faults: built from the harness shipped in this package, and run.

No Python package can play a vCenter (its SOAP API has some two thousand
types); govmomi's ``vcsim`` can, and Debian packages its sources. The harness
(``harness/main.go``, package data) is compiled once per harness and Go
version into the user's cache directory and reused by every later run; two
processes building at once each write their own file and rename it into
place. Without Go or govmomi, :class:`SimulatorUnavailable` says what to
install.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO

from dcmaint.errors import UsageError

#: Where Debian's golang-github-vmware-govmomi-dev puts the sources (a GOPATH tree).
DEBIAN_GOPATH = Path("/usr/share/gocode")
GOVMOMI = Path("src/github.com/vmware/govmomi/simulator")
INSTALL_HINT = "install Go and govmomi's sources (Debian: apt-get install golang-go golang-github-vmware-govmomi-dev)"
READY_SECONDS = 60.0


class SimulatorUnavailable(UsageError):
    """Go or govmomi is missing, or the harness did not build or start; the message says which and what to do."""


@dataclass(frozen=True)
class Inventory:
    """What to serve: a vCenter with clusters and standalone hosts, or one ESXi host, and the faults to set.

    ``faults`` are the harness's ``KIND=WHERE`` items (``psu=DC0_H0``, ``full=0``).
    """

    esx: bool = False
    datacenters: int = 1
    clusters: int = 1
    cluster_hosts: int = 3
    standalone: int = 1
    datastores: int = 1
    vms: int = 2
    username: str = "user"
    password: str = "pass"
    any_password: bool = False  # accept any user name with any non-empty password
    tls: bool = False
    delay_ms: int = 0
    listen: str = "127.0.0.1:0"
    faults: Sequence[str] = field(default=())
    slow_methods: Mapping[str, int] = field(default_factory=dict)  # SOAP method -> extra milliseconds per call

    def argv(self) -> list[str]:
        argv = [
            f"-listen={self.listen}",
            f"-datacenters={self.datacenters}",
            f"-clusters={self.clusters}",
            f"-cluster-hosts={self.cluster_hosts}",
            f"-standalone={self.standalone}",
            f"-datastores={self.datastores}",
            f"-vms={self.vms}",
            f"-username={self.username}",
            f"-password={self.password}",
            f"-delay={self.delay_ms}",
        ]
        argv += ["-esx"] if self.esx else []
        argv += ["-tls"] if self.tls else []
        argv += [f"-slow-method={method}={ms}" for method, ms in self.slow_methods.items()]
        argv += ["-any-password"] if self.any_password else []
        return argv + [f"-fault={fault}" for fault in self.faults]


@dataclass(frozen=True)
class Served:
    """The harness's ready line: its SOAP URL, the hosts and datastores by name, and its certificate (TLS)."""

    url: str
    kind: str
    hosts: tuple[str, ...]
    datastores: tuple[str, ...]
    fingerprint: str | None = None
    cert_file: str | None = None

    @property
    def address(self) -> str:
        """``host:port`` of the SOAP endpoint."""
        return self.url.split("://", 1)[1].split("/", 1)[0]

    def endpoint(self, host: str | None = None) -> str:
        """The dcmaint endpoint of the vCenter (or ESXi), or of one of its hosts: ``vsphere+http://127.0.0.1:PORT/``."""
        from dcmaint_vsphere.endpoints import host_endpoint

        scheme = "vsphere" if self.url.startswith("https:") else "vsphere+http"
        base = f"{scheme}://{self.address}/"
        return base if host is None else host_endpoint(base, host)


def _gopath() -> Path | None:
    candidates = [Path(path) for path in os.environ.get("GOPATH", "").split(os.pathsep) if path]
    candidates += [DEBIAN_GOPATH, Path.home() / "go"]
    return next((path for path in candidates if (path / GOVMOMI).is_dir()), None)


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dcmaint" / "vcsim"


def _source() -> bytes:
    return resources.files("dcmaint_vsphere.sim").joinpath("harness", "main.go").read_bytes()


def requirements() -> tuple[str, Path]:
    """Go and the GOPATH holding govmomi's sources; SimulatorUnavailable says which is missing. Cheap."""
    go = shutil.which("go")
    gopath = _gopath()
    if go is None or gopath is None:
        missing = "Go" if go is None else "govmomi's sources"
        raise SimulatorUnavailable(f"the vSphere simulator needs {missing}: {INSTALL_HINT}")
    return go, gopath


def build(cache: Path | None = None) -> Path:
    """The compiled harness, built on first use (about 30 s) into ``cache`` (default: the user's cache)."""
    go, gopath = requirements()
    source = _source()
    version = subprocess.run([go, "version"], capture_output=True, text=True, check=False).stdout.strip()
    digest = hashlib.sha256(source + version.encode() + str(gopath).encode()).hexdigest()[:16]
    root = cache or _cache_root()
    binary = root / f"vcsim-dcmaint-{digest}"
    if binary.exists():
        return binary
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vcsim-build-", dir=root) as work:
        (Path(work) / "main.go").write_bytes(source)
        output = Path(work) / "vcsim-dcmaint"
        env = {
            **os.environ,
            "GOPATH": str(gopath),
            "GO111MODULE": "off",
            "GOCACHE": str(root / "go-build"),
            "GOFLAGS": "",
        }
        done = subprocess.run(
            [go, "build", "-o", str(output), "."], cwd=work, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise SimulatorUnavailable(f"the vSphere simulator did not build ({detail}); {INSTALL_HINT}")
        os.replace(output, binary)
    return binary


class Harness:
    """One running harness process; :meth:`stop` (or leaving :func:`serving`) ends it by closing its stdin."""

    def __init__(self, process: subprocess.Popen[str], served: Served) -> None:
        self.process = process
        self.served = served

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def _ready_line(process: subprocess.Popen[str], stdout: IO[str], errors: IO[str]) -> Served:
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        if not selector.select(READY_SECONDS):
            process.kill()
            raise SimulatorUnavailable(f"the vSphere simulator did not start within {READY_SECONDS:g} s")
    line = stdout.readline()
    if not line:
        process.wait()
        errors.seek(0)
        stderr = " ".join(errors.read().split())
        raise SimulatorUnavailable(f"the vSphere simulator stopped: {stderr or 'no output'}")
    data = json.loads(line)
    return Served(
        url=data["url"],
        kind=data["kind"],
        hosts=tuple(data["hosts"]),
        datastores=tuple(data["datastores"]),
        fingerprint=data.get("fingerprint"),
        cert_file=data.get("cert_file"),
    )


def start(inventory: Inventory, binary: Path | None = None) -> Harness:
    """Start a harness serving ``inventory``; returns once it listens. SimulatorUnavailable when it cannot."""
    program = binary or build()
    # stderr goes to a file, not a pipe: nobody reads it while the harness serves, and a full pipe would block it.
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            [str(program), *inventory.argv()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        return _started(process, errors)


def _started(process: subprocess.Popen[str], errors: IO[str]) -> Harness:
    assert process.stdout is not None
    try:
        return Harness(process, _ready_line(process, process.stdout, errors))
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait()
        raise


@contextmanager
def serving(inventory: Inventory, binary: Path | None = None) -> Iterator[Served]:
    """Serve ``inventory`` for the ``with`` block."""
    harness = start(inventory, binary)
    try:
        yield harness.served
    finally:
        harness.stop()

"""The real vCenter of the tests: govmomi's simulator with dcmaint's faults (``dcmaint_vsphere.sim.vcsim``).

The harness is built once per machine into the user's cache (about 20 s the
first time); each test starts its own server (a few milliseconds) with the
inventory and faults it needs. Under ``CI=true`` a simulator that cannot be
built or started is a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dcmaint.drivers import Target, TlsSettings
from dcmaint.secrets import Secret
from dcmaint_vsphere.sim.vcsim import Inventory, Served, SimulatorUnavailable, build, serving

USER, PASSWORD = "monitor", "vc-s3cret-pw"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def harness() -> Path:
    """The compiled harness; fails under CI and skips elsewhere when it cannot be built."""
    try:
        return build()
    except SimulatorUnavailable as error:
        if in_ci():
            pytest.fail(f"CI=true and the vCenter simulator is not available: {error}")
        pytest.skip(str(error))


@contextmanager
def vcenter(**inventory: Any) -> Iterator[Served]:
    """A running simulator serving ``Inventory(**inventory)``, logging in as USER/PASSWORD."""
    inventory = {"username": USER, "password": PASSWORD, **inventory}
    with serving(Inventory(**inventory), harness()) as served:
        yield served


def target(
    served: Served,
    host: str | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    timeout: float = 20.0,
    tls: TlsSettings | None = None,
    options: dict[str, str] | None = None,
) -> Target:
    """The target of one of ``served``'s hosts (or of the vCenter itself, ``host`` None)."""
    return Target(
        name or host or "vcenter",
        "hypervisor",
        served.endpoint(host),
        username=USER,
        credential=Secret(password),
        timeout=timeout,
        tls=tls or TlsSettings(),
        options=options or {},
    )


def sessions(served: Served) -> list[str]:
    """The users of the sessions the server holds now, our own look excluded."""
    from pyVim.connect import Disconnect, SmartConnect

    protocol, address = served.url.split("://", 1)
    host, port = address.split("/", 1)[0].rsplit(":", 1)
    service = SmartConnect(
        protocol=protocol, host=host, port=int(port), user=USER, pwd=PASSWORD, disableSslCertValidation=True
    )
    try:
        manager = service.content.sessionManager
        own = manager.currentSession.key
        return [session.userName for session in manager.sessionList or () if session.key != own]
    finally:
        Disconnect(service)

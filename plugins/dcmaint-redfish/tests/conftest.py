"""Fixtures of the Redfish driver's tests: fake BMCs over resource maps, TLS material, the sushy-emulator peer.

The helper modules beside this file are prefixed ``rf_`` and put on
``sys.path`` here, because the suite runs with ``--import-mode=importlib``
(no rootdir on the path) next to other plugins' tests.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rf_fakebmc import FakeBmc
from rf_peers import SushyPeer, TlsMaterial, make_tls_material, start_sushy


@pytest.fixture
def fake_bmc() -> Iterator[Callable[..., FakeBmc]]:
    """``fake_bmc(resources, **options)``: a started :class:`FakeBmc`, stopped after the test."""
    started: list[FakeBmc] = []

    def start(resources: Any, **options: Any) -> FakeBmc:
        bmc = FakeBmc(resources, **options).start()
        started.append(bmc)
        return bmc

    yield start
    for bmc in started:
        bmc.stop()


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    """A self-signed certificate for 127.0.0.1, its key, and its SHA-256 fingerprint."""
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def sushy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SushyPeer]:
    """sushy-tools' emulator with a storage subsystem and two drives; a failure to start fails under CI=true."""
    peer = start_sushy(tmp_path_factory.mktemp("sushy"))
    try:
        yield peer
    finally:
        peer.stop()

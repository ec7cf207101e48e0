"""Simulated Redfish BMCs: ``dcmaint sim redfish`` and the in-process helpers tests use.

Usage from a test::

    from dcmaint.drivers.simulators import SimulatorOptions
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=3, faults="bmc2:psu:2=critical")) as sim:
        url = sim.endpoints[1].url          # http://127.0.0.1:PORT
        ...                                 # poll it
        assert sim.sessions("bmc2") == 0    # no session left behind

Async code uses ``handle = await start(options)`` and ``await handle.close()``.
The names below are imported lazily: importing this package does not load
aiohttp.
"""

from __future__ import annotations

from typing import Any

from dcmaint_redfish.sim.simulator import RedfishSimulator

_LAZY = {
    "start": "server",
    "running": "server",
    "SimulatorHandle": "server",
    "plan": "server",
    "SimulatedBmc": "bmc",
    "TreeView": "view",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dcmaint_redfish.sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"dcmaint_redfish.sim.{module}"), name)


__all__ = ["RedfishSimulator", "SimulatedBmc", "SimulatorHandle", "TreeView", "plan", "running", "start"]

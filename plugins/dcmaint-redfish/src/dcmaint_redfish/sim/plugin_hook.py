"""The plugin's simulator hook, kept apart from the driver hook in ``dcmaint_redfish/__init__.py``.

``dcmaint_redfish/__init__.py`` re-exports ``dcmaint_register_simulators``
from here, so pluggy finds it on the plugin module; importing this costs
nothing beyond the simulator class (no aiohttp).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl


@hookimpl
def dcmaint_register_simulators(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint the Redfish BMC simulator (``dcmaint sim redfish``)."""
    from dcmaint_redfish.sim.simulator import RedfishSimulator

    register(RedfishSimulator)

"""The plugin's simulator hook, kept apart from the driver hook; importing it costs nothing beyond the class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl


@hookimpl
def dcmaint_register_simulators(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint govmomi's vCenter simulator (``dcmaint sim vsphere``)."""
    from dcmaint_vsphere.sim.simulator import VsphereSimulator

    register(VsphereSimulator)

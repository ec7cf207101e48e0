"""dcmaint driver plugin for VMware vSphere: ESXi hosts' hardware faults, alarms and datastores from vCenter.

Registered through the ``dcmaint.drivers`` entry point. This module stays
cheap to import (``dcmaint plugin list`` imports every plugin): pyVmomi is
imported only when a poll starts. The simulator's hook (``dcmaint sim vsphere``)
lives in :mod:`dcmaint_vsphere.sim.plugin_hook` and is re-exported here so
that pluggy finds both hooks on the plugin module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl
from dcmaint_vsphere.sim.plugin_hook import dcmaint_register_simulators

__version__ = "0.1.0"
__all__ = ["dcmaint_register_drivers", "dcmaint_register_simulators"]


@hookimpl
def dcmaint_register_drivers(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint the vSphere driver class."""
    from dcmaint_vsphere.driver import VsphereDriver

    register(VsphereDriver)

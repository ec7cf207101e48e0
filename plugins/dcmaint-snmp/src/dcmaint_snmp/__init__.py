"""dcmaint driver plugin for machine-room equipment that speaks SNMP: UPSes, precision air conditioners,
network switches and storage arrays.

Registered through the ``dcmaint.drivers`` entry point. This module stays
cheap to import (``dcmaint plugin list`` imports every plugin): pysnmp is
imported only when a poll starts. The simulator's hook (``dcmaint sim snmp``)
lives in :mod:`dcmaint_snmp.sim.plugin_hook` and is re-exported here so
that pluggy finds both hooks on the plugin module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl
from dcmaint_snmp.sim.plugin_hook import dcmaint_register_simulators

__version__ = "0.1.0"
__all__ = ["dcmaint_register_drivers", "dcmaint_register_simulators"]


@hookimpl
def dcmaint_register_drivers(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint the SNMP driver class."""
    from dcmaint_snmp.driver import SnmpDriver

    register(SnmpDriver)

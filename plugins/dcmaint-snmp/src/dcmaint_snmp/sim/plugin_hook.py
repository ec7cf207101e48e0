"""The plugin's simulator hook, kept apart from the driver hook; importing it costs nothing beyond the class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl


@hookimpl
def dcmaint_register_simulators(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint the SNMP agent simulator (``dcmaint sim snmp``)."""
    from dcmaint_snmp.sim.simulator import SnmpSimulator

    register(SnmpSimulator)

"""dcmaint driver plugin for servers with a Redfish BMC.

Registered through the ``dcmaint.drivers`` entry point. This module stays
cheap to import (``dcmaint plugin list`` imports every plugin): aiohttp is
imported only when a poll starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmaint.drivers import hookimpl

__version__ = "0.1.0"


@hookimpl
def dcmaint_register_drivers(register: Callable[[type[Any]], None]) -> None:
    """Hand dcmaint the Redfish driver class."""
    from dcmaint_redfish.driver import RedfishDriver

    register(RedfishDriver)

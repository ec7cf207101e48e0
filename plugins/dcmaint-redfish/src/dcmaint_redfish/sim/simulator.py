"""The Redfish simulator as ``dcmaint sim redfish`` sees it.

Importing this module is cheap (the plugin's hook imports it while
``dcmaint sim`` lists simulators): aiohttp and the trees are loaded inside
``check`` and ``serve``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from dcmaint.drivers.simulators import Ready, SimulatedEndpoint, Simulator, SimulatorOptions

if TYPE_CHECKING:
    from dcmaint.drivers.sim_demo import DemoFleet


class RedfishSimulator(Simulator):
    name = "redfish"
    description = "Redfish BMCs (generic DMTF tree and recorded vendor trees) with sessions, faults and latency"

    def flavours(self) -> tuple[str, ...]:
        from dcmaint_redfish.sim import flavours

        return flavours.names()

    def check(self, options: SimulatorOptions) -> None:
        from dcmaint_redfish.sim.server import plan

        plan(options)

    async def serve(self, options: SimulatorOptions, ready: Ready) -> None:
        from dcmaint_redfish.sim.server import start

        handle = await start(options)
        try:
            ready(handle.endpoints)
            await asyncio.Event().wait()
        finally:
            await handle.close()

    def demo(self) -> DemoFleet:
        """Six servers of a bank's machine room with four broken parts (:mod:`dcmaint_redfish.sim.demo`)."""
        from dcmaint_redfish.sim import demo

        return demo.fleet()

    def replace_part(self, endpoint: SimulatedEndpoint, part: str, serial: str) -> None:
        """``POST /sim/replace`` on the simulated BMC (docs/sim.md, "Replacing a part")."""
        from dcmaint_redfish.sim import demo

        demo.replace_part(endpoint, part, serial)

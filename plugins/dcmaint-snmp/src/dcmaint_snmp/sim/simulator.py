"""The SNMP agent simulator as ``dcmaint sim snmp`` sees it.

Importing this module is cheap (the plugin's hook imports it while ``dcmaint sim`` lists simulators): the
profiles' samples are built inside ``check`` and ``serve``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from dcmaint.drivers.simulators import Ready, Simulator, SimulatorOptions

if TYPE_CHECKING:
    from dcmaint.drivers.sim_demo import DemoFleet


class SnmpSimulator(Simulator):
    name = "snmp"
    description = "SNMP v2c agents of UPSes, precision air conditioners, switches and storage arrays, with faults"

    def flavours(self) -> tuple[str, ...]:
        from dcmaint_snmp.sim.server import flavours

        return flavours()

    def check(self, options: SimulatorOptions) -> None:
        from dcmaint_snmp.sim.server import plan

        plan(options)

    async def serve(self, options: SimulatorOptions, ready: Ready) -> None:
        from dcmaint_snmp.sim.server import start

        handle = await start(options)
        try:
            ready(handle.endpoints)
            await asyncio.Event().wait()
        finally:
            await handle.close()

    def demo(self) -> DemoFleet:
        """A UPS on battery and a precision air conditioner with a clogged filter (:mod:`dcmaint_snmp.sim.demo`)."""
        from dcmaint_snmp.sim import demo

        return demo.fleet()

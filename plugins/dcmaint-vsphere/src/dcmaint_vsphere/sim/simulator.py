"""govmomi's vCenter simulator as ``dcmaint sim vsphere`` sees it: one vCenter and ``--hosts`` ESXi hosts.

Importing this module is cheap (the plugin's hook imports it while ``dcmaint sim`` lists simulators): the
harness is looked for in ``check``, built and started in ``serve``, in worker threads, so that the event
loop stays free. Cancelling ``serve`` closes the harness's stdin, and it exits.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from dcmaint.drivers.simulators import Ready, Simulator, SimulatorOptions

if TYPE_CHECKING:
    from dcmaint.drivers.sim_demo import DemoFleet


class VsphereSimulator(Simulator):
    name = "vsphere"
    description = "a vCenter and its ESXi hosts (govmomi's vcsim; needs Go), with hardware and datastore faults"

    def flavours(self) -> tuple[str, ...]:
        from dcmaint_vsphere.sim.plan import CENTER_FLAVOUR, FLAVOURS

        return (CENTER_FLAVOUR, *FLAVOURS)

    def endpoint_count(self, options: SimulatorOptions) -> int:
        """The vCenter and its ``count`` hosts."""
        return options.count + 1

    def check(self, options: SimulatorOptions) -> None:
        from dcmaint_vsphere.sim import plan, vcsim

        plan.check(options)
        vcsim.requirements()

    async def serve(self, options: SimulatorOptions, ready: Ready) -> None:
        from dcmaint_vsphere.sim import plan, vcsim

        inventory = plan.inventory(options)
        binary = await asyncio.to_thread(vcsim.build)
        # Cancelled while starting, the harness still ends: its stdin closes when this process exits.
        harness = await asyncio.to_thread(vcsim.start, inventory, binary)
        try:
            ready(plan.endpoints(options, harness.served))
            code = await asyncio.to_thread(harness.process.wait)
            raise vcsim.SimulatorUnavailable(f"the vSphere simulator stopped (exit code {code})")
        finally:
            await asyncio.to_thread(harness.stop)

    def demo(self) -> DemoFleet:
        """A vCenter and three ESXi hosts, one with a failed DIMM (:mod:`dcmaint_vsphere.sim.demo`)."""
        from dcmaint_vsphere.sim import demo

        return demo.fleet()

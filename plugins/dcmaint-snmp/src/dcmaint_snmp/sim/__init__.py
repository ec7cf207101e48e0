"""``dcmaint sim snmp``: simulated SNMP agents (UPS, CRAC, switch, array) for the demo, tests and benchmarks.

Serve a fleet from a background thread with :func:`dcmaint_snmp.sim.server.running`; the simulator class
for ``dcmaint sim`` is :class:`dcmaint_snmp.sim.simulator.SnmpSimulator`.
"""

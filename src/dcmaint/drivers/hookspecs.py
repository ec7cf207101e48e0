"""The hooks a dcmaint plugin may implement.

A plugin is a module (or object) named by an entry point in the group
``dcmaint.drivers``; it implements hooks by decorating functions with
:data:`hookimpl`. The set is deliberately small: a plugin contributes driver
classes (and, optionally, simulators of its devices), and everything else
(polling, storing, printing) is the core's job.
The core calls hooks only through :class:`dcmaint.drivers.manager.DriverManager`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from dcmaint.drivers.base import Driver
    from dcmaint.drivers.simulators import Simulator

PROJECT = "dcmaint"
ENTRY_POINT_GROUP = "dcmaint.drivers"

hookspec = pluggy.HookspecMarker(PROJECT)
#: Decorate a plugin's hook functions with this, e.g. ``@hookimpl def dcmaint_register_drivers(register): ...``
hookimpl = pluggy.HookimplMarker(PROJECT)

#: What ``register`` accepts: a driver class (not an instance).
Register = Callable[["type[Driver]"], None]


@hookspec
def dcmaint_register_drivers(register: Register) -> None:
    """Hand the core the driver classes this plugin provides.

    Called once per plugin, right after the plugin is loaded and before any
    command uses a driver; ``dcmaint plugin list`` shows what it registered.
    Call ``register`` once per driver class. If this hook raises, none of
    the plugin's drivers are used and the plugin is reported as failed (an
    error under strict plugin loading). A driver whose ``name`` another
    plugin already registered is refused with a warning; a URL scheme (in
    its ``schemes``) that an earlier driver declared is refused for it with a
    warning naming both, and the driver is used without that scheme.

    A driver class declares ``name``, ``version``, ``kinds`` and optionally
    ``schemes``, and implements ``poll`` (one device per call) or
    ``poll_batch`` (every device behind one endpoint per call, grouped by its
    ``batch_key``), or both: see :class:`dcmaint.drivers.base.Driver`.

    :param register: call it with each driver class (a subclass of
        :class:`dcmaint.drivers.base.Driver`)

    Example::

        @hookimpl
        def dcmaint_register_drivers(register):
            register(AcmeUpsDriver)

    .. versionadded:: 0.1.0
    """


#: What the simulator hook's ``register`` accepts: a simulator class (not an instance).
RegisterSimulator = Callable[["type[Simulator]"], None]


@hookspec
def dcmaint_register_simulators(register: RegisterSimulator) -> None:
    """Hand the core the device simulators this plugin provides (for ``dcmaint sim NAME``).

    Called once per plugin, the first time a command asks for simulators
    (``dcmaint sim``, ``dcmaint demo``), never when only drivers are used, so
    that a plugin's simulator costs nothing to polling. Call ``register``
    once per simulator class. If this hook raises, the plugin's simulators
    are skipped with a warning and its drivers are unaffected. A simulator
    whose ``name`` another plugin already registered is refused with a
    warning.

    :param register: call it with each simulator class (a subclass of
        :class:`dcmaint.drivers.simulators.Simulator`)

    Example::

        @hookimpl
        def dcmaint_register_simulators(register):
            register(AcmeUpsSimulator)

    .. versionadded:: 0.1.0
    """

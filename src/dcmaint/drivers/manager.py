"""Finding, loading and checking driver plugins.

Each entry point of the group ``dcmaint.drivers`` is loaded by us, one at a
time, in a daemon thread with a deadline, so that a plugin that fails to
import, raises in its hook, or hangs on import is named in one warning and
skipped while every other plugin works (pluggy's
``load_setuptools_entrypoints`` would let the first broken plugin stop the
program). Under strict loading the first such failure is an error instead.

The core asks this class, never ``pm.hook``, for anything a plugin provides:
one typed method per hook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING

import pluggy

from dcmaint.config import PluginSettings
from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import hookspecs
from dcmaint.drivers.base import Driver
from dcmaint.drivers.catalog import IN_PROCESS, DriverInfo, Origin, PluginFailure
from dcmaint.drivers.declaration import declaration_problem
from dcmaint.drivers.errors import PluginLoadError, UnknownDriver, UnknownScheme, describe
from dcmaint.drivers.threads import call_with_timeout
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import Simulator

DEFAULT_LOAD_TIMEOUT = 10.0
#: Where a plugin's problem leaves its other drivers in use (a warning without "skipped").
_PARTIAL_STAGES = ("driver", "duplicate", "scheme", "simulator")

__all__ = ["DEFAULT_LOAD_TIMEOUT", "DriverManager", "declaration_problem", "describe"]

log = logging.getLogger("dcmaint.drivers")


class DriverManager:
    """The drivers this process can use.

    :param settings: allow-list, deny-list and strictness (``config.plugins``)
    :param entry_points: True to discover installed plugins, False for none
        (tests: only what is registered in-process), or the entry points to use
    :param load_timeout: seconds one plugin's import, or its hook, may take
    :param warn: receives each one-line warning; defaults to the ``dcmaint.drivers`` logger
    """

    def __init__(
        self,
        settings: PluginSettings | None = None,
        *,
        entry_points: bool | Iterable[EntryPoint] = True,
        load_timeout: float = DEFAULT_LOAD_TIMEOUT,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._settings = settings or PluginSettings()
        self._entry_points = entry_points
        self._load_timeout = load_timeout
        self._warn = warn or log.warning
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._drivers: dict[str, DriverInfo] = {}
        self._schemes: dict[str, str] = {}  # URL scheme -> the driver that declared it first
        self._failures: list[PluginFailure] = []
        self._loaded = False
        self._plugins: list[tuple[object, Origin]] = []  # registered plugins, asked for simulators on demand
        self._simulators: dict[str, tuple[type[Simulator], Origin]] | None = None

    # -- discovery -------------------------------------------------------

    def load(self) -> DriverManager:
        """Load the installed plugins once; later calls do nothing. Returns self."""
        if self._loaded:
            return self
        self._loaded = True
        for entry_point in self._discover():
            origin = Origin.of(entry_point)
            if self._wanted(origin):
                self._load_entry_point(entry_point, origin)
            else:
                log.info("plugin %s (%s) not loaded: excluded by the plugin settings", origin.plugin, origin.label)
        return self

    def _discover(self) -> list[EntryPoint]:
        if self._entry_points is False:
            return []
        if self._entry_points is True:
            from importlib.metadata import entry_points

            found: Iterable[EntryPoint] = entry_points(group=hookspecs.ENTRY_POINT_GROUP)
        else:
            found = self._entry_points
        return sorted(found, key=lambda ep: (ep.name, Origin.of(ep).package))

    def _wanted(self, origin: Origin) -> bool:
        names = {origin.plugin, origin.package}
        if self._settings.load is not None and not names & set(self._settings.load):
            return False
        return not names & set(self._settings.disable)

    def _load_entry_point(self, entry_point: EntryPoint, origin: Origin) -> None:
        try:
            plugin = call_with_timeout(entry_point.load, self._load_timeout, name=f"dcmaint-load-{origin.plugin}")
        except TimeoutError:
            self._fail(
                origin, "timeout", _("import did not finish within {seconds:g} s").format(seconds=self._load_timeout)
            )
            return
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a plugin's import may raise anything
            self._fail(origin, "import", describe(error))
            return
        self._add_plugin(plugin, origin)

    # -- in-process registration (tests, embedding) -----------------------

    def register_plugin(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin object or module directly, as if installed; not subject to allow/deny lists."""
        plugin_name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        self._add_plugin(plugin, Origin(plugin_name, IN_PROCESS, None))

    def register_driver(self, driver_class: type[Driver]) -> None:
        """Register one driver class directly (tests, embedding)."""
        self._accept(driver_class, Origin(getattr(driver_class, "__module__", IN_PROCESS), IN_PROCESS, None))

    # -- hooks: one typed method each -------------------------------------

    def call_register_drivers(self, plugin: object) -> list[type[Driver]]:
        """Run ``plugin``'s ``dcmaint_register_drivers`` and return the classes it registered."""
        collected: list[type[Driver]] = []
        others = [other for other in self._pm.get_plugins() if other is not plugin]
        caller = self._pm.subset_hook_caller("dcmaint_register_drivers", remove_plugins=others)
        caller(register=collected.append)
        return collected

    def call_register_simulators(self, plugin: object) -> list[type[Simulator]]:
        """Run ``plugin``'s ``dcmaint_register_simulators`` and return the classes it registered."""
        collected: list[type[Simulator]] = []
        others = [other for other in self._pm.get_plugins() if other is not plugin]
        self._pm.subset_hook_caller("dcmaint_register_simulators", remove_plugins=others)(register=collected.append)
        return collected

    # -- what the core asks -------------------------------------------------

    def drivers(self) -> tuple[DriverInfo, ...]:
        """Every usable driver, sorted by name."""
        self.load()
        return tuple(self._drivers[name] for name in sorted(self._drivers))

    def failures(self) -> tuple[PluginFailure, ...]:
        """Every plugin or driver that was skipped, in the order it happened."""
        self.load()
        return tuple(self._failures)

    def get(self, name: str) -> DriverInfo:
        """The driver called ``name``; UnknownDriver (a usage error) naming the known ones otherwise."""
        self.load()
        try:
            return self._drivers[name]
        except KeyError:
            known = ", ".join(sorted(self._drivers)) or _("none installed")
            raise UnknownDriver(
                _("unknown driver {name!r} (known drivers: {known})").format(name=name, known=known)
            ) from None

    def for_scheme(self, scheme: str) -> DriverInfo:
        """The driver that declared URL ``scheme`` (any case); UnknownScheme (a usage error) listing the known ones."""
        self.load()
        name = self._schemes.get(scheme.lower())
        if name is None:
            raise UnknownScheme(
                _("no installed driver serves URL scheme {scheme!r} (known schemes: {known})").format(
                    scheme=scheme, known=self.schemes_text()
                )
            )
        return self._drivers[name]

    def schemes_text(self) -> str:
        """The declared URL schemes for a message: ``http, https, redfish`` or "none installed"."""
        self.load()
        return ", ".join(sorted(self._schemes)) or _("none installed")

    def for_kind(self, kind: DeviceKind | str) -> tuple[DriverInfo, ...]:
        """Drivers that declare they serve ``kind``."""
        wanted = DeviceKind(kind)
        return tuple(info for info in self.drivers() if wanted in info.kinds)

    def simulators(self) -> tuple[type[Simulator], ...]:
        """Every usable simulator class, sorted by name; plugins are asked the first time (never for polling)."""
        self.load()
        if self._simulators is None:
            self._simulators = {}
            for plugin, origin in self._plugins:
                self._collect_simulators(plugin, origin)
        return tuple(self._simulators[name][0] for name in sorted(self._simulators))

    def get_simulator(self, name: str) -> type[Simulator]:
        """The simulator called ``name``; UnknownSimulator (a usage error) naming the known ones otherwise."""
        from dcmaint.drivers.simulators import UnknownSimulator

        known = {simulator.name: simulator for simulator in self.simulators()}
        if name not in known:
            raise UnknownSimulator(
                _("unknown simulator {name!r} (known simulators: {known})").format(
                    name=name, known=", ".join(sorted(known)) or _("none installed")
                )
            )
        return known[name]

    # -- internals --------------------------------------------------------

    def _collect_simulators(self, plugin: object, origin: Origin) -> None:
        from dcmaint.drivers.simulators import accept

        assert self._simulators is not None
        try:
            classes = call_with_timeout(
                lambda: self.call_register_simulators(plugin),
                self._load_timeout,
                name=f"dcmaint-sim-hook-{origin.plugin}",
            )
            problems = accept(classes, origin, self._simulators)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a plugin's simulator hook; its drivers stay usable
            problems = [describe(error)]
        for problem in problems:
            self._fail(origin, "simulator", problem)

    def _add_plugin(self, plugin: object, origin: Origin) -> None:
        try:
            self._pm.register(plugin, name=origin.plugin)
            self._pm.check_pending()
        except Exception as error:  # noqa: BLE001 - pluggy validation errors, name clashes
            self._unregister(plugin)
            self._fail(origin, "register", describe(error))
            return
        try:
            classes = call_with_timeout(
                lambda: self.call_register_drivers(plugin), self._load_timeout, name=f"dcmaint-hook-{origin.plugin}"
            )
        except TimeoutError:
            self._unregister(plugin)
            self._fail(
                origin,
                "timeout",
                _("dcmaint_register_drivers did not return within {seconds:g} s").format(seconds=self._load_timeout),
            )
            return
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a plugin's hook is plugin code
            self._unregister(plugin)
            self._fail(origin, "hook", describe(error))
            return
        self._plugins.append((plugin, origin))
        for driver_class in classes:
            self._accept(driver_class, origin)

    def _unregister(self, plugin: object) -> None:
        if self._pm.is_registered(plugin):
            self._pm.unregister(plugin)

    def _accept(self, driver_class: object, origin: Origin) -> None:
        problem = declaration_problem(driver_class)
        if problem is not None:
            self._fail(origin, "driver", problem)
            return
        assert isinstance(driver_class, type) and issubclass(driver_class, Driver)
        earlier = self._drivers.get(driver_class.name)
        if earlier is not None:
            self._fail(
                origin,
                "duplicate",
                _("driver {name!r} refused: {earlier} already provides it").format(
                    name=driver_class.name, earlier=earlier.origin.label
                ),
            )
            return
        self._drivers[driver_class.name] = DriverInfo(
            name=driver_class.name,
            version=driver_class.version,
            kinds=tuple(DeviceKind(kind) for kind in driver_class.kinds),
            capabilities=driver_class.capabilities(),
            origin=origin,
            driver_class=driver_class,
            schemes=self._claim_schemes(driver_class, origin),
        )

    def _claim_schemes(self, driver_class: type[Driver], origin: Origin) -> tuple[str, ...]:
        """The schemes ``driver_class`` gets: each one no earlier driver declared; a warning per refused one."""
        claimed = []
        for scheme in driver_class.schemes:
            earlier = self._schemes.get(scheme)
            if earlier is None:
                self._schemes[scheme] = driver_class.name
                claimed.append(scheme)
                continue
            self._fail(
                origin,
                "scheme",
                _(
                    "driver {name!r} refused URL scheme {scheme!r}: driver {earlier!r} ({package}) already serves it"
                ).format(
                    name=driver_class.name, scheme=scheme, earlier=earlier, package=self._drivers[earlier].origin.label
                ),
            )
        return tuple(claimed)

    def _fail(self, origin: Origin, stage: str, error: str) -> None:
        failure = PluginFailure(origin, stage, error)
        self._failures.append(failure)
        values = {"plugin": origin.plugin, "package": origin.label, "error": error}
        if self._settings.strict:
            raise PluginLoadError(
                _("plugin {plugin!r} ({package}) cannot be used: {error} (strict plugin loading is on)").format(
                    **values
                )
            )
        if stage in _PARTIAL_STAGES:
            self._warn(_("plugin {plugin!r} ({package}): {error}").format(**values))
        else:
            self._warn(_("plugin {plugin!r} ({package}) skipped: {error}").format(**values))

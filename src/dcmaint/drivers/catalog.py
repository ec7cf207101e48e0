"""What the manager knows about each loaded driver and each plugin that failed.

These are the records ``dcmaint plugin list`` prints; their ``as_json`` keys
are a public contract documented in docs/plugins.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Record

if TYPE_CHECKING:
    from importlib.metadata import Distribution, EntryPoint

    from dcmaint.drivers.base import Driver

IN_PROCESS = "in-process"


@dataclass(frozen=True)
class Origin:
    """Where a plugin came from: its entry-point name and the distribution that declares it.

    >>> Origin("acme", "dcmaint-acme", "1.2.0").label
    'dcmaint-acme 1.2.0'
    >>> Origin("tests", IN_PROCESS, None).label
    'in-process'
    """

    plugin: str
    package: str
    package_version: str | None

    @property
    def label(self) -> str:
        return f"{self.package} {self.package_version}" if self.package_version else self.package

    @classmethod
    def of(cls, entry_point: EntryPoint) -> Origin:
        """The origin of an installed entry point (its module, when no distribution declares it)."""
        dist: Distribution | None = getattr(entry_point, "dist", None)
        if dist is None:
            return cls(entry_point.name, entry_point.module, None)
        return cls(entry_point.name, dist.name, dist.version)


@dataclass(frozen=True)
class DriverInfo(Record):
    """One usable driver: its declaration, its origin and its class."""

    name: str
    version: str
    kinds: tuple[DeviceKind, ...]
    capabilities: tuple[str, ...]
    origin: Origin
    driver_class: type[Driver]
    #: The URL schemes it serves: those it declared that no earlier driver had declared.
    schemes: tuple[str, ...] = ()

    @property
    def features(self) -> tuple[str, ...]:
        """What its reports carry beyond health, as the class declares it (held honest by the conformance kit)."""
        return tuple(self.driver_class.features)

    def create(self) -> Driver:
        """A fresh instance for one run."""
        return self.driver_class()

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kinds": [kind.value for kind in self.kinds],
            "capabilities": list(self.capabilities),
            "plugin": self.origin.plugin,
            "package": self.origin.package,
            "package_version": self.origin.package_version,
            "class": f"{self.driver_class.__module__}.{self.driver_class.__qualname__}",
            "schemes": list(self.schemes),
            "features": list(self.features),
        }


@dataclass(frozen=True)
class PluginFailure(Record):
    """A plugin, or one driver of it, that was skipped, and why.

    ``stage`` says where it failed: ``import`` (the module raised),
    ``timeout`` (its import or hook did not finish in time), ``register``
    (pluggy refused its hooks), ``hook`` (``dcmaint_register_drivers``
    raised), ``driver`` (it registered something that is not a valid driver),
    ``duplicate`` (the driver name is taken by an earlier plugin), ``scheme``
    (a URL scheme the driver declared is served by an earlier driver: the
    driver is used without it), ``simulator`` (a simulator was refused).
    """

    origin: Origin
    stage: str
    error: str

    def as_json(self) -> dict[str, Any]:
        return {
            "plugin": self.origin.plugin,
            "package": self.origin.package,
            "package_version": self.origin.package_version,
            "stage": self.stage,
            "error": self.error,
        }

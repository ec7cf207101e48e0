"""The simulator contract: plugins that serve fake devices for demos, tests and benchmarks.

A driver plugin knows its protocol best, so it is the one to imitate its
devices: ``dcmaint sim NAME`` runs the simulator a plugin registered under
NAME (hook ``dcmaint_register_simulators``). The core owns what every
simulator shares: the options, the endpoint records scripts read, and the
fault grammar, so that ``--faults`` means the same thing for every kind of
device. What a fault *does* (which part fails and how) is the simulator's job.

Fault grammar (docs/sim.md)::

    SPEC     := ITEM ((',' | ';') ITEM)*
    ITEM     := [SELECTOR ':'] TARGET [':' INDEX] ['=' VALUE]
    SELECTOR := 'all' | PREFIX N | PREFIX N '-' M | 'every' N ['+' K]
    TARGET   := lowercase word, e.g. psu, disk, dimm, fan, battery, http, hang, slow, malformed

``PREFIX`` is any lowercase word (``bmc7``, ``ups7``); devices are numbered
from 1. ``everyN`` selects devices N, 2N, 3N...; ``everyN+K`` shifts that by K.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dcmaint.domain import parse
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.catalog import Origin
    from dcmaint.drivers.sim_demo import DemoFleet


class FaultSpecError(UsageError):
    """A ``--faults`` item that cannot be read; the message names the bad part."""


class UnknownSimulator(NotFound):
    """No installed plugin provides a simulator of that name."""


@dataclass(frozen=True)
class Selector:
    """Which simulated devices (numbered from 1) a fault applies to."""

    first: int = 1
    last: int | None = None  # None: no upper bound
    every: int = 1
    offset: int = 0

    def applies(self, number: int) -> bool:
        if number < self.first or (self.last is not None and number > self.last):
            return False
        return (number - self.offset) % self.every == 0


ALL = Selector()


@dataclass(frozen=True)
class FaultSpec:
    """One parsed ``--faults`` item, e.g. ``bmc7:psu:2=critical``."""

    target: str
    index: int | None = None
    value: str | None = None
    selector: Selector = ALL
    text: str = ""

    def applies(self, number: int) -> bool:
        return self.selector.applies(number)

    @property
    def fault(self) -> str:
        """The item without its selector, as shown next to an endpoint: ``psu:2=critical``."""
        index = "" if self.index is None else f":{self.index}"
        value = "" if self.value is None else f"={self.value}"
        return f"{self.target}{index}{value}"


_RANGE = re.compile(r"[a-z]*(\d+)(?:-(\d+))?")
_EVERY = re.compile(r"every(\d+)(?:\+(\d+))?")
_TARGET = re.compile(r"[a-z][a-z_]*")
_VALUE = re.compile(r"[A-Za-z0-9._+-]+")


def _bad(item: str, reason: str) -> FaultSpecError:
    return FaultSpecError(_("bad fault {item!r}: {reason}").format(item=item, reason=reason))


def _selector(item: str, word: str) -> Selector | None:
    if word == "all":
        return ALL
    every = _EVERY.fullmatch(word)
    if every:
        step, offset = int(every.group(1)), int(every.group(2) or 0)
        if step < 1:
            raise _bad(item, _("'every' needs a number of 1 or more"))
        return Selector(first=1, every=step, offset=offset % step)
    found = _RANGE.fullmatch(word)
    if not found:
        return None
    first = int(found.group(1))
    last = int(found.group(2)) if found.group(2) else first
    if first < 1 or last < first:
        raise _bad(item, _("device numbers start at 1 and a range goes upwards ({word})").format(word=word))
    return Selector(first=first, last=last)


def parse_fault(item: str) -> FaultSpec:
    """One item of the grammar; FaultSpecError names what is wrong with it."""
    text = item.strip()
    if not text:
        raise _bad(item, _("empty item"))
    head, has_value, value = text.partition("=")
    if has_value and not _VALUE.fullmatch(value):
        raise _bad(text, _("the value after '=' must be a word or a number"))
    parts = [part.strip() for part in head.lower().split(":")]
    selector = ALL
    if len(parts) > 1 and (parts[0] == "all" or not _TARGET.fullmatch(parts[0])):
        found = _selector(text, parts[0])
        if found is None:
            raise _bad(text, _("{word!r} is not a device selector (all, bmc7, bmc3-9, every10)").format(word=parts[0]))
        selector, parts = found, parts[1:]
    if not parts or not _TARGET.fullmatch(parts[0]):
        raise _bad(text, _("expected what to break (psu, disk, http...) before ':' or '='"))
    if len(parts) > 2:
        raise _bad(text, _("too many ':' parts"))
    index = None
    if len(parts) == 2:
        if not parts[1].isdigit() or int(parts[1]) < 1:
            raise _bad(text, _("{word!r} is not a part number (1, 2, 3...)").format(word=parts[1]))
        index = int(parts[1])
    return FaultSpec(parts[0], index, value if has_value else None, selector, text)


def parse_faults(spec: str) -> tuple[FaultSpec, ...]:
    """A whole ``--faults`` value: items separated by ',' or ';'."""
    items = [item for item in re.split(r"[;,]", spec) if item.strip()]
    return tuple(parse_fault(item) for item in items)


@dataclass(frozen=True)
class SimulatorOptions:
    """What ``dcmaint sim`` passes to a simulator. ``faults`` may be given as the raw spec string."""

    count: int = 1
    latency_ms: float = 0.0
    faults: tuple[FaultSpec, ...] | str = ()
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port per device; otherwise the first of consecutive ports
    flavours: tuple[str, ...] = ()  # empty: every flavour the simulator has
    seed: int = 0
    username: str = "admin"
    password: str | None = None  # None: any non-empty password is accepted

    def __post_init__(self) -> None:
        if isinstance(self.faults, str):
            object.__setattr__(self, "faults", parse_faults(self.faults))
        object.__setattr__(self, "flavours", tuple(self.flavours))
        if self.count < 1:
            raise UsageError(
                _("the number of simulated devices must be 1 or more, not {count}").format(count=self.count)
            )
        if self.latency_ms:  # 0: none; anything else is checked as ``--latency`` is (nan, inf, negatives)
            parse.latency_ms(self.latency_ms, "--latency")
        if not 0 <= self.port <= 65535 or (self.port and self.port + self.count - 1 > 65535):
            raise UsageError(
                _("ports {first}-{last} are out of range").format(first=self.port, last=self.port + self.count - 1)
            )

    def faults_for(self, number: int) -> tuple[FaultSpec, ...]:
        """The faults that apply to device ``number`` (counted from 1)."""
        assert not isinstance(self.faults, str)
        return tuple(spec for spec in self.faults if spec.applies(number))


@dataclass(frozen=True)
class SimulatedEndpoint:
    """One simulated device as a monitoring configuration would address it."""

    name: str
    url: str
    flavour: str
    username: str
    password_hint: str
    faults: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "flavour": self.flavour,
            "username": self.username,
            "password_hint": self.password_hint,
            "faults": list(self.faults),
        }


Ready = Callable[[Sequence[SimulatedEndpoint]], None]


class Simulator:
    """Base class of simulators: subclass, set ``name`` and ``description``, implement ``serve``; to take part
    in ``dcmaint demo``, also ``demo`` and, for its repair, ``replace_part``."""

    #: What users type after ``dcmaint sim``; letters, digits, '.', '-', '_'.
    name: str = ""
    #: One line for ``dcmaint sim --help`` listings.
    description: str = ""

    def flavours(self) -> tuple[str, ...]:
        """The device flavours this simulator can serve (e.g. vendor firmware trees)."""
        return ()

    def endpoint_count(self, options: SimulatorOptions) -> int:
        """How many endpoints ``serve`` reports for ``options``: one per device (``count``) unless the
        simulator serves a manager beside its devices (a vCenter and its ``count`` hosts: ``count + 1``)."""
        return options.count

    def check(self, options: SimulatorOptions) -> None:
        """Raise UsageError for options this simulator cannot honour, before anything is started."""

    async def serve(self, options: SimulatorOptions, ready: Ready) -> None:
        """Serve until cancelled; call ``ready(endpoints)`` once every device is listening."""
        raise NotImplementedError

    def demo(self) -> DemoFleet | None:
        """The devices this simulator serves in ``dcmaint demo`` (:mod:`dcmaint.drivers.sim_demo`), or None.

        None (the default) keeps the simulator out of the demo. Must be cheap: no server is started.
        """
        return None

    def replace_part(self, endpoint: SimulatedEndpoint, part: str, serial: str) -> None:
        """Tell the device serving at ``endpoint`` that a technician fitted a new ``part`` with ``serial``.

        Called from another process than the one serving (``dcmaint demo`` runs ``dcmaint sim NAME``);
        ``part`` is :attr:`~dcmaint.drivers.sim_demo.DemoRepair.part`. Afterwards the device reports the
        part healthy with the new serial. Blocking; raises UsageError or OSError when the device refuses.
        """
        raise NotImplementedError


def accept(classes: Sequence[object], origin: Origin, known: dict[str, tuple[type[Simulator], Origin]]) -> list[str]:
    """Add one plugin's valid simulator classes to ``known`` (name -> class, origin); return why others were refused."""
    problems = []
    for simulator_class in classes:
        problem = declaration_problem(simulator_class)
        if problem is None:
            assert isinstance(simulator_class, type) and issubclass(simulator_class, Simulator)
            earlier = known.get(simulator_class.name)
            if earlier is None:
                known[simulator_class.name] = (simulator_class, origin)
                continue
            problem = _("simulator {name!r} refused: {earlier} already provides it").format(
                name=simulator_class.name, earlier=earlier[1].label
            )
        problems.append(problem)
    return problems


def declaration_problem(simulator_class: object) -> str | None:
    """Why ``simulator_class`` cannot be registered as a simulator, or None."""
    from dcmaint.domain.parse import NAME_PATTERN

    if not (isinstance(simulator_class, type) and issubclass(simulator_class, Simulator)):
        return _("registered {value!r}, which is not a Simulator subclass").format(value=simulator_class)
    if not isinstance(simulator_class.name, str) or not NAME_PATTERN.match(simulator_class.name):
        return _("simulator class {cls} has no valid name").format(cls=simulator_class.__qualname__)
    if simulator_class.serve is Simulator.serve:
        return _("simulator {name!r} does not implement serve").format(name=simulator_class.name)
    return None

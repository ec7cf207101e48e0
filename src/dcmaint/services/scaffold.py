"""``dcmaint plugin new``: a vendor's driver package, from an empty directory to a passing conformance test.

The files come from templates shipped as package data (``data/scaffold/``),
rendered with :class:`string.Template` so that no template engine is needed.
The two sample recordings are written from the same sample status documents
the skeleton parser reads, and their reports are the skeleton's own answer to
them (the rendered ``parse.py`` is run once on each), so the recordings and
the code agree by construction and the generated conformance test passes
before the vendor changes a line.

Everything is checked before anything is written: a bad name, kind,
protocol or output directory is one :class:`~dcmaint.errors.UsageError`
naming the value, and the disk is untouched.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from dcmaint import __version__
from dcmaint.domain.enums import DeviceKind
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.paths import bundled

#: The protocols the scaffold writes a driver for: HTTP with its own transport, SNMP on the dcmaint-snmp
#: plugin's engine (``dcmaint_snmp.vendor``), which must then be installed.
PROTOCOLS = ("http", "snmp")

#: A distribution-safe, lower-case plugin name: it becomes ``dcmaint-NAME``, the module ``NAME_dcmaint``, the
#: entry point's name and the URL scheme, so it must be valid as all four.
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NAME_MAX = 32

#: The per-kind base classes of dcmaint.drivers; other kinds subclass Driver and set ``kinds`` themselves.
BASES = {
    DeviceKind.SERVER: "ServerDriver",
    DeviceKind.HYPERVISOR: "HypervisorDriver",
    DeviceKind.STORAGE: "StorageDriver",
    DeviceKind.UPS: "UpsDriver",
    DeviceKind.COOLING: "CoolingDriver",
    DeviceKind.NETWORK: "NetworkDriver",
}


@dataclass(frozen=True)
class Sample:
    """What the sample device of one kind reports: two parts of one kind, the second failing, and a reading."""

    model: str
    part_kind: str
    locations: tuple[str, str]
    part_number: str
    reason: str
    sensor: str
    unit: str
    value: float


SAMPLES = {
    DeviceKind.UPS: Sample("UPS 10k", "battery", ("String 1", "String 2"), "BAT-0920", "cell 7 open", "Load", "%", 41),
    DeviceKind.STORAGE: Sample(
        "Array 200", "disk", ("Shelf 0 Slot 1", "Shelf 0 Slot 2"), "DSK-1200", "media errors", "Shelf Temp", "Cel", 31
    ),
    DeviceKind.COOLING: Sample(
        "CRAC 30", "fan", ("Fan 1", "Fan 2"), "FAN-0300", "fan stopped", "Supply Air", "Cel", 18
    ),
}
_DEFAULT_SAMPLE = Sample("Model 1", "psu", ("PSU 1", "PSU 2"), "PSU-0800", "input power lost", "Inlet Temp", "Cel", 24)

SERIAL = "SN0000001"

#: The part kinds of the SNMP sample MIB (``KINDS`` in the rendered profile.py), by dcmaint's name.
MIB_PART_KINDS = {"psu": 1, "fan": 2, "battery": 3, "disk": 4}


@dataclass(frozen=True)
class Plugin:
    """The validated answers: what to call the plugin and where to write it."""

    name: str
    kind: DeviceKind
    protocol: str
    output: Path

    @property
    def dist(self) -> str:
        return f"dcmaint-{self.name}"

    @property
    def module(self) -> str:
        return f"{self.name.replace('-', '_')}_dcmaint"

    @property
    def title(self) -> str:
        return "".join(word.capitalize() for word in self.name.split("-"))

    @property
    def driver(self) -> str:
        return f"{self.name}-{self.kind.value}"

    @property
    def cls(self) -> str:
        return f"{self.title}{self.kind.value.capitalize()}Driver"

    @property
    def sample(self) -> Sample:
        return SAMPLES.get(self.kind, _DEFAULT_SAMPLE)


def requirement(version: str = __version__, dist: str = "dcmaint") -> str:
    """The dcmaint versions a plugin built today works with (docs/compatibility.md): this minor release up to the
    next major, which is the only release that may break the driver contract. The same rule for ``dist``
    (dcmaint-snmp, whose ``dcmaint_snmp.vendor`` an SNMP plugin builds on).

    >>> requirement("0.1.0"), requirement("0.4.2"), requirement("1.2.0"), requirement("0.1.0", "dcmaint-snmp")
    ('dcmaint>=0.1,<1', 'dcmaint>=0.4,<1', 'dcmaint>=1.2,<2', 'dcmaint-snmp>=0.1,<1')
    """
    major, minor = (int(part) for part in version.split(".")[:2])
    return f"{dist}>={major}.{minor},<{major + 1}"


def check(name: str, kind: str, protocol: str, output: Path | None, *, force: bool = False) -> Plugin:
    """The plugin to write, or UsageError naming the first bad value."""
    if len(name) > NAME_MAX or not NAME.fullmatch(name):
        raise UsageError(
            _("bad plugin name {name!r}: lower-case letters and digits, words joined by '-', at most {n}").format(
                name=name, n=NAME_MAX
            )
        )
    if name == "dcmaint" or name.startswith("dcmaint-"):
        raise UsageError(_("bad plugin name {name!r}: name it without 'dcmaint-'").format(name=name))
    try:
        device_kind = DeviceKind(kind)
    except ValueError:
        raise UsageError(
            _("unknown kind {kind!r}: one of {kinds}").format(kind=kind, kinds=", ".join(k.value for k in DeviceKind))
        ) from None
    if protocol not in PROTOCOLS:
        raise UsageError(
            _("unknown protocol {protocol!r}: one of {protocols}").format(
                protocol=protocol, protocols=", ".join(PROTOCOLS)
            )
        )
    if protocol == "snmp" and importlib.util.find_spec("dcmaint_snmp") is None:
        raise UsageError(_("--protocol snmp builds on the dcmaint-snmp plugin, which is not installed"))
    target = output if output is not None else Path(f"dcmaint-{name}")
    if target.exists() and not target.is_dir():
        raise UsageError(_("{path}: not a directory").format(path=target))
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(_("{path}: not empty (--force writes into it)").format(path=target))
    return Plugin(name, device_kind, protocol, target)


def create(plugin: Plugin) -> list[Path]:
    """Write the plugin's files; returns their paths, relative to ``plugin.output``, in the order written."""
    files = render(plugin)
    written = []
    for relative, text in files.items():
        path = plugin.output / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(Path(relative))
    return written


def render(plugin: Plugin) -> dict[str, str]:
    """Every file of the plugin, by its path inside the plugin's directory."""
    root = bundled("scaffold") / plugin.protocol
    values = _values(plugin)
    files: dict[str, str] = {}
    for template in sorted(root.rglob("*.tmpl")):
        relative = template.relative_to(root).as_posix().removesuffix(".tmpl")
        relative = relative.replace("package/", f"src/{plugin.module}/", 1)
        files[relative] = Template(template.read_text(encoding="utf-8")).substitute(values)
    if plugin.protocol == "snmp":
        profile = _load(files[f"src/{plugin.module}/profile.py"], plugin.module, "profile").PROFILE
        for case in ("healthy", "faulty"):
            files[f"recordings/{case}.json"] = _snmp_recording(
                plugin, case, files[f"tests/samples/{case}.snmprec"], profile
            )
        return files
    parse = _load(files[f"src/{plugin.module}/parse.py"], plugin.module, "parse").parse
    for case, status in _statuses(plugin).items():
        files[f"recordings/{case}.json"] = _recording(plugin, case, status, parse)
    return files


def _values(plugin: Plugin) -> dict[str, str]:
    base = BASES.get(plugin.kind)
    imports = ["DeviceReport", "SyncDriver", "Target"]
    if base is None:
        imports += ["DeviceKind", "Driver"]
    else:
        imports.append(base)
    sample = plugin.sample
    return {
        "name": plugin.name,
        "dist": plugin.dist,
        "module": plugin.module,
        "title": plugin.title,
        "kind": plugin.kind.value,
        "driver": plugin.driver,
        "cls": plugin.cls,
        "bases": f"SyncDriver, {base or 'Driver'}",
        "imports": ", ".join(sorted(imports)),
        "kinds": "" if base else f"\n    kinds = (DeviceKind.{plugin.kind.name},)",
        "requirement": requirement(),
        "contract": _contract(),
        "serial": SERIAL,
        "model": sample.model,
        "fault": sample.locations[1],
        "part_number": sample.part_number,
        "sensor": sample.sensor,
        "kind_name": plugin.kind.name,
        "location1": sample.locations[0],
        "part_kind_code": str(MIB_PART_KINDS[sample.part_kind]),
        "reason": sample.reason,
        "unit": sample.unit,
        "sensor_tenths": str(round(sample.value * 10)),
        "snmp_requirement": _snmp_requirement() if plugin.protocol == "snmp" else "",
    }


def _snmp_requirement() -> str:
    snmp_version: str = importlib.import_module("dcmaint_snmp").__version__
    return requirement(snmp_version, "dcmaint-snmp")


def _contract() -> str:
    from dcmaint.drivers import CONTRACT_VERSION

    return CONTRACT_VERSION


def _statuses(plugin: Plugin) -> dict[str, dict[str, Any]]:
    """The sample device's status document, healthy and with its second part failing."""
    sample = plugin.sample
    identity = {"vendor": plugin.title, "model": sample.model, "serial": SERIAL, "firmware": "1.0.0"}

    def part(index: int, state: str, reason: str | None = None) -> dict[str, Any]:
        return {
            "kind": sample.part_kind,
            "location": sample.locations[index],
            "state": state,
            "reason": reason,
            "part_number": sample.part_number,
            "serial": f"P{index + 1:07d}",
        }

    started = {"at": "2026-01-05T08:00:00+00:00", "message": "Management card started", "severity": "ok"}
    sensor = {"name": sample.sensor, "value": sample.value, "unit": sample.unit, "state": "ok"}
    failing = {"kind": sample.part_kind, "location": sample.locations[1]}
    return {
        "healthy": {**identity, "parts": [part(0, "ok"), part(1, "ok")], "sensors": [sensor], "events": [started]},
        "faulty": {
            **identity,
            "parts": [part(0, "ok"), part(1, "critical", sample.reason)],
            "sensors": [sensor],
            "alarms": [
                {
                    "message": f"{sample.locations[1]}: {sample.reason}",
                    "severity": "critical",
                    "code": "E-0002",
                    "source": sample.locations[1],
                    "part": failing,
                }
            ],
            "events": [
                started,
                {"at": "2026-01-06T09:30:00+00:00", "message": f"{sample.locations[1]} failed", "severity": "critical"},
            ],
        },
    }


def _recording(plugin: Plugin, case: str, status: Mapping[str, Any], parse: Any) -> str:
    """A tape Recording (format 1) of one poll of the sample device, as ``dcmaint record`` would write it."""
    from dcmaint.drivers import tape

    body = json.dumps(status, ensure_ascii=False).encode("utf-8")
    exchange = tape.Exchange(
        "http",
        {"method": "GET", "path": "/status.json"},
        tape.http_response(200, {"Content-Type": "application/json"}, body),
    )
    recording = tape.Recording(
        driver=plugin.driver,
        kind=plugin.kind.value,
        endpoint=f"{plugin.name}://192.0.2.10",
        exchanges=(exchange,),
        report=parse(status).as_json(),
        driver_version="0.1.0",
        dcmaint_version=__version__,
        name=case,
    )
    return recording.text()


def _snmp_recording(plugin: Plugin, case: str, snmprec: str, profile: Any) -> str:
    """A poll of the sample agent serving ``snmprec`` by a driver on the rendered profile, answered in memory by
    the SNMP plugin (:func:`dcmaint_snmp.vendor.sample_recording`): the exchanges a real poll asks, and the
    report the rendered parse gives."""
    vendor = importlib.import_module("dcmaint_snmp.vendor")  # a plugin: the core only reaches it by name
    driver_class = type(
        plugin.cls,
        (vendor.ProfileDriver,),
        {
            "name": plugin.driver,
            "version": "0.1.0",
            "kinds": (plugin.kind,),
            "schemes": (plugin.name,),
            "profiles": (profile,),
        },
    )
    recording = vendor.sample_recording(
        driver_class,
        vendor.Snapshot.from_snmprec(snmprec),
        kind=plugin.kind,
        endpoint=f"{plugin.name}://192.0.2.10",
        name=case,
        dcmaint_version=__version__,
    )
    text: str = recording.text()
    return text


def _load(source: str, module: str, name: str) -> Any:
    """One rendered module, loaded from a temporary file (it imports only dcmaint and, for SNMP, dcmaint_snmp)."""
    with tempfile.TemporaryDirectory(prefix="dcmaint-scaffold-") as folder:
        path = Path(folder) / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"_dcmaint_scaffold_{module}_{name}", path)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has a loader
            raise RuntimeError(f"cannot load {path}")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
    return loaded

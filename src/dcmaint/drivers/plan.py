"""Turning registered devices (and ad-hoc endpoints) into poll jobs, and the ones that cannot be polled into results.

A device with no driver, an unknown driver, a driver that does not serve its
kind, or a credential reference that cannot be resolved is not an error of
the run: it is that device's result (``not_configured``), reported next to the
others, so a run over the devices it was given always covers every one. An
:class:`~dcmaint.drivers.target.AdhocTarget` (``dcmaint health --target``) goes
through the same checks; its result has no site. :func:`unpollable` is the
check on its own: ``dcmaint health`` over a site uses it to skip, and list,
the devices that were never set up to be polled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers.base import Driver
from dcmaint.drivers.credentials import look_up
from dcmaint.drivers.errors import ErrorKind, describe
from dcmaint.drivers.manager import DriverManager
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.runner import DEFAULT_TIMEOUT, PollJob
from dcmaint.drivers.target import AdhocTarget, Target, target_from_device
from dcmaint.errors import DcmaintError
from dcmaint.i18n import _
from dcmaint.secrets import Secret


@dataclass(frozen=True)
class Plan:
    """The jobs to run, and the devices already settled without polling (not configured, driver crashed)."""

    jobs: tuple[PollJob, ...]
    settled: tuple[PollResult, ...]


#: What a run polls: a device of the register, or an endpoint given on the command line.
Pollable = Device | AdhocTarget


def _target(device: Pollable, timeout: float, credential: Secret | None) -> Target:
    if isinstance(device, AdhocTarget):
        return device.target(timeout=timeout, credential=credential)
    return target_from_device(device, timeout=timeout, credential=credential)


#: Why a device cannot be polled as registered: its ``driver`` field, the installed drivers, its kind.
NO_DRIVER = "no_driver"
DRIVER_NOT_INSTALLED = "driver_not_installed"
KIND_NOT_SERVED = "kind_not_served"


@dataclass(frozen=True)
class Unpollable:
    """Why a device cannot be polled before anything is tried: ``reason`` (one of the codes above) and a
    message naming the fix. ``dcmaint health`` over a site skips such devices and lists them."""

    reason: str
    message: str


def unpollable(device: Pollable, manager: DriverManager) -> Unpollable | None:
    """The configuration problem that keeps ``device`` from being polled (no driver, a driver that is not
    installed, a kind the driver does not serve), or None when a driver can take it."""
    if not device.driver:
        return Unpollable(
            NO_DRIVER, _("no driver set (dcmaint device edit {name} --driver NAME)").format(name=device.name)
        )
    try:
        info = manager.get(device.driver)
    except DcmaintError as error:
        return Unpollable(DRIVER_NOT_INSTALLED, str(error))
    if DeviceKind(device.kind) not in info.kinds:
        return Unpollable(
            KIND_NOT_SERVED,
            _("driver {driver!r} does not serve {kind} devices (it serves: {kinds})").format(
                driver=info.name, kind=device.kind, kinds=", ".join(info.kinds)
            ),
        )
    return None


#: Seconds a poll needs at the very least: a lookup that leaves less than this costs its device the poll.
LEAST_POLL = 0.05


def _no_time_left(reference: str, spent: float, timeout: float) -> str:
    return _(
        "{ref}: the credential lookup took {spent:g} s of the {timeout:g} s deadline; no time was left to poll"
    ).format(ref=reference, spent=round(spent, 2), timeout=timeout)


def plan_polls(devices: Iterable[Pollable], manager: DriverManager, *, timeout: float = DEFAULT_TIMEOUT) -> Plan:
    """One job per pollable device; one driver instance per driver name, shared by its jobs."""
    instances: dict[str, Driver] = {}
    jobs: list[PollJob] = []
    settled: list[PollResult] = []

    def refuse(device: Pollable, message: str, kind: ErrorKind = ErrorKind.NOT_CONFIGURED) -> None:
        settled.append(PollResult.failed(device.name, device.driver or "", kind, message, site=device.site))

    takers: list[Pollable] = []
    for device in devices:
        problem = unpollable(device, manager)
        if problem is None:
            takers.append(device)
        else:
            refuse(device, problem.message)
    lookups = look_up((device.credential for device in takers if device.credential), timeout)
    for device in takers:
        info = manager.get(device.driver or "")  # known to be installed: unpollable() asked
        lookup = lookups[device.credential] if device.credential else None
        if lookup is not None and lookup.problem is not None:
            refuse(device, lookup.problem, lookup.kind)
            continue
        # To the tenth: an instant lookup (env:) leaves the deadline as the user wrote it, not 0.99 s of 1.
        spent = round(lookup.seconds, 1) if lookup else 0.0
        if timeout - spent < LEAST_POLL:
            refuse(device, _no_time_left(device.credential or "", spent, timeout), ErrorKind.TIMED_OUT)
            continue
        try:
            target = _target(device, round(timeout - spent, 3), lookup.secret if lookup else None)
        except DcmaintError as error:
            refuse(device, str(error))
            continue
        if info.name not in instances:
            try:
                instances[info.name] = info.create()
            except Exception as error:  # noqa: BLE001 - a driver's constructor is plugin code
                refuse(device, _("driver crashed: {error}").format(error=describe(error)), ErrorKind.CRASHED)
                continue
        jobs.append(PollJob(target, instances[info.name], spent))
    return Plan(tuple(jobs), tuple(settled))

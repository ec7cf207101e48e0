"""Which driver polls a registered device: the one named (checked now, not at the first poll), or one inferred.

A device registered with an endpoint but no driver used to be skipped by
every ``dcmaint health`` without a word. So ``device add``, ``device
import`` and ``device edit --endpoint`` settle the driver when the device is
registered:

- a driver named with ``--driver`` (or in the list's driver column) must be
  installed: anything else is refused naming the known drivers;
- otherwise the endpoint's URL scheme names it when exactly one installed
  driver declares that scheme and serves the device's kind
  (``redfish://`` is the Redfish driver's, see ``dcmaint plugin list``);
- when the scheme is generic (``http``, ``https``: any web service), is
  declared by several drivers, or is missing (a bare host name), the
  candidate drivers are asked to recognise the endpoint (``Driver.probe``,
  no login), all at once and within :data:`PROBE_SECONDS`; the first that
  recognises it, in name order, is chosen. If none does and exactly one
  candidate declares the scheme, it is chosen without that confirmation
  (the endpoint may simply be unreachable from here).

Every outcome is one line saying which driver was chosen and why, or why
none was: the device is registered either way (an endpoint may belong to a
driver installed later) and the line says how to set one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers.target import Target, TlsSettings
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.catalog import DriverInfo
    from dcmaint.drivers.manager import DriverManager

#: Schemes any web service uses: they say nothing about which driver speaks to the endpoint.
GENERIC_SCHEMES = frozenset({"http", "https"})
#: Seconds all the probes of one command may take together.
PROBE_SECONDS = 10.0
#: Probes in flight at once (a list of a thousand BMCs is not asked all at the same instant).
PROBES_AT_ONCE = 64


class Basis(StrEnum):
    """How the driver was settled (JSON value of ``driver_basis``; never renamed)."""

    NAMED = "named"  # given with --driver or in the list's driver column, and installed
    SCHEME = "scheme"  # the only driver declaring the endpoint's scheme
    PROBE = "probe"  # the driver recognised the endpoint
    UNCONFIRMED = "unconfirmed"  # the only candidate for the scheme; the endpoint did not answer a probe
    NONE = "none"  # no driver: the device is not polled until one is set


@dataclass(frozen=True)
class DriverChoice:
    """The driver a device got and the one line that says why."""

    site: str
    device: str
    driver: str | None
    basis: Basis
    note: str

    @property
    def key(self) -> str:
        return f"{self.site}/{self.device}"


def check_named(drivers: DriverManager, name: str) -> str:
    """``name`` if such a driver is installed; UnknownDriver (exit 2) naming the known drivers otherwise."""
    return drivers.get(name.strip()).name


def scheme_of(endpoint: str) -> str:
    """The endpoint's URL scheme in lower case, or "" for a bare host name or address.

    >>> scheme_of("Redfish+HTTP://10.0.0.5:8000"), scheme_of("10.0.0.5"), scheme_of("ups01.example.cn")
    ('redfish+http', '', '')
    """
    head, sep, _rest = endpoint.partition("://")
    return head.lower() if sep else ""


def _candidates(drivers: DriverManager, device: Device, scheme: str) -> tuple[list[DriverInfo], list[DriverInfo]]:
    """(drivers declaring the scheme, drivers serving the device's kind among them or, without a scheme, all)."""
    serving = [info for info in drivers.drivers() if device.kind in {kind.value for kind in info.kinds}]
    if not scheme:
        return [], serving
    declaring = [info for info in serving if scheme in info.driver_class.schemes]
    return declaring, declaring


def _needs_probe(scheme: str, declaring: list[DriverInfo]) -> bool:
    return not scheme or scheme in GENERIC_SCHEMES or len(declaring) != 1


def _target(device: Device, timeout: float) -> Target:
    """The probe's target: no credential (a probe never logs in), the device's TLS settings and options."""
    return Target(
        name=device.name,
        kind=DeviceKind(device.kind),
        endpoint=device.endpoint,
        username=device.username,
        tls=TlsSettings(
            verify=device.tls_verify,
            ca_file=Path(device.ca_file) if device.ca_file else None,
            fingerprint=device.fingerprint,
        ),
        timeout=timeout,
        options=device.options,
        site=device.site,
    )


async def _probe_all(pairs: list[tuple[Device, DriverInfo]], timeout: float) -> list[str | None]:
    """For each (device, driver): what the driver recognised the endpoint as, or None. Never raises.

    At most :data:`PROBES_AT_ONCE` probes are in flight, and all of them share one deadline ``timeout``
    seconds away: a probe that cannot start before it counts as unanswered.
    """
    from dcmaint.drivers.job import attempt
    from dcmaint.drivers.report import DeviceIdentity

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    gate = asyncio.Semaphore(PROBES_AT_ONCE)

    async def one(device: Device, info: DriverInfo) -> str | None:
        async with gate:
            left = deadline - loop.time()
            if left <= 0:
                return None
            target = _target(device, left)
            tried = await attempt(lambda: info.create().probe(target), left)
        if tried.kind is not None or not isinstance(tried.value, DeviceIdentity):
            return None
        found = " ".join(part for part in (tried.value.vendor, tried.value.model) if part)
        return found or info.name

    return list(await asyncio.gather(*(one(device, info) for device, info in pairs)))


def _probe(pairs: list[tuple[Device, DriverInfo]], timeout: float) -> list[str | None]:
    if not pairs:
        return []
    return asyncio.run(_probe_all(pairs, timeout))


@dataclass(frozen=True)
class _Plan:
    device: Device
    scheme: str
    declaring: list[DriverInfo]
    candidates: list[DriverInfo]
    probing: list[DriverInfo]


def _plan(drivers: DriverManager, device: Device) -> _Plan:
    assert device.endpoint is not None
    scheme = scheme_of(device.endpoint)
    declaring, candidates = _candidates(drivers, device, scheme)
    probing = [info for info in candidates if "probe" in info.capabilities] if _needs_probe(scheme, declaring) else []
    return _Plan(device, scheme, declaring, candidates, probing)


def choose(drivers: DriverManager, devices: Sequence[Device], timeout: float = PROBE_SECONDS) -> list[DriverChoice]:
    """The driver of each device that has an endpoint and no driver, in order (devices without an endpoint get
    none and no line). The probes of all devices run at once, so a list of many devices takes ``timeout`` at most.
    """
    plans = [_plan(drivers, device) for device in devices if device.endpoint and not device.driver]
    pairs = [(plan.device, info) for plan in plans for info in plan.probing]
    answers = iter(_probe(pairs, timeout))
    return [_decide(drivers, plan, [(info, next(answers)) for info in plan.probing]) for plan in plans]


def _decide(drivers: DriverManager, plan: _Plan, probed: list[tuple[DriverInfo, str | None]]) -> DriverChoice:
    device, scheme, declaring = plan.device, plan.scheme, plan.declaring

    def chosen(driver: str | None, basis: Basis, note: str) -> DriverChoice:
        return DriverChoice(device.site, device.name, driver, basis, note)

    key = f"{device.site}/{device.name}"
    if not _needs_probe(scheme, declaring):
        name = declaring[0].name
        return chosen(
            name,
            Basis.SCHEME,
            _("{device}: driver {driver} (it serves the endpoint's scheme {scheme})").format(
                device=key, driver=name, scheme=scheme
            ),
        )
    recognised = [(info, what) for info, what in probed if what is not None]
    if recognised:
        info, what = recognised[0]
        return chosen(
            info.name,
            Basis.PROBE,
            _("{device}: driver {driver} (it recognised the endpoint: {what})").format(
                device=key, driver=info.name, what=what
            ),
        )
    if scheme and len(declaring) == 1:
        name = declaring[0].name
        return chosen(
            name,
            Basis.UNCONFIRMED,
            _(
                "{device}: driver {driver}, the only one serving {scheme}:// for {kind} devices "
                "(not confirmed: the endpoint did not answer its probe)"
            ).format(device=key, driver=name, scheme=scheme, kind=device.kind),
        )
    return chosen(None, Basis.NONE, _none_reason(drivers, device, key, scheme, plan.candidates))


def _none_reason(drivers: DriverManager, device: Device, key: str, scheme: str, candidates: list[DriverInfo]) -> str:
    hint = _("`dcmaint device edit {name} --site {site} --driver NAME` sets one").format(
        name=device.name, site=device.site
    )
    if not candidates and scheme:
        reason = _("no installed driver serves {scheme}:// for {kind} devices (known schemes: {known})").format(
            scheme=scheme, kind=device.kind, known=drivers.schemes_text()
        )
    elif not candidates:
        reason = _("no installed driver serves {kind} devices").format(kind=device.kind)
    else:
        reason = _("the endpoint answered no probe of {drivers}").format(
            drivers=", ".join(info.name for info in candidates)
        )
    return _("{device}: no driver, so health will not poll it: {reason}; {hint}").format(
        device=key, reason=reason, hint=hint
    )


def settle(
    drivers: DriverManager, device: Device, timeout: float = PROBE_SECONDS
) -> tuple[Device, DriverChoice | None]:
    """One device: its named driver checked, or a driver inferred from its endpoint (None: nothing to settle)."""
    if device.driver:
        return replace(device, driver=check_named(drivers, device.driver)), None
    if not device.endpoint:
        return device, None
    choice = choose(drivers, [device], timeout)[0]
    return replace(device, driver=choice.driver), choice

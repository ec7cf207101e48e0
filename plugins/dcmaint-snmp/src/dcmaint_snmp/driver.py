"""The SNMP driver: probe which profile an agent speaks, read what that profile needs, let it parse.

A poll is three conversations with the agent, each bounded by the per-request
timeout and retries (:mod:`dcmaint_snmp.options`), all within the poll's
deadline: one GET to identify the profile (skipped with ``--option
profile=``), one GET of the profile's scalars, and GETBULK walks of its
tables. Everything protocol-specific is here and in :mod:`.transport`; what
the values mean is the profiles' business (:mod:`dcmaint_snmp.profiles`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence

from dcmaint.drivers import (
    ArchiveSnapshot,
    DeviceIdentity,
    DeviceKind,
    DeviceReport,
    Driver,
    NotSupported,
    ProtocolError,
    Target,
    tape,
)
from dcmaint_snmp import __version__
from dcmaint_snmp.options import SCHEMES, InvalidOptions, Settings, settings
from dcmaint_snmp.profiles import Profile, by_name, for_kind
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYSTEM, Snapshot
from dcmaint_snmp.transport import Agent


def probe_oids(kind: DeviceKind, profiles: Sequence[Profile] | None = None) -> tuple[str, ...]:
    """The system group and the probe OIDs of ``kind``'s profiles: the one GET that identifies the agent.

    >>> probe_oids(DeviceKind.UPS)[:2]
    ('1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0')
    """
    known = for_kind(kind) if profiles is None else profiles
    return tuple(dict.fromkeys((*SYSTEM, *(oid for profile in known for oid in profile.probe))))


class SnmpDriver(Driver):
    """UPSes, precision air conditioners, network switches and storage arrays over SNMP v2c and v3."""

    name = "snmp"
    version = __version__
    kinds = (DeviceKind.UPS, DeviceKind.COOLING, DeviceKind.NETWORK, DeviceKind.STORAGE)
    schemes = SCHEMES
    #: Sensors, firmware and a system archive from every profile; compressors, filters and humidifiers of the
    #: precision air conditioners (``facility``). No event log: SNMP agents send traps, which are not polled.
    features = ("archive", "facility", "firmware", "sensors")

    def profiles_for(self, kind: DeviceKind) -> tuple[Profile, ...]:
        """The profiles this driver probes for ``kind``, in order (a vendor's ProfileDriver names its own)."""
        return for_kind(kind)

    async def probe(self, target: Target) -> DeviceIdentity | None:
        """The agent's identity as its profile reads it, or None when no profile of the target's kind knows it."""
        agent, chosen = await self._connect(target)
        known = self.profiles_for(target.kind)
        answer = await agent.get(probe_oids(target.kind, known))
        profile = chosen or identify(answer, target.kind, known)
        if profile is None:
            return None
        return (await self._read(agent, profile, answer, target.options)).identity

    async def poll(self, target: Target) -> DeviceReport:
        agent, chosen = await self._connect(target)
        if chosen is not None:
            answer = await agent.get(SYSTEM)
            profile = chosen
        else:
            known = self.profiles_for(target.kind)
            answer = await agent.get(probe_oids(target.kind, known))
            found = identify(answer, target.kind, known)
            if found is None:
                raise NotSupported(_unrecognised(agent.settings, answer, target.kind, known))
            profile = found
        return await self._read(agent, profile, answer, target.options)

    async def _connect(self, target: Target) -> tuple[Agent, Profile | None]:
        chosen_settings = settings(target.endpoint, target.options, timeout=target.timeout, schemes=self.schemes)
        chosen = _chosen_profile(chosen_settings, target.kind, self.profiles_for(target.kind))
        deck = tape.deck_for(target.endpoint)
        replayed = deck is not None and deck.replays  # a recording answers: no key to look up
        privacy = None if replayed else await _privacy_key(chosen_settings)
        agent = await Agent(chosen_settings, target.username, target.credential, target.endpoint).open(privacy)
        return agent, chosen

    async def _read(self, agent: Agent, profile: Profile, answer: Snapshot, options: Mapping[str, str]) -> DeviceReport:
        wanted = [oid for oid in (*SYSTEM, *profile.scalars) if oid not in answer]  # the probe asked some already
        scalars = await agent.get(wanted) if wanted else Snapshot()
        walked = await agent.walk(profile.walks)
        snapshot = answer.merged(scalars).merged(walked)
        if not profile.identifies(snapshot):
            raise NotSupported(
                f"{agent.settings.address}: the agent does not answer as profile {profile.name!r}"
                f" ({profile.description})"
            )
        try:
            report = profile.parse(snapshot, options)
        except Exception as error:  # noqa: BLE001 - a malformed answer a profile could not read costs this device
            raise ProtocolError(
                f"{agent.settings.address}: the answer cannot be read as profile {profile.name!r}: {error}"
            ) from None
        return _with_system(report, profile, snapshot)


def identify(answer: Snapshot, kind: DeviceKind, profiles: Sequence[Profile] | None = None) -> Profile | None:
    """The first profile of ``kind`` (of ``profiles``, default every built-in one), in probing order, that
    recognises the probe's answer."""
    known = for_kind(kind) if profiles is None else profiles
    return next((profile for profile in known if profile.kind is kind and profile.identifies(answer)), None)


def _chosen_profile(chosen: Settings, kind: DeviceKind, known: Sequence[Profile]) -> Profile | None:
    if chosen.profile is None:
        return None
    profile = next((p for p in known if p.name == chosen.profile), None)
    if profile is None and known == for_kind(kind):  # the built-in driver: says so when it reads another kind
        profile = by_name(chosen.profile)
    names = ", ".join(p.name for p in known) or "none"
    if profile is None:
        raise InvalidOptions(f"unknown SNMP profile {chosen.profile!r} (profiles for {kind} devices: {names})")
    if profile.kind is not kind:
        raise InvalidOptions(
            f"SNMP profile {profile.name!r} reads {profile.kind} devices, not {kind} (profiles for {kind}: {names})"
        )
    return profile


async def _privacy_key(chosen: Settings) -> object | None:
    """The v3 privacy passphrase named by ``privacy_key``, looked up off the event loop (files, keyrings block)."""
    if chosen.privacy_key is None or chosen.version != "3":
        return None
    from dcmaint.errors import SecretError
    from dcmaint.secrets import resolve

    try:
        return await asyncio.get_running_loop().run_in_executor(None, resolve, chosen.privacy_key)
    except SecretError as error:
        raise InvalidOptions(f"privacy_key: {error}") from None


def _unrecognised(chosen: Settings, answer: Snapshot, kind: DeviceKind, known: Sequence[Profile]) -> str:
    oid = answer.oid(SYS_OBJECT_ID) or "none"
    descr = (answer.text(SYS_DESCR) or "none")[:80]
    names = ", ".join(profile.name for profile in known) or "none"
    return (
        f"{chosen.address}: no SNMP profile for {kind} devices recognises this agent (sysObjectID {oid},"
        f" sysDescr {descr!r}); profiles: {names}; set one with --option profile=NAME"
    )


def _with_system(report: DeviceReport, profile: Profile, snapshot: Snapshot) -> DeviceReport:
    """The report with the agent's name as host name (when the profile set none) and the profile in the archive."""
    identity = report.identity
    if identity.hostname is None and snapshot.text(SYS_NAME):
        identity = dataclasses.replace(identity, hostname=snapshot.text(SYS_NAME))
    archive = report.archive or ArchiveSnapshot()
    system = {
        **archive.system,
        "snmp_profile": profile.name,
        "sys_object_id": snapshot.oid(SYS_OBJECT_ID),
        "sys_descr": snapshot.text(SYS_DESCR),
    }
    return dataclasses.replace(report, identity=identity, archive=dataclasses.replace(archive, system=system))

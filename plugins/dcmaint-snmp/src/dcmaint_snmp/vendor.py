"""For vendors: a driver for your own MIB on dcmaint-snmp's engine, without writing any SNMP code.

Subclass :class:`ProfileDriver`, give it the usual driver attributes and the
:class:`Profile` (or profiles) of your MIB, and register it from your
plugin's ``dcmaint_register_drivers`` hook::

    class AcmeUpsDriver(ProfileDriver):
        name = "acme-ups"
        version = "0.1.0"
        kinds = (DeviceKind.UPS,)
        schemes = ("acme",)                 # acme://HOST[:PORT], port 161 by default
        features = ("archive", "sensors")   # what your parse puts in its reports
        profiles = (ACME_UPS,)

A poll then goes exactly the way the built-in ``snmp`` driver's does: the
device's credential as community (v2c) or user and passphrase (v3), the same
``--option`` names (docs/drivers/snmp.md), one probing GET of the system
group and your profiles' ``probe`` OIDs (``--option profile=`` skips it), a
GET of ``scalars``, GETBULK walks of ``walks``, and your pure ``parse`` on
what the agent answered. Record and replay come with it (``dcmaint record``,
:mod:`dcmaint.drivers.tape`), as do the contract errors.

``dcmaint plugin new NAME --protocol snmp`` writes such a plugin, with
recordings made by :func:`sample_recording`: a poll of a ``.snmprec``
sample, answered in memory, so the recording holds the very questions a
poll asks and the report your parse gives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import tape
from dcmaint.drivers.target import Target
from dcmaint_snmp import taped
from dcmaint_snmp.driver import SnmpDriver
from dcmaint_snmp.profiles.base import Profile, answers, enterprise_under
from dcmaint_snmp.snapshot import Row, Snapshot, normal_oid, oid_key

__all__ = ["Profile", "ProfileDriver", "Row", "Snapshot", "answers", "enterprise_under", "sample_recording"]


class ProfileDriver(SnmpDriver):
    """The SNMP driver's engine polling only ``profiles``: set them, with ``name``, ``version``, ``kinds``,
    ``schemes`` and ``features``, on a subclass."""

    #: Your MIB's profiles, in probing order (the first that identifies the agent is used).
    profiles: ClassVar[tuple[Profile, ...]] = ()
    schemes: ClassVar[tuple[str, ...]] = ()
    features: ClassVar[tuple[str, ...]] = ()

    def profiles_for(self, kind: DeviceKind) -> tuple[Profile, ...]:
        return tuple(profile for profile in self.profiles if profile.kind is kind)


class _Sample(tape.Deck):
    """A deck that answers GETs and walks from a snapshot and keeps every exchange, as a recorder would."""

    replays = True

    def __init__(self, values: Snapshot) -> None:
        self.values = values
        self.exchanges: list[tape.Exchange] = []

    def covers(self, endpoint: str | None) -> bool:
        return True

    def play(self, protocol: str, request: Mapping[str, Any]) -> Mapping[str, Any]:
        if request["op"] == "get":
            wanted = {normal_oid(oid) for oid in request["oids"]}
            found = Snapshot((oid, value) for oid, value in self.values.items() if oid in wanted)
        else:
            roots = tuple(normal_oid(root) + "." for root in request["roots"])
            under = sorted((oid for oid in self.values if oid.startswith(roots)), key=oid_key)
            found = Snapshot((oid, self.values[oid]) for oid in under)
        response = taped.answer(found)
        self.exchanges.append(tape.Exchange(protocol, dict(request), response))
        return response


def sample_recording(
    driver_class: type[SnmpDriver],
    values: Snapshot,
    *,
    kind: DeviceKind,
    endpoint: str,
    name: str,
    dcmaint_version: str = "",
) -> tape.Recording:
    """The recording (tape format 1) of one poll by ``driver_class`` of an agent serving ``values``.

    Nothing touches the network: the questions are answered from ``values``.
    The report kept is the one the driver returned, so a replay of the
    recording must give it back.
    """
    deck = _Sample(values)
    target = Target(name, kind, endpoint, timeout=10.0)
    with tape.listening(deck):
        report = asyncio.run(driver_class().poll(target))
    return tape.Recording(
        driver=driver_class.name,
        kind=kind.value,
        endpoint=endpoint,
        exchanges=tuple(deck.exchanges),
        report=report.as_json(),
        driver_version=driver_class.version,
        dcmaint_version=dcmaint_version,
        name=name,
    )

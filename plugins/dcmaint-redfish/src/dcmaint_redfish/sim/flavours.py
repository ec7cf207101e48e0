"""Flavours: the resource trees the simulator can serve, normalised for serving.

"generic" is built in (``generic.tree``); every recorded vendor tree of
``dcmaint_redfish.fixtures`` is a flavour too, under the fixture's name, so a
new recording is servable the moment it lands. Those are the servers, served
in turn when no flavour is asked for. The facility flavours ("cdu", "pdu",
``facility``) are served only when asked for by name. A recording keeps its own
quirks (an iLO 4 root without ExpandQuery means ``$expand`` is ignored, as on
that firmware); the simulator only adds what sessions need and a real BMC
always has: ``/redfish``, the root's ``Links.Sessions`` and the
SessionService.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from dcmaint.errors import UsageError

Doc = dict[str, Any]

ROOT = "/redfish/v1"
SESSIONS = f"{ROOT}/SessionService/Sessions"
GENERIC = "generic"
#: Facility equipment (``sim.facility``): served only when named, never in the default mix of servers.
FACILITY = {
    "cdu": ("cdu_tree", "DMTF ThermalEquipment: a coolant distribution unit"),
    "pdu": ("pdu_tree", "DMTF PowerEquipment: a 12-outlet rack PDU"),
}


def normalise(path: str) -> str:
    """A path as a map key: no query, no fragment, no trailing slash (``/redfish/v1/`` -> ``/redfish/v1``)."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path.rstrip("/") or "/"


@dataclass(frozen=True)
class Flavour:
    """One servable tree: path -> document, plus what the simulator needs to know about its firmware."""

    name: str
    resources: Mapping[str, Doc]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def vendor(self) -> str:
        return str(self.meta.get("vendor") or self.resources[ROOT].get("Vendor") or "")

    @property
    def expand(self) -> bool:
        """Whether the recorded service root offers ``$expand`` (otherwise the query is ignored, like the firmware)."""
        features = self.resources[ROOT].get("ProtocolFeaturesSupported") or {}
        expand = features.get("ExpandQuery") if isinstance(features, dict) else None
        return isinstance(expand, dict) and any(expand.get(key) for key in ("ExpandAll", "Levels", "NoLinks"))

    @property
    def session_limit_answer(self) -> tuple[int, str, str]:
        """HTTP status, MessageId and message a BMC of this family sends when its sessions are used up."""
        if "dell" in self.vendor.lower():
            return 400, "IDRAC.2.8.RAC0218", "The maximum number of user sessions is reached."
        return (
            503,
            "Base.1.16.SessionLimitExceeded",
            (
                "The session establishment failed due to the number of simultaneous sessions exceeding the limit "
                "of the implementation."
            ),
        )


def _complete(resources: dict[str, Doc]) -> dict[str, Doc]:
    """Add what sessions need; recordings often leave the SessionService out."""
    root = resources.get(ROOT)
    if root is None:
        raise ValueError("the tree has no service root /redfish/v1")
    resources.setdefault("/redfish", {"v1": f"{ROOT}/"})
    links = root.setdefault("Links", {})
    if isinstance(links, dict):
        links.setdefault("Sessions", {"@odata.id": SESSIONS})
    root.setdefault("SessionService", {"@odata.id": f"{ROOT}/SessionService"})
    resources.setdefault(
        f"{ROOT}/SessionService",
        {
            "@odata.id": f"{ROOT}/SessionService",
            "@odata.type": "#SessionService.v1_1_8.SessionService",
            "Id": "SessionService",
            "Name": "Session Service",
            "ServiceEnabled": True,
            "SessionTimeout": 1800,
            "Sessions": {"@odata.id": SESSIONS},
        },
    )
    resources.pop(SESSIONS, None)  # served live from the BMC's own sessions
    return resources


def _fixtures() -> Any | None:
    try:
        from dcmaint_redfish import fixtures
    except ImportError:
        return None
    return fixtures


def names() -> tuple[str, ...]:
    """Every flavour: the built-in generic tree first, then the recorded vendor trees."""
    fixtures = _fixtures()
    recorded = tuple(name for name in fixtures.names() if name != GENERIC) if fixtures else ()
    return (GENERIC, *sorted(recorded))


def known() -> tuple[str, ...]:
    """Every flavour that can be asked for: the servers of :func:`names`, then the facility equipment."""
    return (*names(), *FACILITY)


@cache
def load(name: str) -> Flavour:
    """The flavour called ``name``, normalised; UsageError naming the known ones otherwise."""
    if name in FACILITY:
        from dcmaint_redfish.sim import facility

        builder, description = FACILITY[name]
        tree = getattr(facility, builder)()
        return Flavour(
            name,
            _complete({normalise(path): doc for path, doc in tree.items()}),
            {"vendor": "Simulated", "description": description},
        )
    if name == GENERIC:
        from dcmaint_redfish.sim.generic import tree

        return Flavour(
            GENERIC,
            _complete({normalise(path): doc for path, doc in tree().items()}),
            {"vendor": "Simulated", "description": "plain DMTF Redfish, 2-socket 1U server"},
        )
    fixtures = _fixtures()
    if name not in names() or fixtures is None:
        raise UsageError(f"unknown flavour {name!r} (known flavours: {', '.join(known())})")
    fixture = fixtures.load(name)
    resources = {normalise(path): dict(doc) for path, doc in fixture.resources.items()}  # a fresh parse: ours
    try:
        return Flavour(name, _complete(resources), dict(fixture.meta or {}))
    except ValueError as error:
        raise UsageError(f"flavour {name!r} cannot be served: {error}") from None

"""One simulated BMC: its sessions, its credentials, its service faults, and how it answers a request.

The hot path (an authenticated GET of a resource already served once) is a
dictionary look-up of ready bytes plus the configured sleep: no JSON work per
request, so one process keeps up with a fleet.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from dcmaint.drivers.simulators import FaultSpec
from dcmaint.errors import UsageError
from dcmaint_redfish.sim import locate, replacement, responses
from dcmaint_redfish.sim.faults import describe
from dcmaint_redfish.sim.flavours import ROOT, SESSIONS, normalise
from dcmaint_redfish.sim.identity import Identity
from dcmaint_redfish.sim.view import TreeView, parse_expand

#: Readable without credentials, as on real BMCs.
OPEN_PATHS = frozenset({"/redfish", ROOT, f"{ROOT}/odata", f"{ROOT}/$metadata"})
DEFAULT_SESSION_LIMIT = 4


@dataclass(frozen=True)
class Behaviour:
    """How this BMC answers, from its service faults."""

    delay: float = 0.0  # seconds before every answer: --latency plus slow=MS
    http_status: int | None = None  # http=CODE: every request after the service root
    hang: bool = False  # never answer after the service root
    malformed: bool = False  # the first System's body is cut short
    session_limit: int = DEFAULT_SESSION_LIMIT
    username: str = "admin"
    password: str | None = None  # None: any non-empty password


class SimulatedBmc:
    """The state of one BMC; ``handle`` is its aiohttp request handler."""

    def __init__(
        self,
        number: int,
        name: str,
        view: TreeView,
        behaviour: Behaviour,
        count: int,
        seed: int,
        faults: tuple[FaultSpec, ...] = (),
    ) -> None:
        self.number, self.name, self.view, self.behaviour = number, name, view, behaviour
        self.faults = faults  # the faults this BMC shows (those its flavour can express)
        self._identity_args = (number, count, seed)
        self._identity: Identity | None = None
        self._cache: dict[Any, bytes] = {}
        self._basic_ok: set[str] = set()
        #: Open sessions: token -> session document. Tests read ``len(bmc.sessions)``.
        self.sessions: dict[str, dict[str, Any]] = {}
        self.sessions_created = 0
        self.sessions_deleted = 0
        self.requests = 0
        #: Parts replaced on this BMC: ``"psu:2"`` -> the serial it now reports.
        self.replaced: dict[str, str] = {}

    @property
    def identity(self) -> Identity:
        if self._identity is None:
            self._identity = Identity(self.view.all_identity_strings, *self._identity_args)
        return self._identity

    # -- serving ------------------------------------------------------------

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        self.requests += 1
        behaviour = self.behaviour
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        path = normalise(request.path)
        if path.startswith("/sim/"):
            return await self._debug(request, path)
        if path not in OPEN_PATHS:
            if behaviour.hang:
                await asyncio.Event().wait()  # until the client gives up or the simulator stops
            if behaviour.http_status is not None:
                return responses.status(behaviour.http_status)
        method = request.method
        if path == SESSIONS and method == "POST":
            return await self._login(request)
        if path not in OPEN_PATHS and not self._authorised(request):
            return responses.unauthorised()
        if path == SESSIONS or path.startswith(SESSIONS + "/"):
            return self._session_request(method, path)
        if method != "GET":
            return responses.error(
                405, "Base.1.16.OperationNotAllowed", f"The HTTP method {method} is not allowed on the URI {path}."
            )
        expand = request.query.get("$expand") if request.query_string and self.view.flavour.expand else None
        body = self._body(path, expand)
        if body is None:
            if expand is not None and path in self.view.resources:
                return responses.error(
                    400,
                    "Base.1.16.QueryParameterValueFormatError",
                    f"The value {expand} for the query parameter $expand has the wrong format.",
                )
            return responses.error(
                404, "Base.1.16.ResourceMissingAtURI", f"The resource at the URI {path} was not found."
            )
        return responses.json_body(body)

    def _body(self, path: str, expand: str | None) -> bytes | None:
        key: Any = path if expand is None else (path, expand)
        cache = self._cache  # a replacement swaps in a new one: a body of the old tree goes to the old cache
        body = cache.get(key)
        if body is not None:
            return body
        view = self.view
        if expand is None:
            raw, strings, included = view.body(path), view.identity_strings.get(path, ()), (path,)
            if raw is None:
                return None
        else:
            parsed = parse_expand(expand)
            found = view.expanded(path, *parsed) if parsed else None
            if found is None:
                return None
            raw, strings, included = found
        body = self.identity.apply(raw, strings) if strings else raw
        if self.behaviour.malformed and view.malformed_path in included:
            body = body[: len(body) // 2]  # a truncated answer, as from a BMC that gave up mid-response
        cache[key] = body
        return body

    # -- a technician's work --------------------------------------------------

    def replace(self, part: str, serial: str) -> str:
        """Swap ``part`` (``psu:2``, as in the fault grammar) for a new one with ``serial``; the old serial.

        The part's faults are cleared, on this BMC only: it is served as if planned without them, roll-ups
        included, and the part reports ``serial`` in every resource and ``$expand`` body. The old serial is
        the one this BMC served for the part ("" when it showed none, like most fans). UsageError with one
        line naming a bad part or serial. Call it from the simulator's event loop (``POST /sim/replace``
        does) or while no request is being answered.
        """
        kind, number = replacement.parse_part(part)
        new_serial = replacement.check_serial(serial)
        view = self.view
        flavour = view.flavour
        parts = locate.nth(flavour.resources, kind, number)
        if not parts:
            have = locate.count(flavour.resources, kind)
            raise UsageError(
                f"bad part {part.strip()!r}: {self.name} (flavour {flavour.name}) has {have} fitted {kind} part(s)"
            )
        name = f"{kind}:{number}"
        identity = self.identity  # built before the view changes, from the same identity strings
        old = parts[0].resolve(view.resources).get("SerialNumber")
        old_serial = identity.served(old) if isinstance(old, str) else ""
        identity.fit(replacement.token(kind, number), new_serial)
        remaining = tuple(fault for fault in view.part_faults if (fault.kind, fault.number) != (kind, number))
        replaced = view.replaced if (kind, number) in view.replaced else (*view.replaced, (kind, number))
        self.view = TreeView(flavour, remaining, replaced)  # its own: views are shared between BMCs
        self._cache = {}
        self.faults = tuple(spec for spec in self.faults if (spec.target, spec.index or 1) != (kind, number))
        self.replaced[name] = new_serial
        return old_serial

    # -- authentication and sessions ------------------------------------------

    def credentials_ok(self, username: str, password: str) -> bool:
        behaviour = self.behaviour
        if behaviour.http_status == 401 or username != behaviour.username or not password:
            return False
        return behaviour.password is None or password == behaviour.password

    def _authorised(self, request: web.BaseRequest) -> bool:
        token = request.headers.get("X-Auth-Token")
        if token is not None:
            return token in self.sessions
        header = request.headers.get("Authorization")
        if header is None:
            return False
        if header in self._basic_ok:
            return True
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if self.credentials_ok(username, password):
            self._basic_ok.add(header)
            return True
        return False

    async def _login(self, request: web.BaseRequest) -> web.StreamResponse:
        try:
            data = json.loads(await request.read() or b"{}")
        except (ValueError, UnicodeDecodeError):
            return responses.error(400, "Base.1.16.MalformedJSON", "The request body submitted was malformed JSON.")
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("UserName"), str)
            or not isinstance(data.get("Password"), str)
        ):
            return responses.error(
                400,
                "Base.1.16.PropertyMissing",
                "The properties UserName and Password are required to create a session.",
            )
        if not self.credentials_ok(data["UserName"], data["Password"]):
            return responses.unauthorised()
        if len(self.sessions) >= self.behaviour.session_limit:
            return responses.error(*self.view.flavour.session_limit_answer)
        self.sessions_created += 1
        session_id = str(self.sessions_created)
        token = secrets.token_hex(16)
        doc = {
            "@odata.id": f"{SESSIONS}/{session_id}",
            "@odata.type": "#Session.v1_6_0.Session",
            "Id": session_id,
            "Name": "User Session",
            "UserName": data["UserName"],
        }
        self.sessions[token] = doc
        return responses.json_body(
            json.dumps(doc).encode(), status=201, headers={"X-Auth-Token": token, "Location": doc["@odata.id"]}
        )

    def _session_request(self, method: str, path: str) -> web.StreamResponse:
        if path == SESSIONS:
            if method != "GET":
                return responses.error(405, "Base.1.16.OperationNotAllowed", f"{method} is not allowed on {path}.")
            members = [{"@odata.id": doc["@odata.id"]} for doc in self.sessions.values()]
            return responses.json_body(
                json.dumps(
                    {
                        "@odata.id": SESSIONS,
                        "@odata.type": "#SessionCollection.SessionCollection",
                        "Name": "Sessions",
                        "Members": members,
                        "Members@odata.count": len(members),
                    }
                ).encode()
            )
        token = next((token for token, doc in self.sessions.items() if doc["@odata.id"] == path), None)
        if token is None:
            return responses.error(
                404, "Base.1.16.ResourceMissingAtURI", f"The resource at the URI {path} was not found."
            )
        if method == "DELETE":
            del self.sessions[token]
            self.sessions_deleted += 1
            return web.Response(status=204)
        if method == "GET":
            return responses.json_body(json.dumps(self.sessions[token]).encode())
        return responses.error(405, "Base.1.16.OperationNotAllowed", f"{method} is not allowed on {path}.")

    async def _debug(self, request: web.BaseRequest, path: str) -> web.StreamResponse:
        """Not Redfish: what tests and benchmarks check from outside the process, and part replacement."""
        if path == "/sim/replace":
            if request.method != "POST":
                return responses.error(
                    405,
                    "Base.1.16.OperationNotAllowed",
                    f"The HTTP method {request.method} is not allowed on the URI {path}.",
                )
            return await self._replace_request(request)
        if path == "/sim/sessions":
            return responses.json_body(
                json.dumps(
                    {
                        "open": len(self.sessions),
                        "limit": self.behaviour.session_limit,
                        "created": self.sessions_created,
                        "deleted": self.sessions_deleted,
                    }
                ).encode()
            )
        if path == "/sim/info":
            return responses.json_body(
                json.dumps(
                    {
                        "name": self.name,
                        "flavour": self.view.flavour.name,
                        "requests": self.requests,
                        "faults": [describe(spec) for spec in self.faults],
                        "replaced": self.replaced,
                    }
                ).encode()
            )
        return responses.error(404, "Base.1.16.ResourceMissingAtURI", f"The resource at the URI {path} was not found.")

    async def _replace_request(self, request: web.BaseRequest) -> web.StreamResponse:
        """``POST /sim/replace`` with ``{"part": "psu:2", "serial": "..."}``: ``replace`` over HTTP."""
        raw = await request.read()
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            shown = raw[:60].decode(errors="replace")
            return responses.error(
                400, "Base.1.16.MalformedJSON", f"The request body {shown!r} is not JSON; send {_REPLACE_EXAMPLE}."
            )
        if not isinstance(data, dict):
            return responses.error(
                400,
                "Base.1.16.MalformedJSON",
                f"The request body {json.dumps(data)[:60]} is not a JSON object; send {_REPLACE_EXAMPLE}.",
            )
        for key in ("part", "serial"):
            if key not in data:
                return responses.error(
                    400,
                    "Base.1.16.PropertyMissing",
                    f"The property {key} is a required property and must be included in "
                    f"the request; send {_REPLACE_EXAMPLE}.",
                )
            if not isinstance(data[key], str):
                return responses.error(
                    400,
                    "Base.1.16.PropertyValueTypeError",
                    f"The value {json.dumps(data[key])[:60]} for the property {key} is not a string.",
                )
        try:
            old_serial = self.replace(data["part"], data["serial"])
        except UsageError as error:
            return responses.error(400, "Base.1.16.PropertyValueError", f"{error}.")
        kind, number = replacement.parse_part(data["part"])
        name = f"{kind}:{number}"
        return responses.json_body(
            json.dumps({"part": name, "old_serial": old_serial, "serial": self.replaced[name]}).encode()
        )


_REPLACE_EXAMPLE = '{"part": "psu:2", "serial": "NEWSERIAL123"}'

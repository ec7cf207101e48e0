"""A small Redfish service over a resource map, in its own thread, with faults to order.

The driver's tests need a BMC that misbehaves on cue (401, 503, a slow or a
hung answer, a malformed body, a 500 in the middle of the walk) and that
counts what the driver did to it (requests, requests in flight at once,
sessions opened and still open). It runs aiohttp's server on its own event
loop in a thread, so that the driver under test can run on any loop,
including the private one of dcmaint's runner.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SESSIONS = "/redfish/v1/SessionService/Sessions"


@dataclass
class Fault:
    """What to do instead of answering normally, for one path."""

    status: int | None = None  # answer this status (with a Redfish error body)
    delay: float = 0.0  # wait this long first (a hung BMC: a long delay; it ends when the server stops)
    body: bytes | None = None  # answer these bytes with 200
    times: int | None = None  # only for the first N requests, then answer normally


@dataclass
class Counters:
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path?query)
    inflight: int = 0
    max_inflight: int = 0
    sessions_opened: int = 0
    sessions_deleted: int = 0
    held: list[str] = field(default_factory=list)  # paths whose answer a delay fault is holding back right now


class FakeBmc:
    """Serve ``resources`` as a Redfish service on 127.0.0.1. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        resources: Mapping[str, Mapping[str, Any]],
        *,
        username: str = "admin",
        password: str = "secret",
        sessions: bool = True,
        expand: bool = True,
        page_size: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.resources = {path.rstrip("/"): copy.deepcopy(dict(doc)) for path, doc in resources.items()}
        self.username, self.password = username, password
        self.offer_sessions, self.expand, self.page_size = sessions, expand, page_size
        self.faults: dict[str, Fault] = {}
        self.counters = Counters()
        self.sessions: dict[str, str] = {}  # token -> session path
        self._ssl = ssl_context
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-bmc", daemon=True)
        self._stopping: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._changed = threading.Condition()  # notified after each request, for wait_until
        self.port = 0

    # -- lifetime ------------------------------------------------------------

    def start(self) -> FakeBmc:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FakeBmc:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _start(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop(self) -> None:
        assert self._stopping is not None and self._runner is not None
        self._stopping.set()
        await self._runner.cleanup()
        leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in leftovers:  # handlers of connections the client abandoned
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    # -- what tests read -----------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"redfish://127.0.0.1:{self.port}" if self._ssl else f"redfish+http://127.0.0.1:{self.port}"

    @property
    def open_sessions(self) -> int:
        return len(self.sessions)

    def requested(self, method: str = "GET") -> list[str]:
        return [target for verb, target in self.counters.requests if verb == method]

    def fail(self, path: str, **fault: Any) -> None:
        self.faults[path] = Fault(**fault)

    def wait_until(self, predicate: Any, timeout: float = 10.0) -> bool:
        """Wait until ``predicate()`` is true, checking it after each request the server handled
        (it works in its own thread); False if it still is not after ``timeout`` seconds, a hang guard."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    # -- serving -------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        counters = self.counters
        path = request.path.rstrip("/") or "/"
        counters.requests.append((request.method, path + (f"?{request.query_string}" if request.query_string else "")))
        counters.inflight += 1
        counters.max_inflight = max(counters.max_inflight, counters.inflight)
        try:
            return await self._answer(request, path)
        finally:
            counters.inflight -= 1
            with self._changed:
                self._changed.notify_all()

    async def _answer(self, request: web.Request, path: str) -> web.StreamResponse:
        fault = self.faults.get(path)
        if fault is not None and fault.times is not None:
            if fault.times <= 0:
                fault = None
            else:
                fault.times -= 1
        if fault is not None and fault.delay:
            assert self._stopping is not None
            self.counters.held.append(path)
            try:
                await asyncio.wait_for(self._stopping.wait(), fault.delay)
                return _error(503, "shutting down")
            except TimeoutError:
                pass
            finally:
                self.counters.held.remove(path)
        if path == SESSIONS and request.method == "POST":
            return await self._login(request, fault) if self.offer_sessions else _error(404, "no sessions")
        if path.startswith(SESSIONS + "/") and request.method == "DELETE":
            return self._logout(request, path)
        if path != "/redfish/v1" and not self._authorised(request):
            return _error(401, "authentication required")
        if fault is not None and fault.status is not None:
            return _error(fault.status, "injected fault")
        if fault is not None and fault.body is not None:
            return web.Response(body=fault.body, content_type="application/json")
        if request.method != "GET":
            return _error(405, "method not allowed")
        document = self.resources.get(path)
        if document is None:
            return _error(404, "not found")
        return web.json_response(self._shaped(document, request.query))

    async def _login(self, request: web.Request, fault: Fault | None) -> web.StreamResponse:
        if fault is not None and fault.status is not None:
            return _error(fault.status, "injected fault")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "malformed body")
        if not isinstance(body, dict) or (body.get("UserName"), body.get("Password")) != (self.username, self.password):
            return _error(401, "invalid credentials")
        number = next(self._ids)
        token, location = f"token-{number}", f"{SESSIONS}/{number}"
        self.sessions[token] = location
        self.counters.sessions_opened += 1
        return web.json_response(
            {"@odata.id": location, "Id": str(number), "UserName": self.username},
            status=201,
            headers={"X-Auth-Token": token, "Location": location},
        )

    def _logout(self, request: web.Request, path: str) -> web.StreamResponse:
        token = request.headers.get("X-Auth-Token")
        if self.sessions.get(token or "") != path:
            return _error(401, "not your session")
        del self.sessions[token]  # type: ignore[arg-type]
        self.counters.sessions_deleted += 1
        return web.Response(status=204)

    def _authorised(self, request: web.Request) -> bool:
        token = request.headers.get("X-Auth-Token")
        if token is not None:
            return token in self.sessions
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return (user, password) == (self.username, self.password)
        return False

    def _shaped(self, document: Mapping[str, Any], query: Mapping[str, str]) -> Mapping[str, Any]:
        members = document.get("Members")
        if not isinstance(members, list):
            return document
        shaped = dict(document)
        shaped["Members@odata.count"] = len(members)
        skip, top = int(query.get("$skip", 0)), int(query.get("$top", len(members)))
        if self.page_size is not None and top > self.page_size:
            top = self.page_size
            if skip + top < len(members):
                path = str(document.get("@odata.id", "")).rstrip("/")
                shaped["Members@odata.nextLink"] = f"{path}?$skip={skip + top}"
        shaped["Members"] = members = members[skip : skip + top]
        if self.expand and "$expand" in query:
            shaped["Members"] = [
                self.resources.get(str(item.get("@odata.id", "")).rstrip("/"), item) if isinstance(item, dict) else item
                for item in members
            ]
        return shaped


def _error(status: int, message: str) -> web.Response:
    body = {"error": {"code": "Base.1.0.GeneralError", "message": message}}
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")

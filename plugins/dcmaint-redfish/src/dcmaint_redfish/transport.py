"""Talking HTTP to one BMC for one poll: aiohttp, a session that is always deleted, and a cap.

Why aiohttp and not the DMTF ``redfish`` library: its transport is
synchronous and CPU-bound (measured: about 22 BMCs per second in 64 threads),
while dcmaint polls a thousand BMCs from one event loop. The library stays
the reference client in the tests and the fleet benchmark's baseline.

One :class:`Transport` serves one poll of one BMC: its own connection pool
(connections to a BMC cannot serve another BMC anyway, and a pool per poll
closes with the poll, whatever loop the runner uses), a semaphore that keeps
at most ``concurrency`` requests in flight (real BMCs allow few), and at
most one Redfish session. What is shared between polls is only the costly
part: SSL contexts (:mod:`dcmaint_redfish.tls`).

The session is created by :meth:`Transport.login` and deleted by
:meth:`Transport.close`, which the driver calls in ``finally``: also after an
error, a timeout, or a cancellation by the runner's deadline. A BMC keeps a
forgotten session for its idle timeout (often 30 minutes) and refuses new
logins when a handful are open, so the DELETE is finished even while the poll
is being cancelled, within its own short budget.

Record and replay (:mod:`dcmaint.drivers.tape`): the transport asks once, when
it is made, whether a deck listens for the BMC's endpoint. A player answers
every request from a recording, without a socket or an aiohttp session (the
parser reads what the BMC said then); a recorder is handed every exchange
after the real one, as the driver finally got it (after any 503/429
retries). An exchange is protocol ``"http"``, the request ``{"method",
"path", "query"}`` (``query`` only when there is one) and never a body: the
only body sent is the session login, which holds the password.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from dcmaint.drivers import AuthFailed, DriverError, NotSupported, ProtocolError, Target, TimedOut, Unreachable, tape
from dcmaint_redfish.options import Endpoint, RedfishOptions

log = logging.getLogger("dcmaint_redfish.transport")

SESSIONS = "/redfish/v1/SessionService/Sessions"  # fixed by the Redfish specification
NOT_OFFERED = frozenset({404, 405, 501})
RETRY_STATUSES = frozenset({429, 503})
RETRY_DELAYS = (0.25, 0.75)  # seconds before the 2nd and 3rd try of a 503/429
MAX_RETRY_AFTER = 2.0
MAX_BODY = 32 * 1024 * 1024
USER_AGENT = "dcmaint-redfish"
PROTOCOL = "http"  # the protocol name of this transport's exchanges in a recording
KEPT_HEADERS = ("x-auth-token",)  # read by the login; a recording's writer scrubs its value


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: the status, and the JSON object when it succeeded."""

    status: int
    document: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def reason(self) -> str:
        try:
            return f"HTTP {self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return f"HTTP {self.status}"


def decode(raw: bytes, where: str) -> Mapping[str, Any]:
    """The JSON object in ``raw``; ProtocolError for anything else (never another exception)."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ProtocolError(f"{where}: the answer is not JSON") from None
    if not isinstance(document, dict):
        raise ProtocolError(f"{where}: expected a JSON object, got {type(document).__name__}")
    return document


class Transport:
    """HTTP to one BMC for one poll. Use ``await open()`` ... ``finally: await close()``."""

    def __init__(self, endpoint: Endpoint, target: Target, options: RedfishOptions, *, logout_budget: float) -> None:
        self.endpoint = endpoint
        self.options = options
        self.requests = 0  # HTTP requests sent, retries included (tests and benchmarks read it)
        self.inflight: set[str] = set()  # paths waiting for an answer
        self.cancelled: list[str] = []  # paths whose request a cancellation interrupted, for timeout messages
        self._target = target
        self._logout_budget = logout_budget
        self._gate = asyncio.Semaphore(options.concurrency)
        self._session: Any = None
        self._auth_headers: dict[str, str] = {}
        self._session_url: str | None = None
        self._session_headers: dict[str, str] = {}
        #: A recorder or a player listening for this BMC, asked once per poll (None: the normal case).
        self._deck = tape.deck_for(target.endpoint)
        self._replay = self._deck is not None and self._deck.replays

    # -- lifetime ------------------------------------------------------------

    async def open(self) -> None:
        if self._replay:
            return  # the recording answers: no connection pool, no aiohttp
        import aiohttp

        from dcmaint_redfish.tls import ssl_argument

        ssl: Any = (
            ssl_argument(self._target.tls, self.options.check_hostname) if self.endpoint.scheme == "https" else None
        )
        # One connection more than the cap: the session DELETE never waits behind a hung request.
        connector = aiohttp.TCPConnector(limit=self.options.concurrency + 1, ssl=ssl if ssl is not None else True)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=self.options.connect_timeout, sock_read=self.options.read_timeout
            ),
            headers={"Accept": "application/json", "OData-Version": "4.0", "User-Agent": USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        """Delete the session (finished even while this task is being cancelled), then drop the connections."""
        cancelled = await self._logout()
        if self._session is not None:
            session, self._session = self._session, None
            try:
                await session.close()
            except asyncio.CancelledError:
                cancelled = True
            except Exception as error:  # noqa: BLE001 - closing sockets must not hide the poll's own outcome
                log.debug("%s: closing connections: %s", self.endpoint.display, error)
        if cancelled:
            raise asyncio.CancelledError

    # -- authentication ------------------------------------------------------

    async def login(self) -> None:
        """Open a Redfish session, or set basic auth, as ``options.auth`` says."""
        user = self._target.username
        secret = self._target.credential
        mode = self.options.auth
        if mode == "none" or user is None:
            return
        password = secret.reveal() if secret is not None else ""
        if mode == "basic":
            self._use_basic(user, password)
            return
        attempt = asyncio.ensure_future(self._create_session(user, password))
        try:
            created = await asyncio.shield(attempt)
        except asyncio.CancelledError:
            # The BMC may be creating the session right now: learn its address, so close() can delete it.
            await asyncio.wait({attempt}, timeout=self._logout_budget)
            if attempt.done() and not attempt.cancelled():
                attempt.exception()
            raise
        if not created:
            if mode == "session":
                raise NotSupported(f"{self.endpoint.display}: the BMC offers no Redfish sessions (try auth=basic)")
            self._use_basic(user, password)

    def _use_basic(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._auth_headers = {"Authorization": f"Basic {token}"}

    async def _create_session(self, user: str, password: str) -> bool:
        """POST the login; True with a session, False when the BMC has no SessionService."""
        body = json.dumps({"UserName": user, "Password": password}).encode()
        status, headers, raw = await self._send(
            "POST", SESSIONS, body=body, extra={"Content-Type": "application/json"}, auth=False
        )
        if status in (401, 403):
            raise AuthFailed(f"{self.endpoint.display}: login refused for user {user!r} (HTTP {status})")
        if status in NOT_OFFERED:
            return False
        if not 200 <= status < 300:
            raise (Unreachable if status == 503 else ProtocolError)(
                f"{self.endpoint.display}: session login failed: {Answer(status).reason}"
            )
        location = headers.get("Location")
        if not location and raw:
            try:
                location = json.loads(raw).get("@odata.id")
            except (ValueError, RecursionError, AttributeError):
                location = None
        token = headers.get("X-Auth-Token")
        if location:
            self._session_url = urlsplit(location).path or None
            self._session_headers = {"X-Auth-Token": token} if token else {}
        if not token:
            if self._session_url is not None:
                self._use_basic(user, password)
                self._session_headers = dict(self._auth_headers)
            raise ProtocolError(f"{self.endpoint.display}: the BMC created a session but sent no X-Auth-Token")
        self._auth_headers = {"X-Auth-Token": token}
        log.debug("%s: session %s opened", self.endpoint.display, self._session_url)
        return True

    async def _logout(self) -> bool:
        """DELETE the session within the logout budget; True when a cancellation was held back meanwhile."""
        if self._session_url is None or (self._session is None and not self._replay):
            return False
        path, headers = self._session_url, self._session_headers
        self._session_url = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._logout_budget
        task = asyncio.current_task()
        cancelled = False
        while loop.time() < deadline:
            try:
                async with asyncio.timeout_at(deadline):
                    status, _headers, _raw = await self._send(
                        "DELETE", path, extra=headers, auth=False, retry=False, gated=False
                    )
                log.debug("%s: session %s deleted (HTTP %s)", self.endpoint.display, path, status)
                break
            except asyncio.CancelledError:
                # The runner's deadline (or its loop closing) is cancelling the poll: the BMC must still
                # lose our session, so finish the DELETE first and pass the cancellation on afterwards.
                cancelled = True
                if task is not None:
                    task.uncancel()
            except (TimeoutError, DriverError) as error:
                log.debug("%s: session %s not deleted: %s", self.endpoint.display, path, error)
                break
        return cancelled

    # -- requests ------------------------------------------------------------

    async def get(self, path: str, query: str | None = None, *, auth: bool = True) -> Answer:
        """GET one resource. 401 raises AuthFailed; other failures come back as an :class:`Answer` to judge."""
        status, _headers, raw = await self._send("GET", path, query=query, auth=auth)
        if status == 401:
            raise AuthFailed(f"{self.endpoint.display}: {path} refused our credentials (HTTP 401)")
        if not 200 <= status < 300:
            return Answer(status)
        return Answer(status, decode(raw, f"{self.endpoint.display}{path}"))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: str | None = None,
        body: bytes | None = None,
        extra: Mapping[str, str] | None = None,
        auth: bool = True,
        retry: bool = True,
        gated: bool = True,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One request, answered by the BMC, or by the recording a player replays."""
        deck = self._deck
        if deck is None:
            return await self._exchange(method, path, query, body, extra, auth=auth, retry=retry, gated=gated)
        request = question(method, path, query)
        if self._replay:
            self.requests += 1
            return replayed(deck.play(PROTOCOL, request), f"{self.endpoint.display}{path}")
        try:
            status, headers, raw = await self._exchange(
                method, path, query, body, extra, auth=auth, retry=retry, gated=gated
            )
        except DriverError as error:
            deck.failed(PROTOCOL, request, error)
            raise
        deck.record(PROTOCOL, request, tape.http_response(status, headers, raw, keep=KEPT_HEADERS))
        return status, headers, raw

    async def _exchange(
        self,
        method: str,
        path: str,
        query: str | None,
        body: bytes | None,
        extra: Mapping[str, str] | None,
        *,
        auth: bool,
        retry: bool,
        gated: bool,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """The request over HTTP, with the retries of a 503/429; the last answer is returned whatever it is."""
        import aiohttp
        from yarl import URL

        if self._session is None:
            raise RuntimeError("Transport.open() was not called")
        url = URL(self.endpoint.base_url + path + (f"?{query}" if query else ""), encoded=True)
        headers = {**(self._auth_headers if auth else {}), **(extra or {})}
        delays = RETRY_DELAYS if retry else ()
        if gated:
            await self._gate.acquire()
        self.inflight.add(path)
        try:
            for delay in (*delays, None):
                self.requests += 1
                async with self._session.request(
                    method, url, data=body, headers=headers, allow_redirects=False
                ) as response:
                    raw = await _bounded_body(response, f"{self.endpoint.display}{path}")
                    if response.status in RETRY_STATUSES and delay is not None:
                        await asyncio.sleep(_retry_after(response.headers, delay))
                        continue
                    return response.status, response.headers, raw
            raise AssertionError("unreachable: the last try always returns")  # pragma: no cover
        except asyncio.CancelledError:
            self.cancelled.append(path)  # what a deadline interrupted, for its message
            raise
        except DriverError:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
            raise self._error(error, path) from None
        finally:
            self.inflight.discard(path)
            if gated:
                self._gate.release()

    def _error(self, error: BaseException, path: str) -> DriverError:
        """The contract error for a transport failure, in one line without credentials."""
        import aiohttp

        host, where = self.endpoint.display, f"{self.endpoint.display}{path}"
        if isinstance(error, aiohttp.ServerFingerprintMismatch):
            return Unreachable(
                f"{host}: TLS certificate fingerprint mismatch (the BMC presents SHA-256 {error.got.hex(':').upper()})"
            )
        if isinstance(error, aiohttp.ClientConnectorCertificateError):
            detail = getattr(error.certificate_error, "verify_message", None) or str(error.certificate_error)
            return Unreachable(
                f"{host}: TLS certificate not trusted ({detail}); give the device a CA file or a fingerprint"
            )
        if isinstance(error, aiohttp.ClientSSLError):
            return Unreachable(f"{host}: TLS handshake failed ({_first_line(error.os_error)})")
        if isinstance(error, aiohttp.ConnectionTimeoutError):
            return TimedOut(
                f"{host}: no connection within {self.options.connect_timeout:.3g} s "
                f"(connect_timeout; the poll's deadline is {self._target.timeout:g} s)"
            )
        if isinstance(error, TimeoutError):
            return TimedOut(
                f"{where}: no answer within {self.options.read_timeout:.3g} s "
                f"(read_timeout; the poll's deadline is {self._target.timeout:g} s)"
            )
        if isinstance(error, aiohttp.ClientConnectorError):
            return Unreachable(f"{host}: cannot connect ({_first_line(error.os_error.strerror or error.os_error)})")
        if isinstance(error, aiohttp.ServerDisconnectedError):
            return Unreachable(f"{where}: the BMC closed the connection")
        if isinstance(error, aiohttp.ClientPayloadError):
            return ProtocolError(f"{where}: incomplete or malformed answer")
        if isinstance(error, aiohttp.ClientResponseError):
            return ProtocolError(f"{where}: unreadable HTTP answer ({_first_line(error.message)})")
        if isinstance(error, ValueError):
            return ProtocolError(f"{where}: {_first_line(error)}")
        return Unreachable(f"{where}: {_first_line(error) or type(error).__name__}")


def question(method: str, path: str, query: str | None) -> dict[str, str]:
    """What a recording keeps of a request, and replay matches on: never a header or a body (they hold secrets).

    >>> question("GET", "/redfish/v1/Systems", "$expand=.($levels=1)")
    {'method': 'GET', 'path': '/redfish/v1/Systems', 'query': '$expand=.($levels=1)'}
    >>> question("POST", "/redfish/v1/SessionService/Sessions", None)
    {'method': 'POST', 'path': '/redfish/v1/SessionService/Sessions'}
    """
    request = {"method": method, "path": path}
    if query:
        request["query"] = query
    return request


async def _bounded_body(response: Any, where: str) -> bytes:
    """The answer's body, refused once it passes MAX_BODY: a stated length at once, a chunked stream as it comes.

    A BMC that streams without end (or lies about nothing and sends gigabytes) costs MAX_BODY of memory at most.
    """
    if (response.content_length or 0) > MAX_BODY:
        raise ProtocolError(f"{where}: answer larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in response.content.iter_chunked(1 << 16):
        body += chunk
        if len(body) > MAX_BODY:
            raise ProtocolError(f"{where}: answer larger than {MAX_BODY} bytes")
    return bytes(body)


def replayed(response: Mapping[str, Any], where: str) -> tuple[int, Mapping[str, str], bytes]:
    """A recorded answer as :meth:`Transport._send` returns a real one (headers looked up in any case)."""
    try:
        status = int(response["status"])
    except (KeyError, TypeError, ValueError):
        raise ProtocolError(f"{where}: the recorded answer has no HTTP status") from None
    raw = tape.response_body(response)
    if len(raw) > MAX_BODY:
        raise ProtocolError(f"{where}: answer larger than {MAX_BODY} bytes")
    return status, RecordedHeaders(tape.response_headers(response)), raw


class RecordedHeaders(Mapping[str, str]):
    """Recorded headers, looked up in any case as aiohttp's are (a recording keeps their names in lower case).

    >>> RecordedHeaders({"X-Auth-Token": "t"}).get("x-auth-token")
    't'
    """

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = {name.lower(): value for name, value in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)


def _retry_after(headers: Mapping[str, str], default: float) -> float:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(headers.get("Retry-After", default))))
    except ValueError:
        return default


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else ""

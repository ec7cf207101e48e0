"""One vSphere session per vCenter per run: logged in once, always logged out.

pyVmomi blocks, so every call runs in a daemon worker thread
(:func:`dcmaint.drivers.threads.run_in_daemon_thread`) and the event loop
stays free for the rest of the fleet. What makes this module more than a
``SmartConnect``: the session must be logged out after a good poll, an
error, the driver's deadline, the runner's cancellation or Ctrl-C, because
a vCenter keeps an abandoned session for 30 minutes and caps how many one
user may hold. So :meth:`Session.close` logs out from a second thread (the
SOAP stub keeps a pool of connections, so the logout does not queue behind
a request that hangs), finishes that even while its task is being
cancelled, and passes the cancellation on afterwards; a login still in
flight when the poll is cancelled logs itself out as soon as it completes.

While a recording is made or replayed (:mod:`dcmaint.drivers.tape`) the login
goes through :mod:`dcmaint_vsphere.taped` instead of ``SmartConnect``. A
replay logs in as the recording did (its user name, a stand-in credential):
the same checks run, and the recorded ``Login`` answers it, since the
recorded question never holds the user name or the password.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dcmaint.drivers import (
    AuthFailed,
    DriverError,
    ProtocolError,
    Target,
    TimedOut,
    TlsSettings,
    Unreachable,
    tape,
)
from dcmaint.drivers.threads import run_in_daemon_thread
from dcmaint_vsphere.endpoints import Endpoint, InvalidEndpoint

log = logging.getLogger("dcmaint_vsphere.session")

LOGOUT_RESERVE = 3.0  # seconds at most kept back from the poll to log out
SOCKET_TIMEOUT = 30.0  # at most, for one request


def logout_reserve(timeout: float) -> float:
    """Seconds of the poll's budget kept for logging out.

    >>> logout_reserve(60.0), logout_reserve(2.0)
    (3.0, 0.5)
    """
    return min(LOGOUT_RESERVE, timeout / 4)


@dataclass(frozen=True)
class Login:
    """Who logs in where, and how the certificate is trusted. ``repr`` never shows the password."""

    endpoint: Endpoint
    username: str
    target: Target
    socket_timeout: float
    check_hostname: bool = True

    @classmethod
    def of(cls, endpoint: Endpoint, target: Target, check_hostname: bool = True) -> Login:
        if not target.username:
            raise InvalidEndpoint(f"{endpoint.display}: no username: register the vCenter account with --username")
        if target.credential is None:
            raise InvalidEndpoint(f"{endpoint.display}: no credential: register one with --credential env:NAME")
        timeout = min(SOCKET_TIMEOUT, max(1.0, target.timeout * 0.75))
        return cls(endpoint, target.username, target, timeout, check_hostname)


class FingerprintMismatch(ssl.SSLError):
    """The server's certificate is not the one pinned for it."""


class _PinnedContext(ssl.SSLContext):
    """A TLS context that trusts exactly one certificate, by its SHA-256, on every connection it makes.

    The pin replaces CA checks (self-signed vCenter and ESXi certificates). pyVmomi's own ``thumbprint``
    is checked only when CA verification fails, and only on the first connection of its pool; this
    context checks each handshake of every pooled connection.
    """

    pin: bytes

    @classmethod
    def pinned(cls, digest: bytes) -> _PinnedContext:
        context = cls(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.pin = digest
        return context

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:  # type: ignore[override]
        wrapped = super().wrap_socket(*args, **kwargs)
        certificate = wrapped.getpeercert(binary_form=True) or b""
        if hashlib.sha256(certificate).digest() != self.pin:
            wrapped.close()
            got = hashlib.sha256(certificate).hexdigest().upper()
            raise FingerprintMismatch(
                f"the server presents SHA-256 {':'.join(got[i : i + 2] for i in range(0, 64, 2))}"
            )
        return wrapped


def _ssl_arguments(tls: TlsSettings, check_hostname: bool) -> dict[str, Any]:
    """``SmartConnect`` keywords for these settings: a pinned SHA-256, a CA file, the system CAs, or no checks."""
    try:
        digest = tls.pinned_digest()
    except ValueError as error:
        raise InvalidEndpoint(str(error)) from None
    if digest is not None:
        return {"sslContext": _PinnedContext.pinned(digest)}
    if not tls.verify:
        return {"disableSslCertValidation": True}
    ca_file = None
    if tls.ca_file is not None:
        path = Path(tls.ca_file).expanduser()
        if not path.is_file():
            raise InvalidEndpoint(f"CA file {path.name}: not found")
        ca_file = str(path)
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (ssl.SSLError, OSError) as error:
        raise InvalidEndpoint(
            f"CA file {Path(ca_file or '').name}: cannot be read as PEM certificates ({error})"
        ) from None
    context.check_hostname = check_hostname
    return {"sslContext": context}


def _fault_name(error: BaseException) -> str:
    return str(getattr(error, "_wsdlName", "") or type(error).__name__)


def translate(error: BaseException, where: str, username: str | None = None) -> DriverError:
    """A pyVmomi, socket or TLS exception as the contract's error, one line naming the endpoint."""
    if isinstance(error, DriverError):
        return error
    name = _fault_name(error)
    if name in ("InvalidLogin", "NoPermission", "NotAuthenticated"):
        who = f" for user {username!r}" if username else ""
        verb = "login refused" if name == "InvalidLogin" else f"not permitted ({name})"
        return AuthFailed(f"{where}: {verb}{who}")
    if isinstance(error, ssl.SSLCertVerificationError):
        return Unreachable(
            f"{where}: TLS certificate not trusted ({error.verify_message}); give a CA file or a fingerprint"
        )
    if isinstance(error, FingerprintMismatch):
        return Unreachable(f"{where}: TLS certificate fingerprint mismatch ({error})")
    if isinstance(error, ssl.SSLError):
        return Unreachable(f"{where}: TLS handshake failed ({error.reason or error})")
    if isinstance(error, (TimeoutError, socket.timeout)):
        return TimedOut(f"{where}: no answer in time")
    if isinstance(error, ConnectionRefusedError):
        return Unreachable(f"{where}: connection refused")
    if isinstance(error, socket.gaierror):
        return Unreachable(f"{where}: host name not resolved")
    if isinstance(error, (http.client.HTTPException, ConnectionError)):
        return Unreachable(f"{where}: connection lost ({type(error).__name__})")
    if isinstance(error, OSError):
        return Unreachable(f"{where}: {error.strerror or error}")
    text = " ".join(str(getattr(error, "msg", "") or error).split())[:200]
    return ProtocolError(f"{where}: not a vSphere API answer ({name}: {text})" if text else f"{where}: {name}")


def _connect(login: Login) -> Any:
    from pyVim.connect import SmartConnect

    endpoint = login.endpoint
    secret = login.target.credential
    deck = tape.deck_for(login.target.endpoint)
    arguments: dict[str, Any] = {}
    try:
        if endpoint.protocol == "https" and not (deck is not None and deck.replays):
            arguments = _ssl_arguments(login.target.tls, login.check_hostname)
        if deck is not None:  # recorded or replayed: dcmaint_vsphere.taped
            from dcmaint_vsphere import taped

            return taped.connect(
                deck,
                endpoint.display,
                endpoint.protocol,
                endpoint.host,
                endpoint.port,
                login.username,
                secret.reveal() if secret is not None else "",
                arguments,
                login.socket_timeout,
            )
        assert secret is not None
        return SmartConnect(
            protocol=endpoint.protocol,
            host=endpoint.host,
            port=endpoint.port,
            user=login.username,
            pwd=secret.reveal(),
            httpConnectionTimeout=login.socket_timeout,
            connectionPoolTimeout=-1,
            **arguments,
        )
    except Exception as error:  # noqa: BLE001 - every failure becomes one contract error
        raise translate(error, endpoint.display, login.username) from None


def _logout(service: Any, where: str) -> None:
    try:
        service.content.sessionManager.Logout()
        log.debug("%s: logged out", where)
    except Exception as error:  # noqa: BLE001 - a failed logout must not hide the poll's own outcome
        log.debug("%s: logout failed: %s", where, error)


class Session:
    """A vSphere login for one batch. Use ``await open()`` ... ``finally: await close()``."""

    def __init__(self, login: Login, *, logout_budget: float) -> None:
        self.login = login
        self._budget = logout_budget
        self._lock = threading.Lock()
        self._service: Any = None
        self._closed = False

    @property
    def where(self) -> str:
        return self.login.endpoint.display

    def _connect_and_keep(self) -> Any:
        service = _connect(self.login)
        with self._lock:
            if not self._closed:
                self._service = service
                return service
        _logout(service, self.where)  # the poll gave up while we were logging in
        raise TimedOut(f"{self.where}: login finished after the poll was cancelled")

    async def open(self) -> Any:
        """Log in (in a worker thread); returns the ServiceInstance."""
        attempt = asyncio.ensure_future(run_in_daemon_thread(self._connect_and_keep, name="dcmaint-vsphere-login"))
        try:
            return await asyncio.shield(attempt)
        except asyncio.CancelledError:
            # The login may complete right now: give it the logout budget, so that close() logs it out.
            await asyncio.wait({attempt}, timeout=self._budget)
            if attempt.done() and not attempt.cancelled():
                attempt.exception()
            raise

    async def call(self, func: Any, *args: Any) -> Any:
        """Run a blocking function of the ServiceInstance in a worker thread; errors become contract errors."""
        try:
            return await run_in_daemon_thread(func, *args, name="dcmaint-vsphere-call")
        except DriverError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure becomes one contract error
            raise translate(error, self.where, self.login.username) from None

    async def close(self) -> None:
        """Log out (finished even while this task is being cancelled), then pass any cancellation on."""
        with self._lock:
            service, self._service = self._service, None
            self._closed = True
        if service is None:
            return
        logout = asyncio.ensure_future(
            run_in_daemon_thread(_logout, service, self.where, name="dcmaint-vsphere-logout")
        )
        task = asyncio.current_task()
        cancelled = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(self._budget, 0.5)
        while not logout.done() and loop.time() < deadline:
            try:
                await asyncio.wait({logout}, timeout=deadline - loop.time())
            except asyncio.CancelledError:
                cancelled = True
                if task is not None:
                    task.uncancel()
        if cancelled:
            raise asyncio.CancelledError

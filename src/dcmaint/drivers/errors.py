"""The errors of the driver contract.

A driver raises only :class:`DriverError` subclasses. Each carries an
:class:`ErrorKind` so that the runner, the store and scripts reading
``--format json`` can tell "the BMC is down" from "the password is wrong"
without parsing prose. Anything else a driver raises is a bug in the driver:
the runner records it as :attr:`ErrorKind.CRASHED` for that one device.

Loading failures (:class:`PluginLoadError`) are different: they belong to the
user's installation, not to one device, so they are :class:`DcmaintError`
subclasses the CLI prints on one line.
"""

from __future__ import annotations

from enum import StrEnum

from dcmaint.errors import DcmaintError, NotFound
from dcmaint.secrets import redact


class ErrorKind(StrEnum):
    """Why a device has no report. Stored and printed as-is; add values, never rename."""

    UNREACHABLE = "unreachable"  # no route, connection refused, DNS failure
    AUTH_FAILED = "auth_failed"  # credentials rejected
    TIMED_OUT = "timed_out"  # the driver or the runner's deadline gave up
    PROTOCOL_ERROR = "protocol_error"  # the device answered something the driver cannot read
    NOT_SUPPORTED = "not_supported"  # this driver cannot poll this device (model, firmware)
    CRASHED = "crashed"  # the driver raised something outside the contract
    INVALID_REPORT = "invalid_report"  # the driver returned something that is not a valid DeviceReport
    NOT_CONFIGURED = "not_configured"  # no driver, unknown driver, unusable credential reference


class DriverError(Exception):
    """Base of the errors a driver may raise. The message is one line a person can act on.

    Example::

        raise Unreachable("10.0.0.5:443: connection refused")
    """

    kind: ErrorKind = ErrorKind.PROTOCOL_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Unreachable(DriverError):
    """The endpoint cannot be reached: no route, refused, name not resolved, TLS handshake failed."""

    kind = ErrorKind.UNREACHABLE


class AuthFailed(DriverError):
    """The endpoint refused the username or credential. Never put the credential in the message."""

    kind = ErrorKind.AUTH_FAILED


class TimedOut(DriverError):
    """The device did not answer within ``target.timeout`` (raised by the driver or by the runner)."""

    kind = ErrorKind.TIMED_OUT


class ProtocolError(DriverError):
    """The device answered, but not in a form the driver understands (malformed or unexpected data)."""

    kind = ErrorKind.PROTOCOL_ERROR


class NotSupported(DriverError):
    """This driver cannot poll this device (wrong model, firmware too old, feature not offered)."""

    kind = ErrorKind.NOT_SUPPORTED


CONTRACT_ERRORS: tuple[type[DriverError], ...] = (Unreachable, AuthFailed, TimedOut, ProtocolError, NotSupported)


def describe(error: BaseException) -> str:
    """An exception as one redacted line: ``Type: first line of the message``.

    >>> describe(KeyError("password"))
    "KeyError: 'password'"
    """
    text = str(error).strip().splitlines()
    return redact(f"{type(error).__name__}: {text[0]}" if text else type(error).__name__)


class PluginLoadError(DcmaintError):
    """A plugin failed to load while strict plugin loading is on."""


class UnknownDriver(NotFound):
    """A device names a driver that no loaded plugin provides."""


class UnknownScheme(NotFound):
    """No installed driver declares the URL scheme of an endpoint (``dcmaint health --target``)."""

"""Credentials: referenced in the store and config, resolved in one place, redacted everywhere.

A credential is never stored in clear. The register keeps a reference:

- ``env:NAME``     the value of environment variable NAME;
- ``file:PATH``    the first line of PATH, a regular UTF-8 file of at most 64 KiB, refused unless only its
                   owner can read it (mode 0600 or stricter);
- ``keyring:SERVICE/USER``  the system keyring (needs the ``dcmaint[keyring]`` extra).

Every value :func:`resolve` hands out is remembered for the life of the process
so that :func:`redact` can blank it from any text (error messages, logs,
reports) before it leaves the program. :func:`redact` also blanks the
password of any URL written ``scheme://user:password@host`` (:func:`redact_url`):
such a URL is refused on the way in, but one may still arrive in a driver's
message or sit in a store written before the refusal.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from dcmaint.errors import SecretError
from dcmaint.i18n import _

SCHEMES = ("env", "file", "keyring")
MASK = "********"

_revealed: set[str] = set()


@dataclass(frozen=True)
class CredentialRef:
    scheme: str
    target: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.target}"


class Secret:
    """A resolved credential. Its repr and str never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(********)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def parse_reference(text: str) -> CredentialRef:
    """Parse ``scheme:target``. The error never repeats the text: it may be a password typed by mistake."""
    scheme, sep, target = text.partition(":")
    if not sep or scheme not in SCHEMES or not target.strip():
        raise SecretError(
            _(
                "a credential must be a reference: env:NAME, file:PATH or keyring:SERVICE/USER "
                "(the value given is not shown, it may be a secret)"
            )
        )
    if scheme == "keyring" and "/" not in target:
        raise SecretError(_("a keyring reference is keyring:SERVICE/USER (the value given is not shown)"))
    return CredentialRef(scheme, target.strip())


#: The most a credential file may hold: a password or a token, not a document.
MAX_FILE_BYTES = 64 * 1024


def _file_kind(mode: int) -> str | None:
    """What a path is when it is not a regular file (reading it could block, or never end)."""
    for test, kind in (
        (stat.S_ISDIR, _("a directory")),
        (stat.S_ISFIFO, _("a named pipe")),
        (stat.S_ISSOCK, _("a socket")),
        (stat.S_ISCHR, _("a device")),
        (stat.S_ISBLK, _("a device")),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else _("a special file")


def _check_file(ref: CredentialRef, mode: int, size: int) -> None:
    kind = _file_kind(mode)
    if kind is not None:
        raise SecretError(_("{ref}: is {kind}, not a file holding a credential").format(ref=ref, kind=kind))
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(
            _("{ref}: file mode is {mode}; make it readable by its owner only (chmod 600)").format(
                ref=ref, mode=oct(stat.S_IMODE(mode))
            )
        )
    if size > MAX_FILE_BYTES:
        raise _too_large(ref)


def _too_large(ref: CredentialRef) -> SecretError:
    return SecretError(
        _("{ref}: the file is larger than {most} KiB; a credential file holds one line").format(
            ref=ref, most=MAX_FILE_BYTES // 1024
        )
    )


def _read_file(path: Path, ref: CredentialRef) -> str:
    """The first line of a regular, owner-only file of at most 64 KiB.

    The path is looked at (``os.stat``) before it is opened: opening a named
    pipe waits for a writer, forever, and a device may never end. The file is
    opened non-blocking and looked at again through its descriptor, in case
    the path was swapped in between.
    """
    try:
        found = path.stat()
        _check_file(ref, found.st_mode, found.st_size)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            opened = os.fstat(file.fileno())
            _check_file(ref, opened.st_mode, opened.st_size)
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SecretError(_("{ref}: cannot read: {reason}").format(ref=ref, reason=exc.strerror)) from None
    if len(data) > MAX_FILE_BYTES:  # it grew since it was looked at
        raise _too_large(ref)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretError(_("{ref}: the file is not UTF-8 text").format(ref=ref)) from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def _read_keyring(ref: CredentialRef) -> str | None:
    try:
        import keyring  # optional extra, imported only when a keyring reference is used
        from keyring.errors import NoKeyringError
    except ImportError:
        raise SecretError(
            _("{ref}: the keyring backend is not installed (pip install 'dcmaint[keyring]')").format(ref=ref)
        ) from None
    service, _sep, user = ref.target.partition("/")
    try:
        return keyring.get_password(service, user)
    except NoKeyringError:
        raise SecretError(
            _("{ref}: no keyring is available on this machine (keyring --list-backends)").format(ref=ref)
        ) from None
    except Exception as exc:  # noqa: BLE001 - any backend (D-Bus, macOS, Windows, a plugin) may fail its own way
        raise SecretError(_("{ref}: the keyring failed: {error}").format(ref=ref, error=_first_line(exc))) from None


def _first_line(error: BaseException) -> str:
    """An exception's type and the first line of its message, bounded: never a traceback."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _read_env(ref: CredentialRef) -> str:
    value = os.environ.get(ref.target)
    if value is None:
        raise SecretError(_("{ref}: the environment variable {name} is not set").format(ref=ref, name=ref.target))
    return value


def resolve(reference: str | CredentialRef) -> Secret:
    """The one function that turns a reference into a secret value.

    Every failure is a SecretError with one line that names the reference, never the value: a
    missing variable, a path that is not a small regular owner-only UTF-8 file, a keyring that is
    missing or fails. Nothing else escapes, so a caller can make it one device's result.
    """
    ref = parse_reference(reference) if isinstance(reference, str) else reference
    try:
        if ref.scheme == "env":
            value: str | None = _read_env(ref)
        elif ref.scheme == "file":
            value = _read_file(Path(ref.target).expanduser(), ref)
        else:
            value = _read_keyring(ref)
    except SecretError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise above: one line, whatever went wrong
        raise SecretError(_("{ref}: cannot be resolved: {error}").format(ref=ref, error=_first_line(exc))) from None
    if not value:
        raise SecretError(_("{ref}: no value found").format(ref=ref))
    _revealed.add(value)
    return Secret(value)


def url_password(url: str) -> tuple[int, int] | None:
    """Where the password of ``url``'s user information lies (start, end), or None when it has none.

    Read by hand rather than with ``urlsplit``, which ends the host part at the first ``/``: a password
    typed with a raw ``/`` or ``#`` in it (``redfish://admin:pa/ss@host``) would slip through. The user
    information is everything before the *last* ``@`` after the scheme, so an ``@`` in a path must be
    written ``%40``; a URL without a scheme (``admin:pw@10.0.0.5``) is read the same way. An empty
    password (``admin:@host``) hides nothing and is not one.

    >>> url = "redfish://admin:S3cret@10.0.0.5"
    >>> start, end = url_password(url)
    >>> url[start:end]
    'S3cret'
    >>> url_password("redfish://admin@10.0.0.5"), url_password("https://[fd00::5]:8443/redfish/v1")
    (None, None)
    """
    scheme_end = url.find("://")
    begin = scheme_end + 3 if scheme_end >= 0 else 0
    at = url.rfind("@", begin)
    if at < 0:
        return None
    colon = url.find(":", begin, at)
    if colon < 0 or colon + 1 == at:
        return None
    return colon + 1, at


def redact_url(url: str) -> str:
    """``url`` with its password (if any) shown as ``********``, everything else as written.

    >>> redact_url("redfish://admin:S3cret@10.0.0.5:443")
    'redfish://admin:********@10.0.0.5:443'
    """
    span = url_password(url)
    return url if span is None else url[: span[0]] + MASK + url[span[1] :]


#: A URL-like word in free text: scheme, ``://``, and no white space or quote.
_URL_WORD = re.compile(r"""[A-Za-z][A-Za-z0-9+.-]*://[^\s'"<>`]+""")


def redact(text: str) -> str:
    """Blank every secret this process has resolved, and every URL's password, out of ``text``."""
    for value in sorted(_revealed, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    if "://" in text and "@" in text:
        text = _URL_WORD.sub(lambda found: redact_url(found.group(0)), text)
    return text


class RedactingFilter(logging.Filter):
    """Log filter that redacts resolved secrets from every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

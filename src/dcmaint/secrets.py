"""Credentials: referenced in the store and config, resolved in one place, redacted everywhere.

A credential is never stored in clear. The register keeps a reference:

- ``env:NAME``     the value of environment variable NAME;
- ``file:PATH``    the first line of PATH, refused unless only its owner can read it (mode 0600 or stricter);
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


def _read_file(path: Path, ref: CredentialRef) -> str:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SecretError(_("{ref}: cannot read: {reason}").format(ref=ref, reason=exc.strerror)) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(
            _("{ref}: file mode is {mode}; make it readable by its owner only (chmod 600)").format(
                ref=ref, mode=oct(stat.S_IMODE(mode))
            )
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0] if lines else ""


def _read_keyring(ref: CredentialRef) -> str | None:
    try:
        import keyring  # optional extra, imported only when a keyring reference is used
    except ImportError:
        raise SecretError(
            _("{ref}: the keyring backend is not installed (pip install 'dcmaint[keyring]')").format(ref=ref)
        ) from None
    service, _sep, user = ref.target.partition("/")
    return keyring.get_password(service, user)


def resolve(reference: str | CredentialRef) -> Secret:
    """The one function that turns a reference into a secret value."""
    ref = parse_reference(reference) if isinstance(reference, str) else reference
    if ref.scheme == "env":
        value = os.environ.get(ref.target)
    elif ref.scheme == "file":
        value = _read_file(Path(ref.target).expanduser(), ref)
    else:
        value = _read_keyring(ref)
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

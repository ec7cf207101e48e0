"""``dcmaint health --target URL``: endpoints polled without being registered (monitoring systems).

The core knows no protocol: a target's URL scheme names the driver, through
the schemes installed drivers declare (``Driver.schemes``), and the device
kind is ``--kind`` or the driver's only kind. Targets belong to no site, so
they are :class:`~dcmaint.drivers.target.AdhocTarget` objects, never devices
of the register, and cannot be recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dcmaint.domain import parse
from dcmaint.domain.devices import parse_options
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.urls import refuse_password_in_url
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.secrets import parse_reference

if TYPE_CHECKING:
    from dcmaint.drivers.catalog import DriverInfo
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.target import AdhocTarget


@dataclass(frozen=True)
class AdhocLogin:
    """How every ``--target`` endpoint of one run is logged in to: the same for all of them.

    ``password_ref`` is a reference (``env:NAME``, ``file:PATH``, ``keyring:SERVICE/USER``), never a
    password; ``insecure`` turns TLS verification off and excludes ``ca_file`` and ``fingerprint``.
    """

    username: str | None = None
    password_ref: str | None = None
    ca_file: str | None = None
    fingerprint: str | None = None
    insecure: bool = False
    options: Mapping[str, str] = field(default_factory=dict)


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def driver_for_url(text: str, manager: DriverManager, option: str = "--target") -> tuple[DriverInfo, str]:
    """The driver serving ``text``'s scheme and a device name for it (host, with ``_PORT``); UsageError naming
    ``option`` and the URL (a password in it first, before anything else could repeat it)."""
    from dcmaint.drivers.errors import UnknownScheme

    refuse_password_in_url(text, option)
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.scheme or not parts.hostname or port == -1 or any(ch.isspace() for ch in text):
        raise UsageError(
            _("invalid {option} {value!r}: expected SCHEME://HOST[:PORT] (known schemes: {known})").format(
                option=option, value=text, known=manager.schemes_text()
            )
        )
    try:
        info = manager.for_scheme(parts.scheme)
    except UnknownScheme:
        raise UsageError(
            _("invalid {option} {value!r}: no installed driver serves {scheme!r} (known schemes: {known})").format(
                option=option, value=text, scheme=parts.scheme.lower(), known=manager.schemes_text()
            )
        ) from None
    name = parts.hostname if port is None else f"{parts.hostname}_{port}"
    return info, parse.name(name.replace(":", "_"), _("device"))


def _kind(text: str, info: DriverInfo, kind: DeviceKind | None) -> DeviceKind:
    """``--kind`` when the driver serves it, else the driver's only kind; UsageError naming the choices."""
    served = ", ".join(info.kinds)
    if kind is not None:
        if kind not in info.kinds:
            raise UsageError(
                _("invalid --kind {kind} for --target {value!r}: driver {driver!r} serves {kinds}").format(
                    kind=kind.value, value=text, driver=info.name, kinds=served
                )
            )
        return kind
    if len(info.kinds) == 1:
        return info.kinds[0]
    raise UsageError(
        _("--target {value!r}: driver {driver!r} serves several kinds; choose one with --kind ({kinds})").format(
            value=text, driver=info.name, kinds=served
        )
    )


def adhoc_targets(
    texts: Sequence[str], manager: DriverManager, *, kind: DeviceKind | None = None, login: AdhocLogin = AdhocLogin()
) -> list[AdhocTarget]:
    """The targets for ``--target`` URLs, checked like a register entry; UsageError naming the first bad value."""
    from dcmaint.drivers.target import AdhocTarget, TlsSettings

    if login.insecure and (login.ca_file or login.fingerprint):
        raise UsageError(_("--insecure cannot be combined with --ca-file or --fingerprint"))
    reference = _text(login.password_ref)
    credential = str(parse_reference(reference)) if reference else None
    ca_file = _text(login.ca_file)
    tls = TlsSettings(
        verify=not login.insecure,
        ca_file=Path(ca_file) if ca_file else None,
        fingerprint=parse.fingerprint(login.fingerprint) if login.fingerprint else None,
    )
    options = parse_options(login.options)
    targets = []
    for text in (value.strip() for value in texts):
        info, name = driver_for_url(text, manager)
        targets.append(
            AdhocTarget(name, _kind(text, info, kind), info.name, text, _text(login.username), credential, tls, options)
        )
    return targets

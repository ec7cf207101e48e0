"""What a driver is given: one device to poll, with its credential already resolved.

Drivers never see the register or the credential reference; the core turns a
:class:`~dcmaint.domain.records.Device` into a :class:`Target` through
:func:`target_from_device`, which resolves the reference with
:func:`dcmaint.secrets.resolve` (the only resolver) so that the value is also
known to :func:`dcmaint.secrets.redact`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers.plain import frozen_mapping
from dcmaint.secrets import Secret, resolve


@dataclass(frozen=True)
class TlsSettings:
    """How to trust the endpoint's certificate.

    ``verify`` False accepts any certificate (the register's ``--insecure``);
    ``ca_file`` is a CA bundle to verify against; ``fingerprint`` is the
    certificate's SHA-256 as upper-case colon pairs: pin it when given.

    >>> TlsSettings().verify
    True
    """

    verify: bool = True
    ca_file: Path | None = None
    fingerprint: str | None = None

    def pinned_digest(self) -> bytes | None:
        """The pinned SHA-256 as the 32 bytes a handshake's certificate is hashed to; None when nothing is pinned.

        Accepts ``AB:CD:...`` or plain hex. The register stores only valid fingerprints, but a Target built
        by other code may carry anything, so a bad one raises ValueError with a line a driver can report.

        >>> len(TlsSettings(fingerprint="00" * 32).pinned_digest())
        32
        """
        if not self.fingerprint:
            return None
        cleaned = self.fingerprint.replace(":", "").replace(" ", "").strip()
        try:
            digest = bytes.fromhex(cleaned)
        except ValueError:
            raise ValueError("the TLS fingerprint must be a SHA-256 in hex (AB:CD:...)") from None
        if len(digest) != 32:
            raise ValueError(f"the TLS fingerprint has {len(digest)} bytes; a SHA-256 has 32")
        return digest


@dataclass(frozen=True)
class Target:
    """One device as a driver sees it. ``repr`` never shows the credential.

    ``timeout`` is the seconds the runner allows this poll; a driver should
    set its own network timeouts below it so that it can raise
    :class:`~dcmaint.drivers.errors.TimedOut` with a useful message.
    ``options`` carries driver-specific settings as strings.

    >>> from dcmaint.secrets import Secret
    >>> target = Target("bmc-01", DeviceKind.SERVER, "redfish://10.0.0.5", username="monitor",
    ...                 credential=Secret("s3cret"))
    >>> "s3cret" in repr(target)
    False
    >>> target.credential.reveal()
    's3cret'
    """

    name: str
    kind: DeviceKind
    endpoint: str | None = None
    username: str | None = None
    credential: Secret | None = field(default=None, compare=False)
    tls: TlsSettings = field(default_factory=TlsSettings)
    timeout: float = 60.0
    options: Mapping[str, str] = field(default_factory=dict)
    site: str | None = None
    driver: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeviceKind(self.kind))
        object.__setattr__(self, "options", frozen_mapping(self.options))


def target_from_device(
    device: Device,
    *,
    timeout: float = 60.0,
    options: Mapping[str, str] | None = None,
    credential: Secret | None = None,
) -> Target:
    """The target for a registered device; raises SecretError when its credential cannot be resolved.

    A device without a credential reference gets ``credential=None`` (SNMP
    communities or anonymous read-only endpoints are the driver's business).
    ``credential`` is the reference's value when it was already looked up
    (:func:`dcmaint.drivers.credentials.look_up`, under the run's deadline).
    """
    return Target(
        name=device.name,
        kind=DeviceKind(device.kind),
        endpoint=device.endpoint,
        username=device.username,
        credential=credential or (resolve(device.credential) if device.credential else None),
        tls=TlsSettings(
            verify=device.tls_verify,
            ca_file=Path(device.ca_file) if device.ca_file else None,
            fingerprint=device.fingerprint,
        ),
        timeout=timeout,
        options={**device.options, **(options or {})},
        site=device.site,
        driver=device.driver,
    )


@dataclass(frozen=True)
class AdhocTarget:
    """An endpoint polled without being registered (``dcmaint health --target``): it belongs to no site.

    Like a register entry it holds the credential as a *reference*; the
    planner looks it up when the run is planned, so that a reference that
    cannot be resolved is that endpoint's ``not_configured`` result, as for a
    registered device.
    """

    name: str
    kind: DeviceKind
    driver: str
    endpoint: str
    username: str | None = None
    credential: str | None = None  # a reference such as env:NAME, never a secret
    tls: TlsSettings = field(default_factory=TlsSettings)
    options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeviceKind(self.kind))
        object.__setattr__(self, "options", frozen_mapping(self.options))

    @property
    def site(self) -> None:
        """No site: results of ad-hoc targets carry ``site`` None."""
        return None

    def target(self, *, timeout: float = 60.0, credential: Secret | None = None) -> Target:
        """The driver's view; raises SecretError when the credential reference cannot be resolved.

        ``credential`` is the reference's value when it was already looked up (as for a device).
        """
        return Target(
            self.name,
            self.kind,
            self.endpoint,
            self.username,
            credential or (resolve(self.credential) if self.credential else None),
            self.tls,
            timeout,
            self.options,
            None,
            self.driver,
        )


def endpoint_key(endpoint: str | None, fallback: str) -> str:
    """An endpoint's scheme, host and port in lower case, or ``fallback`` when it names no host.

    The default batch key (:meth:`dcmaint.drivers.base.Driver.batch_key`): path, query and login are
    not part of it.

    >>> endpoint_key("HTTPS://admin@VC01.example:443/sdk", "vc-host-1")
    'https://vc01.example:443'
    >>> endpoint_key("snmp://10.0.0.9", "ups-1"), endpoint_key(None, "ups-1")
    ('snmp://10.0.0.9', 'ups-1')
    """
    parts = urlsplit(endpoint or "")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: the endpoint is its own
        return fallback
    if not parts.hostname:
        return fallback
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")

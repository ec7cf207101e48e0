"""Where a vCenter or an ESXi host answers, and which host of its inventory a device is.

``vsphere://HOST[:PORT]/`` is the vCenter (or a standalone ESXi host) itself,
over HTTPS; ``vsphere+http://`` is plain HTTP, for simulators. A host managed
by a vCenter is ``vsphere://VCENTER/host/NAME``, NAME being the host's name in
the inventory (percent-encoded): every host of one vCenter shares its scheme,
address and port, so the runner polls them together (one batch per vCenter),
and a host moved to another vCenter is a new endpoint.

>>> parse_endpoint("vsphere://vc01.example/host/esx01.example").inventory_host
'esx01.example'
>>> parse_endpoint("vsphere+http://127.0.0.1:8989/").soap_url
'http://127.0.0.1:8989/sdk'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from dcmaint.drivers import ErrorKind, NotSupported

#: Endpoint scheme -> the SOAP transport's scheme.
SCHEMES = {"vsphere": "https", "vsphere+https": "https", "vsphere+http": "http"}
HOST_PATH = "/host/"


class InvalidEndpoint(NotSupported):
    """The device's endpoint or options cannot be used; recorded as ``not_configured``, not as a fault."""

    kind = ErrorKind.NOT_CONFIGURED


@dataclass(frozen=True)
class Endpoint:
    """A vCenter's (or an ESXi host's) SOAP endpoint, and the inventory host a device stands for (None: itself)."""

    protocol: str  # "https" or "http"
    host: str
    port: int
    inventory_host: str | None = None

    @property
    def display(self) -> str:
        """How messages name the endpoint: address and port, never a credential."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def soap_url(self) -> str:
        return f"{self.protocol}://{self.display}/sdk"

    @property
    def base(self) -> str:
        """The vCenter's own dcmaint endpoint (no host path)."""
        scheme = "vsphere" if self.protocol == "https" else "vsphere+http"
        return f"{scheme}://{self.display}/"


def parse_endpoint(text: str | None) -> Endpoint:
    """``vsphere://HOST[:PORT]/`` or ``vsphere://HOST[:PORT]/host/NAME``; InvalidEndpoint names what is wrong."""
    if not text:
        raise InvalidEndpoint("no endpoint: give the vCenter as vsphere://HOST[:PORT]/")
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise InvalidEndpoint(f"endpoint {text!r} is not a valid address") from None
    protocol = SCHEMES.get(parts.scheme.lower())
    if protocol is None:
        raise InvalidEndpoint(f"endpoint {text!r}: the scheme must be one of {', '.join(SCHEMES)}")
    if not parts.hostname:
        raise InvalidEndpoint(f"endpoint {text!r} names no host")
    if parts.username or parts.password:
        raise InvalidEndpoint(
            f"endpoint {parts.scheme}://{parts.hostname}: give the login with --username, not in the URL"
        )
    if parts.query or parts.fragment:
        raise InvalidEndpoint(f"endpoint {text!r}: no query or fragment is understood")
    path = parts.path
    inventory_host = None
    if path.startswith(HOST_PATH) and len(path) > len(HOST_PATH):
        inventory_host = unquote(path[len(HOST_PATH) :].rstrip("/"))
    elif path not in ("", "/", "/sdk"):
        raise InvalidEndpoint(f"endpoint {text!r}: the path must be / or /host/NAME")
    default_port = 443 if protocol == "https" else 80
    return Endpoint(protocol, parts.hostname, port or default_port, inventory_host or None)


def host_endpoint(base: str, name: str) -> str:
    """The endpoint of inventory host ``name`` behind the vCenter at ``base``.

    >>> host_endpoint("vsphere://vc01.example/", "esx 01")
    'vsphere://vc01.example/host/esx%2001'
    """
    return base.rstrip("/") + HOST_PATH + quote(name, safe="")

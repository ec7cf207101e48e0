"""How the transport trusts a BMC's certificate, from the device's TLS settings.

Verification is on by default, against the system CAs. A device may name a
CA bundle (``ca_file``) or pin the certificate's SHA-256 (``fingerprint``,
the strongest: it replaces CA checks, which is what self-signed BMC
certificates need); ``verify`` False accepts anything and is used only when
the register says the device is insecure.

Building an SSL context reads the CA store (milliseconds each), so contexts
are cached: a fleet poll builds one per distinct CA file, not one per BMC.
"""

from __future__ import annotations

import functools
import ssl
from pathlib import Path
from typing import Any

from dcmaint.drivers import TlsSettings
from dcmaint_redfish.options import InvalidOptions


@functools.lru_cache(maxsize=32)
def _context(ca_file: str | None, stamp: float, check_hostname: bool) -> ssl.SSLContext:
    # ``stamp`` (the CA file's mtime) is only part of the cache key: a replaced bundle is read again.
    context = ssl.create_default_context(cafile=ca_file)
    context.check_hostname = check_hostname
    return context


def ssl_argument(tls: TlsSettings, check_hostname: bool = True) -> Any:
    """What aiohttp's ``ssl=`` takes for these settings: a context, a Fingerprint, or False."""
    try:
        digest = tls.pinned_digest()
    except ValueError as error:
        raise InvalidOptions(str(error)) from None
    if digest is not None:
        import aiohttp

        return aiohttp.Fingerprint(digest)
    if not tls.verify:
        return False
    ca_file = None
    stamp = 0.0
    if tls.ca_file is not None:
        path = Path(tls.ca_file).expanduser()
        try:
            stamp = path.stat().st_mtime
        except OSError as error:
            raise InvalidOptions(f"CA file {path.name}: {error.strerror or error}") from None
        ca_file = str(path)
    try:
        return _context(ca_file, stamp, check_hostname)
    except (ssl.SSLError, OSError) as error:
        raise InvalidOptions(
            f"CA file {Path(ca_file or '').name}: cannot be read as PEM certificates ({error})"
        ) from None

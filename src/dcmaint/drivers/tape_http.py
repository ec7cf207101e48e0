"""The shared shape of an HTTP answer in a recording (see :mod:`dcmaint.drivers.tape`).

Redfish, SOAP and a vendor's JSON API all speak HTTP: keeping their answers
alike makes recordings read alike and lets the scrubber treat them alike.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

_KEPT_HEADERS = ("content-type", "location", "retry-after", "www-authenticate", "odata-version", "etag")


def http_response(status: int, headers: Mapping[str, str], body: bytes, *, keep: Sequence[str] = ()) -> dict[str, Any]:
    """An HTTP answer as a recording keeps it: status, the headers a parser reads, and the body.

    The body is kept as parsed JSON when it is JSON (replayed as compact JSON:
    the same document, not the same bytes), as text when it is UTF-8, and as
    base64 otherwise. Only the headers in ``keep`` (and a few every
    client reads: Content-Type, Location, Retry-After, ...) are kept; cookies
    and tokens are not, unless named, and then they are scrubbed on saving.

    >>> http_response(200, {"Content-Type": "application/json", "Set-Cookie": "a=b"}, b'{"a": 1}')
    {'status': 200, 'headers': {'content-type': 'application/json'}, 'json': {'a': 1}}
    >>> response_body(http_response(200, {}, b"<ok/>"))
    b'<ok/>'
    """
    wanted = {*_KEPT_HEADERS, *(name.lower() for name in keep)}
    kept = {name.lower(): str(value) for name, value in headers.items() if name.lower() in wanted}
    answer: dict[str, Any] = {"status": int(status), "headers": kept}
    if "json" in kept.get("content-type", "") or body[:1] in (b"{", b"["):
        try:
            answer["json"] = json.loads(body)
            return answer
        except (ValueError, RecursionError):
            pass  # not JSON after all: kept as text or bytes, as the device sent it
    try:
        answer["text"] = body.decode("utf-8")
    except UnicodeDecodeError:
        answer["base64"] = base64.b64encode(body).decode("ascii")
    return answer


def response_body(response: Mapping[str, Any]) -> bytes:
    """The body bytes of an answer kept by :func:`http_response` (JSON is written back compactly)."""
    if "json" in response:
        return json.dumps(response["json"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if "text" in response:
        return str(response["text"]).encode("utf-8")
    if "base64" in response:
        return base64.b64decode(str(response["base64"]))
    return b""


def response_headers(response: Mapping[str, Any]) -> dict[str, str]:
    headers = response.get("headers") or {}
    return {str(name): str(value) for name, value in headers.items()}

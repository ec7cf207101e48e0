"""HTTP answers shaped like a Redfish service's: JSON with OData headers, errors in the DMTF error format."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

_HEADERS = {"OData-Version": "4.0", "Cache-Control": "no-cache"}
_REASONS = {
    401: ("Base.1.16.NoValidSession", "There is no valid session established with the implementation."),
    403: (
        "Base.1.16.InsufficientPrivilege",
        (
            "There are insufficient privileges for the account or credentials "
            "associated with the current session to perform the requested operation."
        ),
    ),
    404: ("Base.1.16.ResourceNotFound", "The requested resource was not found."),
    500: ("Base.1.16.InternalError", "The request failed due to an internal service error."),
    503: ("Base.1.16.ServiceTemporarilyUnavailable", "The service is temporarily unavailable. Retry later."),
}


def json_body(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        body=body,
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers={**_HEADERS, **(headers or {})},
    )


def error(status: int, message_id: str, message: str) -> web.Response:
    """A Redfish error body: ``{"error": {"code", "message", "@Message.ExtendedInfo": [...]}}``."""
    body = {
        "error": {
            "code": "Base.1.16.GeneralError",
            "message": "A general error has occurred. See ExtendedInfo for more information.",
            "@Message.ExtendedInfo": [
                {
                    "@odata.type": "#Message.v1_1_1.Message",
                    "MessageId": message_id,
                    "Message": message,
                    "Severity": "Critical" if status >= 500 else "Warning",
                    "Resolution": "None.",
                }
            ],
        }
    }
    extra = {"WWW-Authenticate": 'Basic realm="Redfish"'} if status == 401 else None
    return json_body(json.dumps(body).encode(), status, extra)


def status(code: int) -> web.Response:
    """The error a ``http=CODE`` fault answers with."""
    message_id, message = _REASONS.get(code, ("Base.1.16.GeneralError", f"The service answered HTTP {code}."))
    answer = error(code, message_id, message)
    if code == 503:
        answer.headers["Retry-After"] = "5"
    return answer


def unauthorised() -> web.Response:
    return status(401)

"""The recording file: one poll of one device, its exchanges in order (see :mod:`dcmaint.drivers.tape`).

Plain JSON (format 1, documented in docs/recording.md), so that a recording
can be read, diffed, scrubbed and attached to a bug report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcmaint.drivers.errors import CONTRACT_ERRORS, DriverError
from dcmaint.drivers.target import Target

FORMAT = 1
#: The credential a replayed target carries: the device is not asked, so no real secret is ever needed.
REPLAYED_SECRET = "replayed"


ERRORS: dict[str, type[DriverError]] = {cls.kind.value: cls for cls in CONTRACT_ERRORS}


@dataclass(frozen=True)
class Exchange:
    """One question and its answer; ``error`` instead of ``response`` when the transport got a contract error."""

    protocol: str
    request: Mapping[str, Any]
    response: Mapping[str, Any] | None = None
    error: Mapping[str, str] | None = None

    def key(self) -> str:
        """What replay matches on: the protocol and the request, as canonical JSON."""
        return request_key(self.protocol, self.request)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"protocol": self.protocol, "request": dict(self.request)}
        if self.error is not None:
            data["error"] = dict(self.error)
        else:
            data["response"] = dict(self.response or {})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exchange:
        if not isinstance(data, Mapping) or not isinstance(data.get("protocol"), str):
            raise ValueError("an exchange needs a protocol")
        request, response, error = data.get("request"), data.get("response"), data.get("error")
        if not isinstance(request, Mapping):
            raise ValueError(f"exchange {data.get('protocol')!r}: request must be an object")
        if error is not None:
            if not isinstance(error, Mapping) or error.get("kind") not in ERRORS:
                raise ValueError(f"exchange {data['protocol']!r}: error.kind must be one of {', '.join(ERRORS)}")
            return cls(data["protocol"], request, None, {"kind": error["kind"], "message": str(error.get("message"))})
        if not isinstance(response, Mapping):
            raise ValueError(f"exchange {data['protocol']!r}: needs a response object or an error")
        return cls(data["protocol"], request, response)


def request_key(protocol: str, request: Mapping[str, Any]) -> str:
    """The canonical text of a question: equal questions give equal keys whatever the order of their fields."""
    return json.dumps([protocol, request], sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Recording:
    """One poll of one device: what to poll, what was said, and what the poll gave.

    ``report`` is the report's ``as_json()`` (None when the poll failed, then
    ``error`` holds ``{"kind", "message"}``). ``scrubbed`` lists what was
    replaced before the file was written (``{"addresses": 2, "serials": 1}``),
    never the original values. ``username`` is the login the poll used (None
    when it used none): a replay logs in as it did, with a stand-in secret,
    so that the driver's login path is replayed too.
    """

    driver: str
    kind: str
    endpoint: str | None
    exchanges: tuple[Exchange, ...]
    options: Mapping[str, Any] = field(default_factory=dict)
    report: Mapping[str, Any] | None = None
    error: Mapping[str, str] | None = None
    driver_version: str = ""
    dcmaint_version: str = ""
    recorded_at: str | None = None
    scrubbed: Mapping[str, int] = field(default_factory=dict)
    name: str = ""
    username: str | None = None

    def target(self, name: str | None = None, *, timeout: float = 30.0) -> Target:
        """The target to poll when replaying this recording.

        With the recorded login and a stand-in credential: requests never hold secrets, so the replayed login
        matches the recorded one whatever the password was.
        """
        from dcmaint.domain.enums import DeviceKind
        from dcmaint.secrets import Secret

        return Target(
            name or self.name or "replayed",
            DeviceKind(self.kind),
            self.endpoint,
            username=self.username,
            credential=Secret(REPLAYED_SECRET) if self.username is not None else None,
            options=dict(self.options),
            timeout=timeout,
        )

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "driver": self.driver,
            "driver_version": self.driver_version,
            "dcmaint_version": self.dcmaint_version,
            "recorded_at": self.recorded_at,
            "kind": self.kind,
            "endpoint": self.endpoint,
            "username": self.username,
            "options": dict(self.options),
            "scrubbed": dict(self.scrubbed),
            "exchanges": [exchange.as_json() for exchange in self.exchanges],
        }
        if self.error is not None:
            data["error"] = dict(self.error)
        else:
            data["report"] = self.report
        return data

    @classmethod
    def from_json(cls, data: Any) -> Recording:
        """Rebuild a recording; ValueError (one line naming the field) when the document is not one."""
        if not isinstance(data, Mapping):
            raise ValueError("a recording is a JSON object")
        if data.get("format") != FORMAT:
            raise ValueError(f"recording format {data.get('format')!r} is not {FORMAT}")
        for name in ("driver", "kind"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise ValueError(f"a recording needs a {name}")
        exchanges = data.get("exchanges")
        if not isinstance(exchanges, list):
            raise ValueError("a recording needs a list of exchanges")
        options = data.get("options") or {}
        if not isinstance(options, Mapping):
            raise ValueError("a recording's options must be an object")
        error = data.get("error")
        if error is not None and (not isinstance(error, Mapping) or error.get("kind") not in ERRORS):
            raise ValueError(f"a recording's error.kind must be one of {', '.join(ERRORS)}")
        return cls(
            driver=data["driver"],
            kind=data["kind"],
            endpoint=data.get("endpoint"),
            exchanges=tuple(Exchange.from_json(item) for item in exchanges),
            options=options,
            report=data.get("report"),
            error=error,
            driver_version=str(data.get("driver_version") or ""),
            dcmaint_version=str(data.get("dcmaint_version") or ""),
            recorded_at=data.get("recorded_at"),
            scrubbed=data.get("scrubbed") or {},
            name=str(data.get("name") or ""),
            username=_optional_text(data, "username"),
        )

    @classmethod
    def load(cls, path: str | Path) -> Recording:
        """Read a recording file; ValueError naming the file when it is not one."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: not a readable recording ({error})") from None
        try:
            recording = cls.from_json(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return recording if recording.name else _renamed(recording, path.stem)

    def text(self) -> str:
        """The file's text: one field per line at the top, so that two recordings diff readably."""
        return json.dumps(self.as_json(), indent=1, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.text(), encoding="utf-8")
        return path


def _optional_text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"a recording's {name} must be a string or null")
    return value


def _renamed(recording: Recording, name: str) -> Recording:
    from dataclasses import replace

    return replace(recording, name=name)

"""The outcome of polling one device: a report, or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.health import Health
from dcmaint.drivers.report import DeviceReport
from dcmaint.secrets import redact

MAX_MESSAGE = 400


def one_line(text: str) -> str:
    """A message fit for a table cell and a log line: first line, redacted, bounded."""
    lines = text.strip().splitlines()
    line = redact(lines[0].strip() if lines else "")
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


@dataclass(frozen=True)
class PollResult:
    """One device's result. ``status`` is the report's status, or ``unknown`` when there is no report.

    >>> result = PollResult.failed("ups-1", "acme-ups", ErrorKind.UNREACHABLE, "10.0.0.9: connection refused")
    >>> result.status, result.ok
    (<Health.UNKNOWN: 'unknown'>, False)
    """

    device: str
    driver: str
    status: Health
    report: DeviceReport | None
    error: ErrorKind | None
    message: str | None
    duration: float
    polled_at: datetime
    site: str | None = None

    @property
    def ok(self) -> bool:
        """True when the driver returned a report (whatever its status)."""
        return self.report is not None

    @classmethod
    def success(
        cls,
        device: str,
        driver: str,
        report: DeviceReport,
        duration: float,
        polled_at: datetime,
        site: str | None = None,
    ) -> PollResult:
        return cls(device, driver, report.status, report, None, None, duration, polled_at, site)

    @classmethod
    def failed(
        cls,
        device: str,
        driver: str,
        error: ErrorKind,
        message: str,
        duration: float = 0.0,
        polled_at: datetime | None = None,
        site: str | None = None,
    ) -> PollResult:
        return cls(
            device,
            driver,
            Health.UNKNOWN,
            None,
            ErrorKind(error),
            one_line(message),
            duration,
            polled_at or datetime.now(UTC),
            site,
        )

    def as_json(self) -> dict[str, Any]:
        """Stable keys, documented in docs/plugins.md."""
        return {
            "device": self.device,
            "site": self.site,
            "driver": self.driver,
            "status": self.status.value,
            "error": self.error.value if self.error else None,
            "message": self.message,
            "duration": round(self.duration, 3),
            "polled_at": self.polled_at.isoformat(),
            "report": self.report.as_json() if self.report else None,
        }

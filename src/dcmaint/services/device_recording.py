"""``dcmaint record``: poll one device once, keep every exchange, scrub it and save it as a recording.

A recording (:class:`dcmaint.drivers.tape.Recording`, docs/recording.md) is
what a vendor attaches to a bug report and what a driver's regression tests
replay. The device is polled exactly as ``dcmaint health`` polls it (the same
planner turns a registered device or a ``--target`` URL into a target, with
the credential looked up under the deadline), but in this process, alone,
with a :class:`~dcmaint.drivers.tape.Recorder` listening to the driver's
transport. Nothing is written to the store.

The whole recording (endpoint, options, every question and answer, the
report or the error) goes through one :class:`~dcmaint.domain.scrub.Scrubber`
before it is written, so the questions a driver asks when it replays the
scrubbed answers are the scrubbed questions, and replay still matches.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.scrub import Scrubber
from dcmaint.errors import DcmaintError, UsageError
from dcmaint.i18n import _
from dcmaint.services.health_targets import AdhocLogin

if TYPE_CHECKING:
    from dcmaint.drivers.job import PollJob
    from dcmaint.drivers.report import DeviceReport
    from dcmaint.drivers.result import PollResult
    from dcmaint.drivers.tape import Recording
    from dcmaint.services.context import Context

#: Exit code of a poll whose driver crashed or returned no valid report: nothing a recording can hold.
EXIT_DRIVER_FAILED = 3


class DriverFailed(DcmaintError):
    """The driver crashed (or returned something that is not a report): a recording holds answers and
    contract errors only, so nothing was written."""

    exit_code = EXIT_DRIVER_FAILED


@dataclass(frozen=True)
class RecordRequest:
    """One device to record: ``device`` (NAME or SITE/NAME) or ``target`` (a URL logged in to with ``login``).

    ``serials`` are hidden as ``SERIAL-0001``...; ``all_serials`` hides every serial the report gives.
    ``timeout`` defaults to the configuration's ``runner.timeout``.
    """

    output: Path
    device: str | None = None
    target: str | None = None
    kind: DeviceKind | None = None
    login: AdhocLogin = field(default_factory=AdhocLogin)
    serials: tuple[str, ...] = ()
    all_serials: bool = False
    force: bool = False
    timeout: float | None = None


@dataclass(frozen=True)
class RecordingSummary:
    """What was written: the file, how many exchanges, what was scrubbed (counts only) and what the poll gave."""

    path: Path
    name: str
    driver: str
    exchanges: int
    scrubbed: dict[str, int]
    status: str
    error: str | None = None
    message: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Keys documented in docs/recording.md."""
        return {
            "path": str(self.path),
            "name": self.name,
            "driver": self.driver,
            "exchanges": self.exchanges,
            "scrubbed": dict(self.scrubbed),
            "status": self.status,
            "error": self.error,
            "message": self.message,
        }


def file_name(name: str) -> str:
    """A name safe as a file name on every system: letters, digits, ``.``, ``_`` and ``-`` (no leading dot).

    >>> file_name("192.0.2.1_8443"), file_name("hq/srv 01"), file_name("..")
    ('192.0.2.1_8443', 'hq_srv_01', 'recording')
    """
    safe = re.sub(r"[^\w.-]", "_", name).strip(".")[:120]
    return safe or "recording"


def _check(request: RecordRequest) -> Path:
    if (request.device is None) == (request.target is None):
        raise UsageError(_("name one device or give --target URL (not both)"))
    output = request.output
    if not output.is_dir():
        raise UsageError(_("invalid --output {value!r}: not a directory").format(value=str(output)))
    return output


def _job(context: Context, request: RecordRequest, timeout: float) -> PollJob:
    """The one poll job for the request, planned as ``dcmaint health`` plans it; UsageError when it cannot be polled."""
    from dcmaint.drivers.errors import ErrorKind
    from dcmaint.drivers.plan import Pollable, plan_polls
    from dcmaint.services.health_check import select_devices
    from dcmaint.services.health_targets import adhoc_targets

    manager = context.drivers()
    pollable: Pollable
    if request.target is not None:
        [pollable] = adhoc_targets([request.target], manager, kind=request.kind, login=request.login)
    else:
        with context.read() as reader:
            found = select_devices(reader, [request.device or ""], None, request.kind)
        if not found:
            raise UsageError(
                _("device {name!r} is not a {kind} device").format(
                    name=request.device, kind=request.kind.value if request.kind else ""
                )
            )
        pollable = found[0]
    plan = plan_polls([pollable], manager, timeout=timeout)
    if plan.settled:
        result = plan.settled[0]
        message = _("{device}: {message}; nothing recorded").format(device=result.device, message=result.message)
        if result.error is ErrorKind.CRASHED:
            raise DriverFailed(message)
        raise UsageError(message)
    return plan.jobs[0]


def _poll(job: PollJob, timeout: float) -> PollResult:
    """Poll through the driver's capabilities: ``poll``, else ``poll_batch([target])``, within the deadline."""
    from dcmaint.drivers.batch import poll_group
    from dcmaint.drivers.runner import poll_one, run_private

    if "poll" in type(job.driver).capabilities():
        return run_private(poll_one(job, timeout))
    return run_private(poll_group([job], timeout))[0]


def _hosts(endpoint: str | None) -> list[str]:
    try:
        host = urlsplit(endpoint or "").hostname
    except ValueError:
        return []
    return [host] if host else []


def _report_serials(report: DeviceReport) -> list[str]:
    serials = [report.identity.serial] if report.identity.serial else []
    serials += [c.part.serial for c in report.components if c.part is not None and c.part.serial]
    return serials


def record(context: Context, request: RecordRequest) -> RecordingSummary:
    """Poll the device once with a recorder listening, scrub everything and save ``OUTPUT/NAME.json``.

    Raises UsageError (nothing polled, nothing written) for a bad request: no device or both, an unknown
    device, a bad URL, an output that is not a directory, a file that exists without ``force``; and
    :class:`DriverFailed` (nothing written) when the driver crashed. A poll that ends in a contract error
    (unreachable, auth_failed, timed_out...) is recorded: the file says what happened.
    """
    import dcmaint
    from dcmaint.drivers import tape
    from dcmaint.drivers.errors import CONTRACT_ERRORS

    output = _check(request)
    timeout = request.timeout or context.config.runner.timeout
    job = _job(context, request, timeout)
    target = job.target
    credential = target.credential.reveal() if target.credential is not None else None
    scrubber = Scrubber(secrets=[credential] if credential else [], hosts=_hosts(target.endpoint))
    scrubber.add_serials(request.serials)
    name = file_name(scrubber.text(target.name))
    path = output / f"{name}.json"
    if path.exists() and not request.force:
        raise UsageError(_("{path} exists: choose another --output or add --force").format(path=path))

    recorder = tape.Recorder()
    with tape.listening(recorder):
        result = _poll(job, timeout)
    exchanges = list(recorder.exchanges)  # a copy: an abandoned worker thread may still append
    contract = {cls.kind for cls in CONTRACT_ERRORS}
    if result.report is None and result.error not in contract:
        raise DriverFailed(
            _("{device}: {message}; nothing recorded (a recording holds answers and contract errors only)").format(
                device=target.name, message=result.message
            )
        )
    if result.report is not None:
        if request.all_serials:
            scrubber.add_serials(_report_serials(result.report))
        if result.report.identity.hostname:
            scrubber.add_hosts([result.report.identity.hostname])
    raw = {
        "endpoint": target.endpoint,
        "options": dict(target.options),
        "username": target.username,
        "exchanges": [exchange.as_json() for exchange in exchanges],
        "report": result.report.as_json() if result.report is not None else None,
        "error": None if result.report is not None else {"kind": str(result.error), "message": result.message or ""},
    }
    clean = scrubber.scrub(raw)
    counts = scrubber.counts()
    recording = tape.Recording(
        driver=job.driver_name,
        kind=target.kind.value,
        endpoint=clean["endpoint"],
        exchanges=tuple(tape.Exchange.from_json(item) for item in clean["exchanges"]),
        options=clean["options"],
        report=clean["report"],
        error=clean["error"],
        driver_version=type(job.driver).version,
        dcmaint_version=dcmaint.__version__,
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        scrubbed=counts,
        name=name,
        username=clean["username"],
    )
    _save(recording, path, force=request.force)
    return RecordingSummary(
        path=path,
        name=name,
        driver=recording.driver,
        exchanges=len(recording.exchanges),
        scrubbed=counts,
        status=result.status.value,
        error=recording.error["kind"] if recording.error else None,
        message=recording.error["message"] if recording.error else None,
    )


def _save(recording: Recording, path: Path, *, force: bool) -> None:
    """Write whole or not at all: a temporary file beside ``path``, then renamed (refused if ``path`` appeared)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        recording.save(temporary)
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile: never overwritten unasked
            except FileExistsError:
                raise UsageError(_("{path} exists: choose another --output or add --force").format(path=path)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)

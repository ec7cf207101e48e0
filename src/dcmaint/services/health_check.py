"""The health workflow: which devices, polling them, and, when asked, recording the run and opening tickets.

``dcmaint health`` calls :func:`check_health` once and renders what it
returns; a collector daemon calls the same function on its schedule. The
function owns its transactions: one read to choose the devices (none for
``--target`` endpoints), no transaction open for the length of a poll (a
run may take a minute), and with ``record`` the results stored in chunks as
they arrive, while the rest are still being polled
(:class:`dcmaint.services.recording_stream.StreamRecorder`): a short
transaction per chunk, in which a fault and the ticket opened for it commit
or fail as one, safe beside other collectors
(:func:`dcmaint.services.recording.record_chunk`).

A run over a site (no device named) skips the devices that were never set up
to be polled (no driver, a driver that is not installed, a kind the driver
does not serve) and returns them as :class:`SkippedDevice` entries: an
uncovered UPS without a driver must not turn a site's monitoring UNKNOWN,
but every output says what was left out and why. A device named explicitly
is polled whatever its setup, so its problem is its UNKNOWN result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dcmaint.domain import parse
from dcmaint.domain.enums import DeviceKind
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.health_targets import AdhocLogin, adhoc_targets

if TYPE_CHECKING:
    from dcmaint.domain.records import Device
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.result import PollResult
    from dcmaint.drivers.target import AdhocTarget
    from dcmaint.services.context import Context
    from dcmaint.services.health import HealthRun
    from dcmaint.services.recording import RecordSummary
    from dcmaint.store.reader import Reader

#: Called after each device with (its result, devices done, devices in the run).
Progress = Callable[["PollResult", int, int], None]


@dataclass(frozen=True)
class HealthRequest:
    """What to poll and what to keep: the devices named (``NAME`` or ``SITE/NAME``), else every device with a
    driver (of ``site`` and ``kind``), or ``targets`` (URLs, not registered) logged in to with ``login``.

    ``concurrency``, ``timeout`` and ``workers`` default to the configuration's ``runner`` settings.
    ``open_tickets`` needs ``record``; ``targets`` exclude device names, ``site`` and ``record``.
    """

    devices: tuple[str, ...] = ()
    site: str | None = None
    kind: DeviceKind | None = None
    targets: tuple[str, ...] = ()
    login: AdhocLogin = field(default_factory=AdhocLogin)
    record: bool = False
    open_tickets: bool = False
    concurrency: int | None = None
    timeout: float | None = None
    workers: int | None = None


@dataclass(frozen=True)
class SkippedDevice:
    """A device of the selection that was not polled, and why: ``reason`` is ``no_driver``,
    ``driver_not_installed`` or ``kind_not_served``; ``message`` names the fix."""

    site: str
    name: str
    kind: str
    driver: str | None
    reason: str
    message: str

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/json.md (dcmaint health, ``skipped``)."""
        return {
            "name": self.name,
            "site": self.site,
            "kind": self.kind,
            "driver": self.driver,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass(frozen=True)
class HealthOutcome:
    """The run, the devices skipped, what ``record`` stored (None when not asked) and the tickets opened (None
    when not asked)."""

    run: HealthRun
    recorded: RecordSummary | None = None
    tickets: tuple[str, ...] | None = None
    skipped: tuple[SkippedDevice, ...] = ()


def _check(request: HealthRequest) -> None:
    if request.open_tickets and not request.record:
        raise UsageError(_("--open-tickets needs --record"))
    if request.targets and (request.devices or request.site or request.record):
        raise UsageError(_("--target cannot be combined with device names, --site or --record"))
    if request.timeout is not None:  # a caller other than the CLI (a collector) gets the CLI's check
        parse.seconds_in_range(request.timeout, "--timeout")


def select_devices(reader: Reader, names: Sequence[str], site: str | None, kind: DeviceKind | None) -> list[Device]:
    """Named devices (NAME or SITE/NAME; unknown ones are an error), else every device of the site and kind."""
    from dcmaint.store import queries

    if names:
        chosen = []
        for text in names:
            site_name, _sep, name = text.rpartition("/")
            chosen.append(queries.device(reader, name, site_name or site))
        return [d for d in chosen if kind is None or d.kind == kind.value]
    where = queries.DeviceFilter(site=site, kind=kind.value if kind else None)
    return queries.devices(reader, where)


def _partition(devices: Sequence[Device], manager: DriverManager) -> tuple[list[Device], list[SkippedDevice]]:
    """The devices a driver can take, and the others with the reason (see the module's docstring)."""
    from dcmaint.drivers.plan import unpollable

    pollable: list[Device] = []
    skipped: list[SkippedDevice] = []
    for device in devices:
        problem = unpollable(device, manager)
        if problem is None:
            pollable.append(device)
        else:
            skipped.append(
                SkippedDevice(device.site, device.name, device.kind, device.driver, problem.reason, problem.message)
            )
    return pollable, skipped


def check_health(context: Context, request: HealthRequest, *, progress: Progress | None = None) -> HealthOutcome:
    """Poll what ``request`` names and, with ``record``, store the run (and open tickets) in chunks as it polls.

    Raises UsageError (nothing polled, nothing written) for a request that names nothing to poll, an
    unknown device or site, a bad ``--target`` or an impossible combination.
    """
    from dcmaint.services.health import run_health

    _check(request)
    skipped: list[SkippedDevice] = []
    chosen: Sequence[Device | AdhocTarget]
    if request.targets:
        chosen = adhoc_targets(request.targets, context.drivers(), kind=request.kind, login=request.login)
    else:
        with context.read() as reader:
            selected = select_devices(reader, request.devices, request.site, request.kind)
        chosen = selected
        if not request.devices:
            chosen, skipped = _partition(selected, context.drivers())
    if not chosen:
        if skipped:
            raise UsageError(
                _("no devices to poll: {count} devices skipped, e.g. {device}: {reason}").format(
                    count=len(skipped), device=f"{skipped[0].site}/{skipped[0].name}", reason=skipped[0].message
                )
            )
        raise UsageError(_("no devices to poll: register devices with a driver, name them, or use --target"))
    settings = context.config.runner

    def poll(progress: Progress | None) -> HealthRun:
        return run_health(
            chosen,
            context.drivers(),
            concurrency=request.concurrency or settings.concurrency,
            timeout=request.timeout or settings.timeout,
            workers=settings.workers if request.workers is None else request.workers,
            progress=progress,
        )

    if not request.record:
        return HealthOutcome(poll(progress), skipped=tuple(skipped))
    from dcmaint.services.recording_stream import StreamRecorder

    with StreamRecorder(context, open_tickets=request.open_tickets) as recorder:

        def arrived(result: PollResult, done: int, total: int) -> None:
            recorder.add(result)
            if progress is not None:
                progress(result, done, total)

        run = poll(arrived)
        summary, tickets = recorder.finish(run)
    return HealthOutcome(run, summary, tickets, tuple(skipped))

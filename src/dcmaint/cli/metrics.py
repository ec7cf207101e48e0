"""``dcmaint serve-metrics``: the latest recorded health as a Prometheus exporter, until Ctrl-C or SIGTERM.

Every scrape reads the store (:func:`dcmaint.services.metrics.fleet_metrics`)
and never polls a device; docs/metrics.md lists every metric and label. The
exposition is prometheus_client's own (a custom collector on a registry of
its own, served by its HTTP server), imported only when this command runs.

Exit codes (docs/metrics.md): 0 after Ctrl-C or SIGTERM (a server's normal
end, as ``dcmaint sim``); 2 when it cannot start (a bad ``--listen`` or
``--site``, the port in use), before anything listens; 1 when ``--site`` is
given and the store cannot be read to check it. A store that cannot be read
while serving is not an exit: the scrape answers ``dcmaint_store_up 0``.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import service_context
from dcmaint.domain import parse
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.services.context import Context
    from dcmaint.services.metrics import FleetMetrics

log = logging.getLogger("dcmaint.metrics")

DEFAULT_LISTEN = "127.0.0.1:9464"

#: The labels of every per-device series, in this order (as ``health --format prometheus`` writes them).
DEVICE_LABELS = ["site", "device", "driver"]


def _timestamp(value: datetime) -> float:
    return value.timestamp()


def status_codes() -> dict[str, int]:
    """Health value -> number, as ``health --format prometheus`` counts it (the monitoring-plugin codes). A value
    this dcmaint does not know reads as unknown (3): see :func:`families`."""
    from dcmaint.drivers.health import Health
    from dcmaint.services.health import EXIT_CODES

    return {health.value: EXIT_CODES[health] for health in Health}


def families(fleet: FleetMetrics) -> Iterator[Any]:
    """The metric families of one reading (docs/metrics.md), every family present even when it has no sample."""
    from prometheus_client.core import GaugeMetricFamily

    codes = status_codes()
    unknown = codes["unknown"]

    def device_family(name: str, text: str, extra: tuple[str, ...] = ()) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, text, labels=[*DEVICE_LABELS, *extra])

    status = device_family("dcmaint_device_status", "Recorded device health: 0 ok, 1 warning, 2 critical, 3 unknown.")
    up = device_family("dcmaint_device_up", "1 when the recorded poll returned a report, 0 when polling failed.")
    error = device_family("dcmaint_poll_error", "1 for a device whose recorded poll failed, by error kind.", ("error",))
    duration = device_family("dcmaint_poll_duration_seconds", "Seconds the recorded poll of the device took.")
    polled = device_family("dcmaint_last_poll_timestamp_seconds", "When the recorded poll ran (Unix time).")
    age = device_family("dcmaint_seconds_since_last_poll", "Seconds from the recorded poll to this scrape.")
    for poll in fleet.polls:
        labels = [poll.site, poll.device, poll.driver]
        status.add_metric(labels, codes.get(poll.status, unknown))
        up.add_metric(labels, 0 if poll.error else 1)
        if poll.error:
            error.add_metric([*labels, poll.error], 1)
        duration.add_metric(labels, poll.duration)
        polled.add_metric(labels, _timestamp(poll.polled_at))
        age.add_metric(labels, max((fleet.read_at - poll.polled_at).total_seconds(), 0.0))
    yield from (status, up, error, duration, polled, age)

    parts = device_family(
        "dcmaint_component_status",
        "Recorded component health: 0 ok, 1 warning, 2 critical, 3 unknown.",
        ("kind", "location", "part_number", "serial"),
    )
    for part in fleet.components:
        labels = [
            part.site,
            part.device,
            part.driver,
            part.kind,
            part.location,
            part.part_number or "",
            part.serial or "",
        ]
        parts.add_metric(labels, codes.get(part.health, unknown))
    yield parts

    faults = device_family("dcmaint_faults", "Open faults, by device and health.", ("health",))
    oldest = device_family(
        "dcmaint_fault_oldest_first_seen_timestamp_seconds",
        "When the oldest open fault of the device and health was first seen (Unix time).",
        ("health",),
    )
    for group in fleet.faults:
        labels = [group.site, group.device, group.driver, group.health]
        faults.add_metric(labels, group.count)
        oldest.add_metric(labels, _timestamp(group.oldest_first_seen))
    yield from (faults, oldest)

    clocks = GaugeMetricFamily(
        "dcmaint_sla_clocks",
        "Restoration clocks of tickets not restored yet: running, paused, breaching (past the SLA target).",
        labels=["site", "state"],
    )
    due = GaugeMetricFamily(
        "dcmaint_sla_next_due_timestamp_seconds",
        "When the site's first running clock breaches if nothing changes (Unix time).",
        labels=["site"],
    )
    overdue = GaugeMetricFamily(
        "dcmaint_sla_overdue_seconds",
        "How far the site's most overdue breaching clock is past its target.",
        labels=["site"],
    )
    for site in fleet.sla:
        for state, count in (("running", site.running), ("paused", site.paused), ("breaching", site.breaching)):
            clocks.add_metric([site.site, state], count)
        if site.next_due is not None:
            due.add_metric([site.site], _timestamp(site.next_due))
        if site.longest_overdue is not None:
            overdue.add_metric([site.site], site.longest_overdue.total_seconds())
    yield from (clocks, due, overdue)

    shortfall = GaugeMetricFamily(
        "dcmaint_depot_shortfall",
        "Spares the site's depot lacks against the recommended stock level (dcmaint spare levels), per part.",
        labels=["site", "part_number", "part_class"],
    )
    short_parts = GaugeMetricFamily(
        "dcmaint_depot_short_parts",
        "How many parts of the site's installed base its depot is short of.",
        labels=["site"],
    )
    for short in fleet.shortfalls:
        shortfall.add_metric([short.site, short.part_number, short.part_class or ""], short.shortfall)
    for site_name in fleet.sites:
        short_parts.add_metric([site_name], sum(1 for short in fleet.shortfalls if short.site == site_name))
    yield from (shortfall, short_parts)


class RecordedHealth:
    """A prometheus_client collector: each ``collect`` (one per scrape) reads the store once.

    A store that cannot be read (down, unreachable, behind its migrations) makes the scrape answer
    ``dcmaint_store_up 0`` with the exporter's own series only, counts a read error and logs one line; the next
    scrape tries again.
    """

    def __init__(self, context: Context, sites: tuple[str, ...]) -> None:
        self.context = context
        self.sites = sites
        self.read_errors = 0
        self._lock = threading.Lock()

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        from dcmaint.errors import DcmaintError
        from dcmaint.secrets import redact
        from dcmaint.services.metrics import fleet_metrics
        from dcmaint.store.integrity import database_errors

        started = time.perf_counter()
        built: list[Any] = []
        try:
            built = list(families(fleet_metrics(self.context, self.sites, datetime.now(UTC))))
            up = 1
        except (DcmaintError, *database_errors(self.context.database_url)) as error:
            with self._lock:
                self.read_errors += 1
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            line = _("cannot read the store: {reason}").format(reason=redact(reason))
            log.info("scrape: %s", line)  # a warning would also reach stderr through logging's last resort
            sys.stderr.write(f"dcmaint: {_('warning')}: {line}\n")
            up = 0
        with self._lock:
            errors = self.read_errors
        yield from built
        yield GaugeMetricFamily("dcmaint_store_up", "1 when this scrape read the store, 0 when it could not.", up)
        yield GaugeMetricFamily(
            "dcmaint_scrape_duration_seconds",
            "Seconds this scrape took to read the store and build its samples.",
            time.perf_counter() - started,
        )
        yield CounterMetricFamily(
            "dcmaint_store_read_errors",
            "Scrapes that could not read the store since the exporter started.",
            errors,
        )


def _serve(context: Context, sites: tuple[str, ...], listen: parse.ListenAddress) -> Any:
    """Start prometheus_client's HTTP server on ``listen`` with our collector; a port that cannot be had is a
    usage error naming it."""
    from prometheus_client import CollectorRegistry, start_http_server

    from dcmaint.errors import UsageError

    registry = CollectorRegistry(auto_describe=False)
    registry.register(RecordedHealth(context, sites))
    try:
        server, thread = start_http_server(listen.port, listen.host, registry)
    except OSError as error:  # in use, not allowed, an unknown host name (socket.gaierror)
        reason = error.strerror or str(error)
        raise UsageError(_("cannot listen on {address}: {reason}").format(address=listen, reason=reason)) from None
    return server, thread


def serve_metrics(
    ctx: typer.Context,
    listen: Annotated[
        parse.ListenAddress,
        typer.Option(
            "--listen",
            click_type=Checked(parse.listen_address, "HOST:PORT"),
            help=_("Address and port to serve /metrics on, e.g. 127.0.0.1:9464 or [::1]:9464."),
        ),
    ] = DEFAULT_LISTEN,  # type: ignore[assignment]  # parsed by the Checked type, like a typed value
    site: Annotated[
        list[str] | None,
        typer.Option("--site", help=_("Only this site's devices, tickets and depot (repeatable; default: all).")),
    ] = None,
) -> None:
    from dcmaint.services.metrics import check_sites
    from dcmaint.signals import Stopped

    context = service_context(ctx)
    sites = check_sites(context, site or ())
    server, thread = _serve(context, sites, listen)
    try:  # from here a signal is the normal end, however early it comes
        line = _("serving metrics on http://{address}/metrics; Ctrl-C or SIGTERM stops").format(address=listen)
        log.info("%s", line)
        sys.stderr.write(f"dcmaint: {line}\n")
        sys.stderr.flush()
        threading.Event().wait()  # until a signal raises Stopped here, in the main thread
    except Stopped as stopped:
        log.info("stopped: %s", stopped.line())
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

"""The outputs of ``dcmaint health``: a table for people, JSON for scripts, Nagios and Prometheus for monitoring.

All four are built from the same HealthRun and the same faults, so a fault
reads the same wherever it is seen. Only stdout carries the chosen format.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from dcmaint.domain.enums import HealthFormat
from dcmaint.drivers.health import Health
from dcmaint.drivers.result import PollResult
from dcmaint.i18n import _
from dcmaint.services.health import EXIT_CODES, Fault, HealthRun, faults_of

#: The ``site`` label Prometheus samples of ad-hoc ``--target`` endpoints (which belong to no site) carry.
NO_SITE_LABEL = "-"


def _where(device: str, site: str | None) -> str:
    """``SITE/NAME`` for a registered device, the bare name for an ad-hoc endpoint."""
    return device if site is None else f"{site}/{device}"


def _label(result: PollResult) -> str:
    return _where(result.device, result.site)


def as_json(run: HealthRun) -> dict[str, Any]:
    """Keys documented in docs/json.md (dcmaint health)."""
    return {
        "status": run.status.value,
        "started": run.started.isoformat(),
        "duration": round(run.duration, 3),
        "counts": run.counts(),
        "devices": [
            {
                "name": r.device,
                "site": r.site,
                "driver": r.driver,
                "status": r.status.value,
                "error": r.message if r.error else None,
                "error_kind": r.error.value if r.error else None,
                "duration": round(r.duration, 3),
                "polled_at": r.polled_at.isoformat(),
                "faults": [fault.as_json() for fault in faults_of(r)],
            }
            for r in run.results
        ],
    }


def table(run: HealthRun) -> str:
    from tabulate import tabulate

    rows = [
        [_label(r), r.status.value.upper(), len(faults_of(r)), f"{r.duration:.2f}s", r.message or ""]
        for r in run.results
    ]
    out = [tabulate(rows, headers=[_("Device"), _("Status"), _("Faults"), _("Time"), _("Error")], tablefmt="simple")]
    faults = [f for r in run.results for f in faults_of(r)]
    if faults:
        out.append("")
        out.append(
            tabulate(
                [
                    [
                        _where(f.device, f.site),
                        f.kind,
                        f.location,
                        f.health.value.upper(),
                        f.reason or "",
                        f.part_number or "",
                        f.spare_part_number or "",
                        f.serial or "",
                    ]
                    for f in faults
                ],
                headers=[
                    _("Device"),
                    _("Kind"),
                    _("Location"),
                    _("Health"),
                    _("Reason"),
                    _("Part number"),
                    _("Spare part"),
                    _("Serial"),
                ],
                tablefmt="simple",
            )
        )
    return "\n".join(out)


def _fault_line(fault: Fault) -> str:
    where = _where(fault.device, fault.site)
    identity = ", ".join(
        text
        for text in (
            f"{fault.manufacturer or ''} {fault.model or ''}".strip(),
            _("part {number}").format(number=fault.part_number) if fault.part_number else "",
            _("spare {number}").format(number=fault.spare_part_number) if fault.spare_part_number else "",
            _("SN {serial}").format(serial=fault.serial) if fault.serial else "",
        )
        if text
    )
    line = f"[{fault.health.value.upper()}] {where}: {fault.kind} {fault.location}: {fault.reason}"
    return f"{line} ({identity})" if identity else line


def nagios(run: HealthRun) -> str:
    """Monitoring-plugins output: a status line with perfdata, then one line per fault (long output)."""
    counts = run.counts()
    faults = [f for r in run.results for f in faults_of(r)]
    status = run.status.value.upper()
    if len(run.results) == 1:
        only = run.results[0]
        if only.error:
            summary = f"{_label(only)}: {only.message}"
        elif faults:
            summary = _("{device}: {count} faults, worst: {reason}").format(
                device=_label(only), count=len(faults), reason=faults[0].reason
            )
        else:
            summary = _("{device}: all components healthy").format(device=_label(only))
    else:
        summary = _("{critical} critical, {warning} warning, {unknown} unknown, {ok} ok of {total} devices").format(
            total=len(run.results), **counts
        )
    perfdata = " ".join(
        [
            f"devices={len(run.results)};;;0",
            *(f"{key}={value};;;0" for key, value in counts.items()),
            f"faults={len(faults)};;;0",
            f"time={run.duration:.3f}s;;;0",
        ]
    )
    lines = [f"DCMAINT {status} - {summary} | {perfdata}"]
    lines += [_fault_line(fault) for fault in faults]
    lines += [f"[UNKNOWN] {_label(r)}: {r.message}" for r in run.results if r.error]
    return "\n".join(lines)


_ESCAPE = re.compile(r'[\\"\n]')


def _labels(**values: object) -> str:
    def escape(text: str) -> str:
        return _ESCAPE.sub(lambda m: {"\\": "\\\\", '"': '\\"', "\n": "\\n"}[m.group()], text)

    return "{" + ",".join(f'{k}="{escape(str(v))}"' for k, v in values.items() if v is not None) + "}"


def _site(result: PollResult) -> str:
    return NO_SITE_LABEL if result.site is None else result.site


def prometheus(run: HealthRun) -> str:
    """Text exposition format (node_exporter textfile collector, a pushgateway, or a scrape wrapper)."""
    out: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")

    family("dcmaint_device_status", "gauge", "Device health: 0 ok, 1 warning, 2 critical, 3 unknown.")
    for r in run.results:
        out.append(
            f"dcmaint_device_status{_labels(site=_site(r), device=r.device, driver=r.driver)} {EXIT_CODES[r.status]}"
        )
    family("dcmaint_device_up", "gauge", "1 when the driver returned a report, 0 when polling failed.")
    for r in run.results:
        out.append(f"dcmaint_device_up{_labels(site=_site(r), device=r.device, driver=r.driver)} {int(r.ok)}")
    family("dcmaint_poll_error", "gauge", "1 for a device whose poll failed, labelled with the error kind.")
    for r in run.results:
        if r.error:
            out.append(f"dcmaint_poll_error{_labels(site=_site(r), device=r.device, error=r.error.value)} 1")
    family("dcmaint_poll_duration_seconds", "gauge", "Seconds the last poll of the device took.")
    for r in run.results:
        out.append(f"dcmaint_poll_duration_seconds{_labels(site=_site(r), device=r.device)} {r.duration:.3f}")
    family("dcmaint_component_status", "gauge", "Component health: 0 ok, 1 warning, 2 critical, 3 unknown.")
    for r in run.results:
        for component in r.report.components if r.report else ():
            if component.health is Health.ABSENT:
                continue
            part = component.part
            out.append(
                "dcmaint_component_status"
                + _labels(
                    site=_site(r),
                    device=r.device,
                    kind=component.kind.value,
                    location=component.location,
                    part_number=part.part_number if part else None,
                    serial=part.serial if part else None,
                )
                + f" {EXIT_CODES[component.health]}"
            )
    family("dcmaint_faults", "gauge", "Faults needing action, by device and health.")
    for r in run.results:
        by_health: dict[str, int] = {}
        for fault in faults_of(r):
            by_health[fault.health.value] = by_health.get(fault.health.value, 0) + 1
        for health, count in sorted(by_health.items()):
            out.append(f"dcmaint_faults{_labels(site=_site(r), device=r.device, health=health)} {count}")
    family("dcmaint_health_run_duration_seconds", "gauge", "Seconds the whole health run took.")
    out.append(f"dcmaint_health_run_duration_seconds {run.duration:.3f}")
    return "\n".join(out)


def render(run: HealthRun, fmt: HealthFormat) -> None:
    if fmt is HealthFormat.JSON:
        text = json.dumps(as_json(run), ensure_ascii=False, indent=2 if sys.stdout.isatty() else None)
    elif fmt is HealthFormat.NAGIOS:
        text = nagios(run)
    elif fmt is HealthFormat.PROMETHEUS:
        text = prometheus(run)
    else:
        text = table(run)
    sys.stdout.write(text + "\n")

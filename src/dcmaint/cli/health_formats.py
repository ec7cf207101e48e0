"""The outputs of ``dcmaint health``: a table for people, JSON for scripts, Nagios and Prometheus for monitoring.

All four are built from the same HealthRun and the same faults, so a fault
reads the same wherever it is seen, and all four list the devices the run
skipped. Only stdout (or ``--output FILE``) carries the chosen format.

The Nagios output is English whatever the locale (a monitoring system's
rules and its operators' searches must not depend on the daemon's LANG): its
own words are not translated here, and ``dcmaint.cli.main`` runs a Nagios
check in English so that the messages it embeds are English too.
"""

from __future__ import annotations

import re
from typing import Any

from dcmaint.domain.enums import HealthFormat
from dcmaint.domain.text import escape
from dcmaint.drivers.health import Health
from dcmaint.drivers.result import PollResult
from dcmaint.i18n import _
from dcmaint.services.health import EXIT_CODES, Fault, faults_of
from dcmaint.services.health_check import HealthOutcome

#: The ``site`` label Prometheus samples of ad-hoc ``--target`` endpoints (which belong to no site) carry.
NO_SITE_LABEL = "-"


def _where(device: str, site: str | None) -> str:
    """``SITE/NAME`` for a registered device, the bare name for an ad-hoc endpoint."""
    return device if site is None else f"{site}/{device}"


def _label(result: PollResult) -> str:
    return _where(result.device, result.site)


def as_json(outcome: HealthOutcome) -> dict[str, Any]:
    """Keys documented in docs/json.md (dcmaint health)."""
    run = outcome.run
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
        "skipped": [device.as_json() for device in outcome.skipped],
    }


def table(outcome: HealthOutcome) -> str:
    from dcmaint.cli.output import table as fitted

    run = outcome.run
    rows = [
        [_label(r), r.status.value.upper(), len(faults_of(r)), f"{r.duration:.2f}s", r.message or ""]
        for r in run.results
    ]
    out = [fitted(rows, [_("Device"), _("Status"), _("Faults"), _("Time"), _("Error")])]
    faults = [f for r in run.results for f in faults_of(r)]
    if faults:
        out.append("")
        out.append(
            fitted(
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
                [
                    _("Device"),
                    _("Kind"),
                    _("Location"),
                    _("Health"),
                    _("Reason"),
                    _("Part number"),
                    _("Spare part"),
                    _("Serial"),
                ],
            )
        )
    if outcome.skipped:
        out.append("")
        out.append(_("Not polled ({count}), the status above leaves them out:").format(count=len(outcome.skipped)))
        out.append(
            fitted(
                [[_where(d.name, d.site), d.kind, d.driver or "", d.message] for d in outcome.skipped],
                [_("Device"), _("Kind"), _("Driver"), _("Why")],
            )
        )
    return "\n".join(out)


_LINE_BREAKS = re.compile(r"[\t\n\r]+")


def plugin_text(text: str) -> str:
    """``text`` fit for a monitoring plugin's output: one line (breaks become spaces, other control characters
    escapes, see dcmaint.domain.text), and no ``|``, which starts performance data in Nagios, Icinga and Zabbix
    (replaced by ``/``).

    >>> plugin_text("PSU 2: input lost | AC\\nfan 3\\x1b[31m")
    'PSU 2: input lost / AC fan 3\\\\x1b[31m'
    """
    return escape(_LINE_BREAKS.sub(" ", text), one_line=True).replace("|", "/").strip()


def perf_label(label: str) -> str:
    """A perfdata label as the Nagios plugin guidelines write it: quoted with ``'`` when it holds anything but
    letters, digits and ``_`` (a ``'`` inside doubled), with no ``=`` (it ends the label) and no ``|``.

    >>> perf_label("faults"), perf_label("hq/srv 1=a|b's")
    ('faults', "'hq/srv 1_a/b''s'")
    """
    text = plugin_text(label).replace("=", "_")
    return text if re.fullmatch(r"\w+", text, re.ASCII) else "'" + text.replace("'", "''") + "'"


def unknown_line(reason: str) -> str:
    """The one status line a check prints when ``dcmaint health`` itself failed (exit 3)."""
    return f"DCMAINT UNKNOWN - {plugin_text(reason)}"


def _fault_line(fault: Fault) -> str:
    where = _where(fault.device, fault.site)
    identity = ", ".join(
        text
        for text in (
            f"{fault.manufacturer or ''} {fault.model or ''}".strip(),
            f"part {fault.part_number}" if fault.part_number else "",
            f"spare {fault.spare_part_number}" if fault.spare_part_number else "",
            f"SN {fault.serial}" if fault.serial else "",
        )
        if text
    )
    line = f"[{fault.health.value.upper()}] {where}: {fault.kind} {fault.location}: {fault.reason}"
    return f"{line} ({identity})" if identity else line


def nagios(outcome: HealthOutcome) -> str:
    """Monitoring-plugins output: a status line with perfdata, then one line per fault, per device that could not
    be polled and per device skipped (the plugin's long output). English, whatever the locale."""
    run = outcome.run
    counts = run.counts()
    faults = [f for r in run.results for f in faults_of(r)]
    status = run.status.value.upper()
    if len(run.results) == 1:
        only = run.results[0]
        if only.error:
            summary = f"{_label(only)}: {only.message}"
        elif faults:
            summary = f"{_label(only)}: {len(faults)} faults, worst: {faults[0].reason}"
        else:
            summary = f"{_label(only)}: all components healthy"
    else:
        summary = (
            f"{counts['critical']} critical, {counts['warning']} warning, {counts['unknown']} unknown, "
            f"{counts['ok']} ok of {len(run.results)} devices"
        )
    if outcome.skipped:
        summary += f" ({len(outcome.skipped)} not polled)"
    perfdata = " ".join(
        [
            f"{perf_label('devices')}={len(run.results)};;;0",
            *(f"{perf_label(key)}={value};;;0" for key, value in counts.items()),
            f"{perf_label('faults')}={len(faults)};;;0",
            f"{perf_label('skipped')}={len(outcome.skipped)};;;0",
            f"{perf_label('time')}={run.duration:.3f}s;;;0",
        ]
    )
    lines = [f"DCMAINT {status} - {plugin_text(summary)} | {perfdata}"]
    lines += [plugin_text(_fault_line(fault)) for fault in faults]
    lines += [plugin_text(f"[UNKNOWN] {_label(r)}: {r.message}") for r in run.results if r.error]
    lines += [plugin_text(f"[SKIPPED] {_where(d.name, d.site)}: {d.message}") for d in outcome.skipped]
    return "\n".join(lines)


_ESCAPE = re.compile(r'[\\"\n]')


def _labels(**values: object) -> str:
    """A label set; every value is written (None as ""), so each family's series carry the same labels."""

    def escape(text: str) -> str:
        return _ESCAPE.sub(lambda m: {"\\": "\\\\", '"': '\\"', "\n": "\\n"}[m.group()], text)

    return "{" + ",".join(f'{k}="{escape("" if v is None else str(v))}"' for k, v in values.items()) + "}"


def _site(site: str | None) -> str:
    return NO_SITE_LABEL if site is None else site


def _device(result: PollResult) -> dict[str, str]:
    """The labels every per-device series carries (before its own)."""
    return {"site": _site(result.site), "device": result.device, "driver": result.driver}


class _Exposition:
    """Families of samples; a label set repeated within a family is written once (its first, worst-first sample),
    since the textfile collector rejects a file with a duplicate series."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._seen: set[str] = set()

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")

    def sample(self, name: str, labels: dict[str, object], value: object) -> None:
        series = name + (_labels(**labels) if labels else "")
        if series not in self._seen:
            self._seen.add(series)
            self.lines.append(f"{series} {value}")


def prometheus(outcome: HealthOutcome) -> str:
    """Text exposition format (node_exporter textfile collector, a pushgateway, or a scrape wrapper).

    Per-device series carry ``site``, ``device`` and ``driver`` (then their own label); component series
    carry ``site``, ``device``, ``driver``, ``kind``, ``location``, ``part_number`` and ``serial``, always all
    of them (empty when unknown).
    """
    run = outcome.run
    out = _Exposition()
    out.family("dcmaint_device_status", "gauge", "Device health: 0 ok, 1 warning, 2 critical, 3 unknown.")
    for r in run.results:
        out.sample("dcmaint_device_status", _device(r), EXIT_CODES[r.status])
    out.family("dcmaint_device_up", "gauge", "1 when the driver returned a report, 0 when polling failed.")
    for r in run.results:
        out.sample("dcmaint_device_up", _device(r), int(r.ok))
    out.family("dcmaint_poll_error", "gauge", "1 for a device whose poll failed, labelled with the error kind.")
    for r in run.results:
        if r.error:
            out.sample("dcmaint_poll_error", {**_device(r), "error": r.error.value}, 1)
    out.family("dcmaint_poll_duration_seconds", "gauge", "Seconds the last poll of the device took.")
    for r in run.results:
        out.sample("dcmaint_poll_duration_seconds", _device(r), f"{r.duration:.3f}")
    out.family("dcmaint_component_status", "gauge", "Component health: 0 ok, 1 warning, 2 critical, 3 unknown.")
    for r in run.results:
        components = r.report.components if r.report else ()
        for component in sorted(components, key=lambda c: -c.health.rank):
            if component.health is Health.ABSENT:
                continue
            part = component.part
            labels = {
                **_device(r),
                "kind": component.kind.value,
                "location": component.location,
                "part_number": part.part_number if part else None,
                "serial": part.serial if part else None,
            }
            out.sample("dcmaint_component_status", labels, EXIT_CODES[component.health])
    out.family("dcmaint_faults", "gauge", "Faults needing action, by device and health.")
    for r in run.results:
        by_health: dict[str, int] = {}
        for fault in faults_of(r):
            by_health[fault.health.value] = by_health.get(fault.health.value, 0) + 1
        for health, count in sorted(by_health.items()):
            out.sample("dcmaint_faults", {**_device(r), "health": health}, count)
    out.family("dcmaint_device_skipped", "gauge", "1 for a device of the selection that was not polled, and why.")
    for skipped in outcome.skipped:
        labels = {"site": skipped.site, "device": skipped.name, "driver": skipped.driver, "reason": skipped.reason}
        out.sample("dcmaint_device_skipped", labels, 1)
    out.family("dcmaint_health_run_duration_seconds", "gauge", "Seconds the whole health run took.")
    out.sample("dcmaint_health_run_duration_seconds", {}, f"{run.duration:.3f}")
    return "\n".join(out.lines)


def render(outcome: HealthOutcome, fmt: HealthFormat) -> str:
    """The whole output in ``fmt``, ending with a newline."""
    if fmt is HealthFormat.JSON:
        from dcmaint.cli.output import as_json as json_text

        text = json_text(as_json(outcome))
    elif fmt is HealthFormat.NAGIOS:
        text = nagios(outcome)
    elif fmt is HealthFormat.PROMETHEUS:
        text = prometheus(outcome)
    else:
        text = table(outcome)
    return text + "\n"

"""``dcmaint inspect run``: poll every covered device of a site, take the checklist answers, keep the findings.

The workflow, and its transactions:

1. one read: the site, its covered devices in the plan's scope, its plan;
2. the answers (a file, or prompts on a terminal) checked whole against the
   site's devices and checklists: a bad row is a UsageError and nothing has
   been polled or written;
3. the poll, through the health service (its concurrency, deadlines and
   progress), with no transaction open;
4. one write: the poll recorded exactly as ``health --record`` records it,
   tickets opened for its faults exactly as ``--open-tickets`` does (never a
   second one for a fault that has one), a ticket for each checklist finding
   that needs later work unless the same device and item still has an open
   ticket from an earlier inspection, then the run, each device's result with
   its health score, the findings, and the plan's next date.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dcmaint.domain import health_score
from dcmaint.domain.checklists import ROOM, ChecklistItem, Checklists
from dcmaint.domain.inspections import FindingSource, Outcome, ResultStatus, next_date
from dcmaint.domain.parse import GivenTime
from dcmaint.errors import UsageError
from dcmaint.i18n import _, language
from dcmaint.services.inspection_answers import Answers, FaultAction, RawAnswer, check_rows, read_rows

if TYPE_CHECKING:
    from dcmaint.domain.records import Device
    from dcmaint.services.context import Context
    from dcmaint.services.health import Fault, HealthRun
    from dcmaint.services.health_check import Progress
    from dcmaint.store.unit import UnitOfWork

#: Asked for the checklist answers when no file is given: (device or None for the room, its items) -> rows.
AskChecks = Callable[[str | None, Sequence[ChecklistItem]], list[RawAnswer]]
#: Asked for the outcome of each fault the poll found: (faults) -> rows ``fault:KIND:LOCATION``.
AskFaults = Callable[[Sequence["Fault"]], list[RawAnswer]]
OPEN_OUTCOMES = (Outcome.DOWNTIME, Outcome.FACTORY, Outcome.OPEN)


@dataclass(frozen=True)
class RunRequest:
    site: str
    answers: Path | None = None
    engineer: str | None = None
    at: GivenTime | None = None
    config_file: Path | None = None


@dataclass(frozen=True)
class Prompts:
    """How a person at a terminal answers when there is no answers file."""

    checks: AskChecks
    faults: AskFaults


@dataclass(frozen=True)
class RunSummary:
    run: int
    site: str
    devices: int
    findings: int
    tickets: tuple[str, ...]
    score: int | None
    trend: str

    def as_json(self) -> dict[str, object]:
        return {
            "run": self.run,
            "site": self.site,
            "devices": self.devices,
            "findings": self.findings,
            "tickets": list(self.tickets),
            "score": self.score,
            "trend": self.trend,
        }


@dataclass(frozen=True)
class _Scope:
    site: str
    zone: str
    devices: tuple[Device, ...]
    plan_id: int | None
    frequency: str | None


def _scope(context: Context, site: str, engineer: str | None) -> _Scope:
    from dcmaint.store import queries

    with context.read() as reader:
        record = queries.site(reader, site)
        if engineer is not None:
            queries.staff_member(reader, engineer)  # the engineer is on the staff register, as a swap's is
        plans = reader.rows(
            "SELECT p.id, p.frequency, p.scope FROM inspection_plans p JOIN sites s ON s.id = p.site_id "
            "WHERE s.name = :site ORDER BY p.next_on, p.id",
            {"site": site},
        )
        devices = [d for d in queries.devices(reader, queries.DeviceFilter(site=site)) if d.covered]
    plan = plans[0] if plans else None
    kinds = {k for k in str(plan["scope"]).split(",") if k} if plan is not None else set()
    chosen = tuple(d for d in devices if not kinds or d.kind in kinds)
    return _Scope(
        record.name,
        record.timezone,
        chosen,
        int(plan["id"]) if plan is not None else None,
        str(plan["frequency"]) if plan is not None else None,
    )


def _answers(request: RunRequest, scope: _Scope, checklists: Checklists, prompts: Prompts | None) -> Answers:
    kinds = {d.name: d.kind for d in scope.devices}
    if request.answers is not None:
        rows = read_rows(request.answers)
    elif prompts is not None:
        rows = prompts.checks(None, checklists.room())
        for device in scope.devices:
            items = checklists.for_kind(device.kind)
            if items:
                rows += prompts.checks(device.name, items)
    else:
        rows = []
    return check_rows(rows, scope.site, kinds, checklists)


def _fault_actions(
    run: HealthRun, answers: Answers, prompts: Prompts | None
) -> dict[tuple[str, str, str], FaultAction]:
    """The outcome given for each fault found, by (device, kind, location); a row for a fault the poll did
    not find is an error (still before any write)."""
    from dcmaint.services.health import faults_of

    found = [fault for result in run.results for fault in faults_of(result)]
    given = list(answers.faults)
    if prompts is not None and found:
        rows = prompts.faults(found)
        given += check_rows(rows, "", {f.device: "" for f in found}, Checklists(())).faults
    slots = {(f.device, f.kind, f.location) for f in found}
    actions: dict[tuple[str, str, str], FaultAction] = {}
    for fault in given:
        slot = (fault.device, fault.kind, fault.location)
        if slot not in slots:
            raise UsageError(
                _("{where}: the poll found no fault {value!r} on {device}").format(
                    where=fault.where, value=f"{fault.kind}:{fault.location}", device=fault.device
                )
            )
        actions[slot] = fault
    return actions


def run_inspection(
    context: Context, request: RunRequest, *, prompts: Prompts | None = None, progress: Progress | None = None
) -> RunSummary:
    """Inspect ``request.site`` (entry point): see the module's docstring for the steps and transactions."""
    from dcmaint.services import checklists as checklist_files
    from dcmaint.services.health import run_health
    from dcmaint.services.health_check import _partition

    scope = _scope(context, request.site, request.engineer)
    now = datetime.now(UTC)
    started = request.at.checked(scope.zone, now) if request.at is not None else now
    checklists = checklist_files.load(scope.site, request.config_file)
    answers = _answers(request, scope, checklists, prompts)
    pollable, _skipped = _partition(scope.devices, context.drivers())
    settings = context.config.runner
    run = run_health(
        pollable,
        context.drivers(),
        concurrency=settings.concurrency,
        timeout=settings.timeout,
        workers=settings.workers,
        progress=progress,
    )
    actions = _fault_actions(run, answers, prompts)

    def work(unit: UnitOfWork) -> RunSummary:
        return _write(unit, request, scope, checklists, answers, actions, run, started)

    return context.retried(work)


@dataclass
class _DeviceTally:
    parts: Counter[str]
    alarms: Counter[str]
    sensors: Counter[str]
    failed: int = 0


def _ticket_open(unit: UnitOfWork, ref: str | None) -> bool:
    from dcmaint.store.models.tickets import TicketRow

    if ref is None:
        return False
    row = unit.session.scalars(select(TicketRow).where(TicketRow.ref == ref)).one_or_none()
    return row is not None and row.restored_at is None and row.closed_at is None


def _check_ticket(unit: UnitOfWork, site: str, device: str | None, item: ChecklistItem, text: str, lang: str) -> str:
    """The open ticket of an earlier finding of this device and item, else a new inspection ticket."""
    from dcmaint.services import devices as device_register
    from dcmaint.services import tickets
    from dcmaint.store.models.inspections import InspectionFindingRow

    device_id = device_register.find(unit, device, site).id if device is not None else None
    earlier = unit.session.scalars(
        select(InspectionFindingRow.ticket_ref)
        .where(InspectionFindingRow.item == item.id, InspectionFindingRow.ticket_ref.is_not(None))
        .where(
            InspectionFindingRow.device_id == device_id
            if device_id is not None
            else InspectionFindingRow.device_id.is_(None)
        )
        .order_by(InspectionFindingRow.id.desc())
    ).first()
    if earlier is not None and _ticket_open(unit, earlier):
        return earlier
    where = device if device is not None else _("machine room")
    draft = tickets.TicketDraft(
        site, "inspection", f"{where}: {item.wording(lang)}: {text}", "medium", (device,) if device else ()
    )
    return tickets.new(unit, draft)


def _write(
    unit: UnitOfWork,
    request: RunRequest,
    scope: _Scope,
    checklists: Checklists,
    answers: Answers,
    actions: dict[tuple[str, str, str], FaultAction],
    run: HealthRun,
    started: datetime,
) -> RunSummary:
    from dcmaint.services import devices as device_register
    from dcmaint.services import sites
    from dcmaint.services.fault_tickets import open_for_faults
    from dcmaint.services.recording import record
    from dcmaint.store.models.health import FaultRow
    from dcmaint.store.models.inspections import (
        InspectionFindingRow,
        InspectionPlanRow,
        InspectionResultRow,
        InspectionRunRow,
    )
    from dcmaint.store.models.tickets import TicketRow

    site = sites.find(unit, scope.site)
    rows = {d.name: device_register.find(unit, d.name, scope.site) for d in scope.devices}
    unit.serialise("device", [row.id for row in rows.values()])
    record(unit, run)
    polled = {r.device: r for r in run.results}
    tickets = open_for_faults(unit, [rows[name].id for name in polled])
    previous = _previous_score(unit, site.id, started)
    run_row = InspectionRunRow(
        site_id=site.id,
        plan_id=scope.plan_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        engineer=request.engineer,
        answers_file=request.answers.name if request.answers is not None else None,
    )
    unit.session.add(run_row)
    unit.session.flush()
    lang = "zh" if language().startswith("zh") else "en"
    tallies: dict[str | None, _DeviceTally] = {
        name: _DeviceTally(Counter(), Counter(), Counter()) for name in [None, *rows]
    }
    findings = 0

    def finding(**values: object) -> None:
        nonlocal findings
        findings += 1
        unit.session.add(InspectionFindingRow(run_id=run_row.id, **values))

    for check in answers.checks:
        if check.answer.ok:
            continue
        item = checklists.item(check.item)
        assert item is not None
        tallies[check.device].failed += 1
        outcome = check.action.outcome if check.action is not None else Outcome.OPEN
        ref: str | None = None
        if outcome in OPEN_OUTCOMES:
            ref = _check_ticket(unit, scope.site, check.device, item, check.answer.text, lang)
            if ref not in tickets:
                tickets.append(ref)
        finding(
            device_id=rows[check.device].id if check.device is not None else None,
            source=(FindingSource.READING if item.answer.value == "number" else FindingSource.CHECKLIST).value,
            item=item.id,
            health="warning",
            description=f"{check.answer.text} {item.unit}".strip(),
            outcome=outcome.value,
            downtime_on=check.action.on if check.action is not None else None,
            note=check.note,
            ticket_ref=ref,
        )
    for name, row in rows.items():
        if name not in polled:
            continue
        for fault in unit.session.scalars(
            select(FaultRow).where(FaultRow.device_id == row.id, FaultRow.closed_at.is_(None)).order_by(FaultRow.id)
        ):
            tally = tallies[name]
            (tally.alarms if fault.kind == "alarm" else tally.sensors if fault.kind == "sensor" else tally.parts)[
                fault.health
            ] += 1
            given = actions.get((name, fault.kind, fault.location))
            fault_ticket = unit.session.scalars(select(TicketRow.ref).where(TicketRow.fault_id == fault.id)).first()
            finding(
                device_id=row.id,
                source=FindingSource.FAULT.value,
                item=f"{fault.kind}:{fault.location}",
                health=fault.health,
                description=fault.reason or fault.health,
                outcome=(given.action.outcome if given else Outcome.OPEN).value,
                downtime_on=given.action.on if given else None,
                note=given.note if given else None,
                fault_id=fault.id,
                ticket_ref=fault_ticket,
            )
    scores: dict[str | None, int] = {}
    for who, tally in tallies.items():
        result = polled.get(who) if who is not None else None
        deductions = health_score.Deductions(
            dict(tally.parts),
            dict(tally.alarms),
            dict(tally.sensors),
            tally.failed,
            poll_failed=result is not None and result.report is None,
        )
        scores[who] = health_score.device_score(deductions)
        device = rows[who] if who is not None else None
        if result is not None:
            status = result.status.value
        else:
            status = (ResultStatus.CHECKED if who is None else ResultStatus.NOT_POLLED).value
        unit.session.add(
            InspectionResultRow(
                run_id=run_row.id,
                device_id=device.id if device is not None else None,
                system=device.kind if device is not None else ROOM,
                status=status,
                answers=json.dumps(
                    [
                        {"item": c.item, "answer": c.answer.text, "ok": c.answer.ok, "note": c.note}
                        for c in answers.checks
                        if c.device == who
                    ],
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
                score=scores[who],
            )
        )
    run_row.score = health_score.system_score(list(scores.values()))
    if scope.plan_id is not None and scope.frequency is not None:
        plan = unit.session.get(InspectionPlanRow, scope.plan_id)
        assert plan is not None
        plan.next_on = next_date(scope.frequency, _local_date(started, scope.zone))
    unit.session.flush()
    summary = RunSummary(
        run_row.id,
        scope.site,
        len(rows),
        findings,
        tuple(tickets),
        run_row.score,
        health_score.trend(run_row.score, previous),
    )
    unit.record("inspection", f"{scope.site}:{run_row.id}", "run", None, summary.as_json())
    return summary


def _previous_score(unit: UnitOfWork, site_id: int, started: datetime) -> int | None:
    """The site's score at its inspection before ``started`` (an inspection entered late has its own place)."""
    from dcmaint.store.models.inspections import InspectionRunRow

    return unit.session.scalars(
        select(InspectionRunRow.score)
        .where(InspectionRunRow.site_id == site_id, InspectionRunRow.started_at <= started)
        .order_by(InspectionRunRow.started_at.desc(), InspectionRunRow.id.desc())
    ).first()


def _local_date(when: datetime, zone: str) -> date:
    return when.astimezone(ZoneInfo(zone)).date()

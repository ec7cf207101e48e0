"""What ``backup policy list|show``, ``backup drill list|show`` and ``backup due`` read.

The rules are :mod:`dcmaint.domain.backups`' (when a restore test or a drill
falls due, met or missed); the rows :mod:`dcmaint.store.backup_queries`'. The
functions taking ``rows`` run on a reader or inside a write's transaction, so a
write answers with exactly what a list shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain import backups
from dcmaint.domain.backups import (
    ActionLine,
    BackupDueKind,
    DrillDetail,
    DrillLine,
    DueLine,
    PlanLine,
    PolicyLine,
    RestoreLine,
    RestoreResult,
)
from dcmaint.domain.preventive import TaskState, interval
from dcmaint.errors import NotFound
from dcmaint.i18n import _, value_label
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned
from dcmaint.store import backup_queries as q
from dcmaint.store.reader import Rows

DEFAULT_WITHIN = timedelta(days=14)


def _site_known(rows: Rows, site: str | None) -> None:
    if site is not None and not rows.rows("SELECT id FROM sites WHERE name = :name", {"name": site}):
        raise NotFound(_("unknown site {name!r}").format(name=site))


def policy_lines(
    rows: Rows, site: str | None = None, name: str | None = None, retired: bool = False, now: datetime | None = None
) -> list[PolicyLine]:
    """The policies (retired ones only when ``retired``), with their last restore test and next one due."""
    _site_known(rows, site)
    found = q.policies(rows, site, name)
    if name is not None and not found:
        raise NotFound(_("unknown backup policy {name!r}").format(name=name))
    devices = q.policy_devices(rows)
    tests = q.restores(rows)
    now = now or datetime.now(UTC)
    lines = []
    for policy in found:
        if policy.retired_at is not None and not retired and name is None:
            continue
        own = [t for t in tests if t.policy_id == policy.id]
        last = own[-1] if own else None
        last_ok = max((t.tested_at for t in own if t.result == RestoreResult.OK.value), default=None)
        last_not_ok = max((t.tested_at for t in own if t.result != RestoreResult.OK.value), default=None)
        due = None
        if policy.retired_at is None:
            every = interval(policy.verify_every, "verify_every")
            due = backups.verification_due(policy.registered, every, last_ok, last_not_ok)
        lines.append(
            PolicyLine(
                policy.name,
                policy.site,
                policy.system,
                devices.get(policy.id, ()),
                policy.tool,
                policy.schedule,
                policy.retention,
                policy.target,
                policy.owner,
                policy.verify_every,
                last.tested_at if last else None,
                last.result if last else None,
                last_ok,
                due,
                backups.due_state(due, now, timedelta(0)).value if due else None,
                policy.retired_at,
                policy.retired_reason,
                policy.note,
            )
        )
    return lines


def restore_lines(rows: Rows, policy: str) -> list[RestoreLine]:
    """A policy's restore tests, oldest first."""
    found = q.policies(rows, name=policy)
    if not found:
        raise NotFound(_("unknown backup policy {name!r}").format(name=policy))
    return [_restore_line(t) for t in q.restores(rows, found[0].id)]


def _restore_line(test: q.RestoreRow) -> RestoreLine:
    return RestoreLine(
        test.policy,
        test.site,
        test.tested_at,
        test.engineer,
        test.result,
        test.restored,
        None if test.duration_s is None else test.duration_s // 60,
        test.note,
    )


@dataclass(frozen=True)
class PolicyDetail:
    policy: PolicyLine
    restores: list[RestoreLine]


def policies(context: Context, site: str | None = None, retired: bool = False) -> Zoned[list[PolicyLine]]:
    """The policies of ``site`` (every site without one), with the sites' zones (entry point)."""
    with context.read() as reader:
        return Zoned(policy_lines(reader, site, retired=retired), q.zones(reader))


def policy(context: Context, name: str) -> Zoned[PolicyDetail]:
    """One policy with its restore tests (entry point)."""
    with context.read() as reader:
        line = policy_lines(reader, name=name)[0]
        return Zoned(PolicyDetail(line, restore_lines(reader, name)), q.zones(reader))


def local_midnight(day: date, zone: str) -> datetime:
    """The start of ``day`` at a site, in UTC: when a plan's next date or an action's due date begins."""
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def plan_lines(
    rows: Rows, site: str | None = None, plan_id: int | None = None, now: datetime | None = None
) -> list[PlanLine]:
    _site_known(rows, site)
    found = q.plans(rows, site, plan_id)
    if plan_id is not None and not found:
        raise NotFound(_("unknown drill plan {number}").format(number=plan_id))
    held = q.drills(rows, site)
    now = now or datetime.now(UTC)
    lines = []
    for plan in found:
        last = max((d.drilled_at for d in held if d.plan_id == plan.id), default=None)
        next_on = local_midnight(plan.next_on, plan.timezone) if plan.next_on else None
        every = interval(plan.every, "every") if plan.every else None
        due = None if plan.retired_at else backups.drill_due(plan.planned, every, next_on, last)
        lines.append(
            PlanLine(
                plan.id,
                plan.site,
                plan.system,
                plan.policy,
                plan.scenario,
                plan.every,
                next_on,
                plan.rto_s // 60,
                plan.rpo_s // 60,
                last,
                due,
                backups.due_state(due, now, timedelta(0)).value if due else None,
                plan.retired_at,
                plan.retired_reason,
            )
        )
    return lines


def _action_line(action: q.ActionRow) -> ActionLine:
    return ActionLine(
        action.id,
        action.drill_id,
        action.site,
        action.owner,
        action.due_on,
        action.text,
        action.done_at,
        action.done_note,
    )


def drill_lines(
    rows: Rows, site: str | None = None, drill_id: int | None = None, plan_id: int | None = None
) -> list[DrillLine]:
    """Drills held, oldest first, each with its objectives met or missed and its follow-up actions."""
    _site_known(rows, site)
    found = q.drills(rows, site, plan_id, drill_id)
    if drill_id is not None and not found:
        raise NotFound(_("unknown drill {number}").format(number=drill_id))
    actions = q.actions(rows, site, drill_id)
    lines = []
    for drill in found:
        rto = backups.objective(timedelta(seconds=drill.rto_target_s), timedelta(seconds=drill.rto_achieved_s))
        rpo = backups.objective(timedelta(seconds=drill.rpo_target_s), timedelta(seconds=drill.rpo_achieved_s))
        lines.append(
            DrillLine(
                drill.id,
                drill.plan_id,
                drill.site,
                drill.system,
                drill.policy,
                drill.scenario,
                drill.drilled_at,
                drill.engineer,
                drill.rto_target_s // 60,
                drill.rto_achieved_s // 60,
                rto.value,
                drill.rpo_target_s // 60,
                drill.rpo_achieved_s // 60,
                rpo.value,
                drill.result,
                drill.note,
                sum(1 for a in actions if a.drill_id == drill.id and a.done_at is None),
            )
        )
    return lines


def drill_detail(rows: Rows, number: int) -> DrillDetail:
    """One drill with its follow-up actions."""
    line = drill_lines(rows, drill_id=number)[0]
    return DrillDetail(line, tuple(_action_line(a) for a in q.actions(rows, drill_id=number)))


@dataclass(frozen=True)
class DrillsFound:
    plans: list[PlanLine]
    drills: list[DrillLine]


def drills(context: Context, site: str | None = None, plan: int | None = None) -> Zoned[DrillsFound]:
    """Drill plans and the drills held (of one plan when given) (entry point)."""
    with context.read() as reader:
        plans = plan_lines(reader, site, plan)
        return Zoned(DrillsFound(plans, drill_lines(reader, site, plan_id=plan)), q.zones(reader))


def drill(context: Context, number: int) -> Zoned[DrillDetail]:
    """One drill with its actions (entry point)."""
    with context.read() as reader:
        return Zoned(drill_detail(reader, number), q.zones(reader))


def due_lines(rows: Rows, site: str | None, within: timedelta, now: datetime) -> list[DueLine]:
    """Restore tests, drills and follow-up actions due within ``within`` of ``now`` or overdue, soonest first."""
    lines = []
    for policy in policy_lines(rows, site, now=now):
        if policy.next_verification is not None:
            what = _("restore test of {system}").format(system=policy.system)
            if (
                policy.last_result not in (None, RestoreResult.OK.value)
                and policy.last_verified == policy.next_verification
            ):
                what = _("restore test of {system} (last one {result})").format(
                    system=policy.system, result=value_label(RestoreResult, policy.last_result)
                )
            lines.append(
                DueLine(BackupDueKind.VERIFICATION.value, policy.site, policy.policy, what, policy.owner,
                        policy.next_verification, backups.due_state(policy.next_verification, now, within).value)
            )  # fmt: skip
    for plan in plan_lines(rows, site, now=now):
        if plan.next_due is not None:
            lines.append(
                DueLine(BackupDueKind.DRILL.value, plan.site, f"{plan.plan} {plan.system}", plan.scenario, None,
                        plan.next_due, backups.due_state(plan.next_due, now, within).value)
            )  # fmt: skip
    zones = q.zones(rows)
    for action in q.actions(rows, site):
        if action.done_at is None:
            starts = local_midnight(action.due_on, zones[action.site])
            ends = local_midnight(action.due_on + timedelta(days=1), zones[action.site])  # due by the end of the day
            lines.append(
                DueLine(BackupDueKind.ACTION.value, action.site, str(action.id), action.text, action.owner,
                        starts, backups.due_state(ends, now, within).value)
            )  # fmt: skip
    shown = [line for line in lines if line.state != TaskState.SCHEDULED.value]
    return sorted(shown, key=lambda line: (line.due, line.kind, line.subject))


def due(context: Context, site: str | None = None, within: timedelta = DEFAULT_WITHIN) -> Zoned[list[DueLine]]:
    """What is overdue or due within ``within`` (entry point)."""
    with context.read() as reader:
        _site_known(reader, site)
        return Zoned(due_lines(reader, site, within, datetime.now(UTC)), q.zones(reader))

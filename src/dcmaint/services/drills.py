"""Drill writes: plan a drill, log a drill held with its follow-up actions, mark an action done; and the
printable drill record (``backup drill record``).

A drill logged against a plan takes the plan's site, system, policy and RTO/RPO
targets (the targets in force are kept with the record, so a later change of
plan does not rewrite history); a drill without a plan names them itself. The
drill's date is not in the future and each action's owner is an active staff
member with a due date not before the drill. One transaction each, audited
(``drill-plan``, ``drill``, ``drill-action``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dcmaint.domain.backups import DrillDetail, FollowUpGiven, PlanLine, RestoreResult
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import backup_views, sites
from dcmaint.services.backups import active_staff
from dcmaint.services.backups import find as find_policy
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned
from dcmaint.store import backup_queries
from dcmaint.store.models.backups import DrillActionRow, DrillPlanRow, DrillRow
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.unit import UnitOfWork


@dataclass(frozen=True)
class PlanGiven:
    """What ``backup drill plan`` was told: the site, the system or policy, the scenario, how often or when next,
    and the RTO and RPO targets."""

    site: str
    scenario: str
    rto: timedelta
    rpo: timedelta
    system: str | None = None
    policy: str | None = None
    every: str | None = None
    next_on: date | None = None


@dataclass(frozen=True)
class DrillGiven:
    """What ``backup drill log`` was told."""

    engineer: str
    rto_achieved: timedelta
    rpo_achieved: timedelta
    result: RestoreResult
    plan: int | None = None
    site: str | None = None
    system: str | None = None
    policy: str | None = None
    scenario: str | None = None
    rto: timedelta | None = None
    rpo: timedelta | None = None
    at: GivenTime | None = None
    actions: tuple[FollowUpGiven, ...] = ()
    note: str | None = None


def _system(unit: UnitOfWork, site: SiteRow, system: str | None, policy: str | None) -> tuple[str, int | None]:
    """The system drilled, and the policy whose backups it restores: a policy names its system; a policy of
    another site, or a retired one, is refused."""
    if policy is None:
        if system is None:
            raise UsageError(_("give --system or --policy"))
        return system, None
    row = find_policy(unit, policy)
    if row.site_id != site.id:
        raise UsageError(_("backup policy {name!r} is not at site {site}").format(name=policy, site=site.name))
    if row.retired_at is not None:
        raise UsageError(_("backup policy {name!r} is retired").format(name=policy))
    return system or row.system, row.id


def _plan_json(row: DrillPlanRow) -> dict[str, Any]:
    keys = ("system", "policy_id", "scenario", "every", "rto_s", "rpo_s")
    return {**{k: getattr(row, k) for k in keys}, "next_on": row.next_on.isoformat() if row.next_on else None}


def plan(context: Context, given: PlanGiven) -> Zoned[PlanLine]:
    """Plan a drill (entry point): at least an interval or a next date."""
    if given.every is None and given.next_on is None:
        raise UsageError(_("give --every, --next or both"))
    with context.write() as unit:
        site = sites.find(unit, given.site)
        system, policy_id = _system(unit, site, given.system, given.policy)
        if given.next_on is not None and given.next_on < datetime.now(UTC).date() - timedelta(days=1):
            raise UsageError(_("--next {value!r} is in the past").format(value=given.next_on.isoformat()))
        row = DrillPlanRow(
            site_id=site.id,
            system=system,
            policy_id=policy_id,
            scenario=given.scenario,
            every=given.every,
            next_on=given.next_on,
            rto_s=int(given.rto.total_seconds()),
            rpo_s=int(given.rpo.total_seconds()),
        )
        unit.session.add(row)
        unit.session.flush()
        unit.record(AuditEntity.DRILL_PLAN.value, str(row.id), "add", None, {**_plan_json(row), "site": site.name})
        return Zoned(backup_views.plan_lines(unit, plan_id=row.id)[0], {site.name: site.timezone})


@dataclass(frozen=True)
class PlanChanges:
    """What ``backup drill edit`` changes; None leaves a value as it is."""

    scenario: str | None = None
    every: str | None = None
    next_on: date | None = None
    rto: timedelta | None = None
    rpo: timedelta | None = None


def _plan_row(unit: UnitOfWork, number: int) -> DrillPlanRow:
    row = unit.session.get(DrillPlanRow, number, with_for_update=True)
    if row is None:
        raise NotFound(_("unknown drill plan {number}").format(number=number))
    if row.retired_at is not None:
        raise UsageError(_("drill plan {number} is retired").format(number=number))
    return row


def _plan_line(unit: UnitOfWork, row: DrillPlanRow) -> Zoned[PlanLine]:
    unit.session.flush()
    return Zoned(backup_views.plan_lines(unit, plan_id=row.id)[0], backup_queries.zones(unit))


def edit_plan(context: Context, number: int, changes: PlanChanges) -> Zoned[PlanLine]:
    """Reschedule a drill plan, or change its scenario or targets (entry point); drills held keep theirs."""
    with context.write() as unit:
        row = _plan_row(unit, number)
        if changes.next_on is not None and changes.next_on < datetime.now(UTC).date() - timedelta(days=1):
            raise UsageError(_("--next {value!r} is in the past").format(value=changes.next_on.isoformat()))
        before = _plan_json(row)
        if changes.scenario is not None:
            row.scenario = changes.scenario
        if changes.every is not None:
            row.every = changes.every
        if changes.next_on is not None:
            row.next_on = changes.next_on
        if changes.rto is not None:
            row.rto_s = int(changes.rto.total_seconds())
        if changes.rpo is not None:
            row.rpo_s = int(changes.rpo.total_seconds())
        after = _plan_json(row)
        if after != before:
            unit.record(AuditEntity.DRILL_PLAN.value, str(row.id), "edit", before, after)
        return _plan_line(unit, row)


def retire_plan(context: Context, number: int, reason: str) -> Zoned[PlanLine]:
    """Retire a drill plan: it no longer falls due; its drills stay (entry point)."""
    with context.write() as unit:
        row = _plan_row(unit, number)
        before = _plan_json(row)
        row.retired_at, row.retired_reason = datetime.now(UTC), reason
        unit.record(AuditEntity.DRILL_PLAN.value, str(row.id), "retire", before, {**before, "retired_reason": reason})
        return _plan_line(unit, row)


def log(context: Context, given: DrillGiven) -> Zoned[DrillDetail]:
    """Record a drill held, with its follow-up actions (entry point)."""
    with context.write() as unit:
        plan_row = None
        if given.plan is not None:
            plan_row = _plan_row(unit, given.plan)
            site = unit.session.get(SiteRow, plan_row.site_id)
            assert site is not None
            if given.site is not None and given.site != site.name:
                raise UsageError(_("drill plan {number} is at site {site}").format(number=plan_row.id, site=site.name))
        elif given.site is None:
            raise UsageError(_("give a drill plan, or --site with --system or --policy"))
        else:
            site = sites.find(unit, given.site)
        if plan_row is not None:
            system, policy_id = given.system or plan_row.system, plan_row.policy_id
            if given.policy is not None:
                system, policy_id = _system(unit, site, given.system, given.policy)
            scenario = given.scenario or plan_row.scenario
            rto = given.rto or timedelta(seconds=plan_row.rto_s)
            rpo = given.rpo or timedelta(seconds=plan_row.rpo_s)
        else:
            system, policy_id = _system(unit, site, given.system, given.policy)
            if given.scenario is None or given.rto is None or given.rpo is None:
                raise UsageError(_("a drill without a plan needs --scenario, --rto and --rpo"))
            scenario, rto, rpo = given.scenario, given.rto, given.rpo
        engineer = active_staff(unit, given.engineer)
        now = datetime.now(UTC)
        at = given.at.checked(site.timezone, now) if given.at else now
        owners = [(active_staff(unit, a.owner), a) for a in given.actions]
        drilled_on = at.astimezone(_zone(site.timezone)).date()
        for _member, action in owners:
            if action.due < drilled_on:
                raise UsageError(
                    _("--action {value!r}: due {due} is before the drill ({day})").format(
                        value=action.action, due=action.due.isoformat(), day=drilled_on.isoformat()
                    )
                )
        row = DrillRow(
            plan_id=plan_row.id if plan_row else None,
            site_id=site.id,
            system=system,
            policy_id=policy_id,
            scenario=scenario,
            drilled_at=at,
            engineer_id=engineer.id,
            rto_target_s=int(rto.total_seconds()),
            rto_achieved_s=int(given.rto_achieved.total_seconds()),
            rpo_target_s=int(rpo.total_seconds()),
            rpo_achieved_s=int(given.rpo_achieved.total_seconds()),
            result=given.result.value,
            note=optional_free_text(given.note, "--note"),
        )
        unit.session.add(row)
        unit.session.flush()
        unit.session.add_all(
            DrillActionRow(drill_id=row.id, owner_id=member.id, due_on=action.due, text=action.action)
            for member, action in owners
        )
        unit.session.flush()
        detail = backup_views.drill_detail(unit, row.id)
        unit.record(AuditEntity.DRILL.value, str(row.id), "log", None, detail.as_json())
        return Zoned(detail, {site.name: site.timezone})


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def action_done(
    context: Context, number: int, at: GivenTime | None = None, note: str | None = None
) -> Zoned[DrillDetail]:
    """Mark a follow-up action done (entry point); the drill it belongs to, as ``drill show`` gives it."""
    with context.write() as unit:
        row = unit.session.get(DrillActionRow, number)
        if row is None:
            raise NotFound(_("unknown follow-up action {number}").format(number=number))
        if row.done_at is not None:
            raise UsageError(_("follow-up action {number} is already done").format(number=number))
        drill = unit.session.get(DrillRow, row.drill_id)
        assert drill is not None
        site = unit.session.get(SiteRow, drill.site_id)
        assert site is not None
        now = datetime.now(UTC)
        drilled = drill.drilled_at if drill.drilled_at.tzinfo else drill.drilled_at.replace(tzinfo=UTC)
        when = at.checked(site.timezone, now, drilled, _("the drill")) if at else now
        row.done_at, row.done_note = when, optional_free_text(note, "--note")
        unit.session.flush()
        unit.record(
            AuditEntity.DRILL_ACTION.value,
            str(row.id),
            "done",
            {"drill": drill.id, "text": row.text, "done_at": None},
            {"drill": drill.id, "text": row.text, "done_at": when.isoformat(), "note": row.done_note},
        )
        return Zoned(backup_views.drill_detail(unit, drill.id), backup_queries.zones(unit))


@dataclass(frozen=True)
class DrillRecord:
    """What the printable drill record shows: the drill, its site's customer and zone."""

    drill: DrillDetail
    customer: str
    contract: str | None
    timezone: str


def record(context: Context, number: int) -> DrillRecord:
    """The drill and its site's customer, for the printable record (entry point)."""
    with context.read() as reader:
        detail = backup_views.drill_detail(reader, number)
        site = reader.rows(
            "SELECT customer, contract_no, timezone FROM sites WHERE name = :name", {"name": detail.drill.site}
        )[0]
        return DrillRecord(detail, site["customer"], site["contract_no"], site["timezone"])

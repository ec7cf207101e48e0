"""Emergency plan writes: a plan added from a file or a shipped template, replaced, retired, drilled.

Each is one transaction with its audit row (``emergency-plan``,
``emergency-drill``). ``emergency edit`` keeps every version
(``emergency_plan_versions``); a drill records the version it exercised.
A drill's ``--at`` must not be in the future. Reads are in
:mod:`dcmaint.services.emergency_views`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dcmaint.domain import emergency
from dcmaint.domain.emergency import DrillLine, DrillResult, Plan, PlanState
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites, staff
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned
from dcmaint.store.models.emergency import EmergencyDrillRow, EmergencyPlanRow, EmergencyPlanVersionRow
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.EMERGENCY_PLAN.value
DRILL_ENTITY = AuditEntity.EMERGENCY_DRILL.value
TEMPLATE_FOLDER = "emergency"
MOST_FILE_BYTES = 256 * 1024  # a plan is a few pages: a file larger than this is not a plan


@dataclass(frozen=True)
class PlanSource:
    """Where a plan's text comes from: a file the user wrote, or a template dcmaint ships."""

    file: Path | None = None
    template: str | None = None


@dataclass(frozen=True)
class Written:
    """What a write did to a plan, for its one line of output."""

    plan: str
    system: str
    title: str
    version: int
    state: str


def templates() -> list[tuple[str, Plan]]:
    """The shipped template plans (``src/dcmaint/data/emergency/*.toml``), by name."""
    from dcmaint.paths import bundled

    folder = bundled(TEMPLATE_FOLDER)
    return [
        (path.stem, emergency.read_plan_text(path.read_text(encoding="utf-8"), f"{TEMPLATE_FOLDER}/{path.name}"))
        for path in sorted(folder.iterdir(), key=lambda p: p.name)
        if path.name.endswith(".toml")
    ]


def _template_text(name: str) -> str:
    from dcmaint.paths import bundled

    path = bundled(TEMPLATE_FOLDER) / f"{name}.toml"
    if not emergency.NAME_PATTERN.match(name) or not path.is_file():
        raise NotFound(
            _("unknown template {value!r}: choose one of {choices}").format(
                value=name, choices=", ".join(n for n, _plan in templates())
            )
        )
    return path.read_text(encoding="utf-8")


def read_source(source: PlanSource) -> tuple[str, str, Plan]:
    """The (text, name shown in errors, plan) of a file or template; a bad one is refused naming it."""
    if (source.file is None) == (source.template is None):
        raise UsageError(_("give either --file or --template"))
    if source.template is not None:
        text, shown = _template_text(source.template), f"{TEMPLATE_FOLDER}/{source.template}.toml"
    else:
        assert source.file is not None
        shown = str(source.file)
        try:
            data = source.file.read_bytes()
        except OSError as error:
            raise UsageError(_("cannot read {file}: {reason}").format(file=shown, reason=error.strerror)) from None
        if len(data) > MOST_FILE_BYTES:
            raise UsageError(_("{file}: larger than 256 KB, not a plan file").format(file=shown))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(_("{file}: not UTF-8 text").format(file=shown)) from None
    return text, shown, emergency.read_plan_text(text, shown)


def _content(plan: Plan) -> str:
    return json.dumps(plan.as_json(), ensure_ascii=False, sort_keys=True)


def _find(unit: UnitOfWork, ref: str) -> tuple[SiteRow, EmergencyPlanRow]:
    site_name, name = emergency.plan_key(ref, "PLAN")
    site = sites.find(unit, site_name)
    query = select(EmergencyPlanRow).where(EmergencyPlanRow.site_id == site.id, EmergencyPlanRow.name == name)
    row = unit.session.scalars(query.with_for_update()).one_or_none()
    if row is None:
        raise NotFound(_("unknown emergency plan {value!r}").format(value=ref))
    return site, row


def _state(site: SiteRow, row: EmergencyPlanRow) -> dict[str, Any]:
    return {
        "site": site.name,
        "system": row.system,
        "name": row.name,
        "state": row.state,
        "version": row.version,
        "title": row.title,
        "drill_every": row.drill_every,
    }


def _written(site: SiteRow, row: EmergencyPlanRow) -> Written:
    return Written(f"{site.name}/{row.name}", row.system, row.title, row.version, row.state)


def add(context: Context, site: str, system: str | None, name: str | None, source: PlanSource) -> Written:
    """Adopt a plan for a site's system from a file or a template (entry point)."""
    text, shown, plan = read_source(source)
    with context.write() as unit:
        return _add(unit, site, system, name or plan.name or source.template, text, shown, plan)


def _add(
    unit: UnitOfWork, site_name: str, given: str | None, name: str | None, text: str, shown: str, plan: Plan
) -> Written:
    site = sites.find(unit, site_name)
    if given is not None and plan.system is not None and given != plan.system:
        raise UsageError(
            _("--system {given} does not match {file}: system = {system!r}").format(
                given=given, file=shown, system=plan.system
            )
        )
    system = given or plan.system
    if system is None:
        raise UsageError(_("give --system (a device kind or room): {file} does not say").format(file=shown))
    if name is None:
        raise UsageError(_('give the plan a name: --name, or name = "..." in {file}').format(file=shown))
    if not emergency.NAME_PATTERN.match(name):
        raise UsageError(
            _("invalid --name {value!r}: lower-case letters, digits and '-', at most 48").format(value=name)
        )
    taken = unit.session.scalars(
        select(EmergencyPlanRow).where(EmergencyPlanRow.site_id == site.id, EmergencyPlanRow.name == name)
    ).one_or_none()
    if taken is not None:
        raise Conflict(
            _("emergency plan {site}/{name} exists ({state}): use `dcmaint emergency edit` or another --name").format(
                site=site.name, name=name, state=taken.state
            )
        )
    content = _content(plan)
    row = EmergencyPlanRow(
        site_id=site.id,
        system=system,
        name=name,
        state=PlanState.ACTIVE.value,
        version=1,
        title=plan.title.en or plan.title.zh,
        drill_every=str(plan.drill_every),
        content=content,
        source=text,
    )
    unit.session.add(row)
    unit.session.flush()
    unit.session.add(EmergencyPlanVersionRow(plan_id=row.id, version=1, content=content, source=text))
    unit.session.flush()
    unit.record(ENTITY, f"{site.name}/{name}", "add", None, {**_state(site, row), "content": plan.as_json()})
    return _written(site, row)


def edit(context: Context, ref: str, source: PlanSource) -> Written:
    """Replace an active plan's text with a new version, keeping the old one (entry point)."""
    text, shown, plan = read_source(source)
    with context.write() as unit:
        site, row = _find(unit, ref)
        if row.state != PlanState.ACTIVE.value:
            raise UsageError(_("emergency plan {plan} is retired: add a new one").format(plan=ref))
        if plan.system is not None and plan.system != row.system:
            raise UsageError(
                _("{file}: system = {system!r}, but {plan} is a plan for {current}").format(
                    file=shown, system=plan.system, plan=ref, current=row.system
                )
            )
        content = _content(plan)
        if content == row.content:
            raise UsageError(
                _("{file} says what version {version} of {plan} says: nothing to change").format(
                    file=shown, version=row.version, plan=ref
                )
            )
        before = {**_state(site, row), "content": json.loads(row.content)}
        row.version += 1
        row.title, row.drill_every, row.content, row.source = (
            plan.title.en or plan.title.zh,
            str(plan.drill_every),
            content,
            text,
        )
        unit.session.add(EmergencyPlanVersionRow(plan_id=row.id, version=row.version, content=content, source=text))
        unit.session.flush()
        unit.record(ENTITY, f"{site.name}/{row.name}", "edit", before, {**_state(site, row), "content": plan.as_json()})
        return _written(site, row)


def retire(context: Context, ref: str, reason: str) -> Written:
    """Retire a plan (a system replaced, a room closed): it leaves lists, due drills and tickets (entry point)."""
    why = optional_free_text(reason, "--reason")
    with context.write() as unit:
        site, row = _find(unit, ref)
        if row.state == PlanState.RETIRED.value:
            raise UsageError(_("emergency plan {plan} is already retired").format(plan=ref))
        before = _state(site, row)
        row.state, row.retired_at, row.retired_reason = PlanState.RETIRED.value, datetime.now(UTC), why
        unit.session.flush()
        unit.record(ENTITY, f"{site.name}/{row.name}", "retire", before, {**_state(site, row), "reason": why})
        return _written(site, row)


@dataclass(frozen=True)
class Drill:
    """What ``emergency drill`` was told."""

    plan: str
    result: DrillResult
    at: GivenTime | None = None
    note: str | None = None
    by: str | None = None


def drill(context: Context, given: Drill) -> Zoned[DrillLine]:
    """Record a drill of an active plan (entry point); with the site's time zone, for a table."""
    note = optional_free_text(given.note, "--note")
    with context.write() as unit:
        site, row = _find(unit, given.plan)
        if row.state != PlanState.ACTIVE.value:
            raise UsageError(_("emergency plan {plan} is retired: it is not drilled").format(plan=given.plan))
        led = staff.find(unit, given.by) if given.by is not None else None
        if led is not None and not led.active:
            raise UsageError(_("staff member {name!r} is no longer active").format(name=led.name))
        now = datetime.now(UTC)
        at = given.at.checked(site.timezone, now) if given.at else now
        unit.session.add(
            EmergencyDrillRow(
                plan_id=row.id,
                version=row.version,
                drilled_at=at,
                result=given.result.value,
                led_by_id=led.id if led else None,
                note=note,
            )
        )
        unit.session.flush()
        key = f"{site.name}/{row.name}"
        line = DrillLine(key, site.name, row.version, at, given.result.value, led.name if led else None, note)
        unit.record(DRILL_ENTITY, key, "drill", None, line.as_json())
        return Zoned(line, {site.name: site.timezone})

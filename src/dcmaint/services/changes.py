"""``dcmaint change``: change requests, the customer's approval, implementation and the device's confirmation.

Every move is one transaction through :func:`dcmaint.domain.changes.move` (an
illegal one is refused naming the moves allowed, nothing written) and one
audit row with the change before and after. ``implement`` is refused until
the customer's approval is recorded. After implementation, every poll that
records a device of the change (``health --record``, ``archive snapshot``,
``change implement --verify``) reads the component's version it reports
(:func:`confirm_polled`, called where the archive records versions): when
every device reports the target version the change is ``confirmed``;
otherwise it stays ``implemented`` with the version seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from dcmaint.domain import changes
from dcmaint.domain.changes import ChangeAction, ChangeRecord, ChangeState, Risk
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.text import free_text
from dcmaint.domain.versions import Order, compare
from dcmaint.drivers.result import PollResult
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.services import staff
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import advisory_queries
from dcmaint.store.models.advisories import ChangeDeviceRow, ChangeRow
from dcmaint.store.models.registers import DeviceRow, SiteRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.CHANGE.value


@dataclass(frozen=True)
class Request:
    """What ``change request`` was told."""

    devices: tuple[str, ...]
    component: str
    version: str | None  # None: the newest release the devices' advisory names
    evaluation: str
    risk: Risk
    window_start: GivenTime
    window_end: GivenTime
    rollback_plan: str
    requested_by: str
    site: str | None = None


def _local(given: GivenTime, zone: str) -> datetime:
    from zoneinfo import ZoneInfo

    value = given.value if given.value.tzinfo else given.value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)


def _when(given: GivenTime | None, zone: str, now: datetime, after: datetime | None, previous: str) -> datetime:
    return given.checked(zone, now, after, previous) if given is not None else now


def _row(unit: UnitOfWork, text: str) -> ChangeRow:
    number = changes.number(text)
    row = unit.session.scalars(select(ChangeRow).where(ChangeRow.id == number).with_for_update()).one_or_none()
    if row is None:
        raise NotFound(
            _("unknown change {ref}: `dcmaint change list` lists them").format(ref=changes.reference(number))
        )
    return row


def record_of(unit: UnitOfWork, row: ChangeRow) -> ChangeRecord:
    """The change as people and scripts see it, read by the same query as ``change show``."""
    from dcmaint.store import change_queries

    unit.session.flush()
    return change_queries.changes(unit, number=row.id)[0]


def _devices(unit: UnitOfWork, names: Sequence[str], site: str | None) -> tuple[SiteRow, list[DeviceRow]]:
    if not names:
        raise UsageError(_("give at least one --device"))
    found = [device_register.find(unit, name, site) for name in dict.fromkeys(names)]
    site_ids = {d.site_id for d in found}
    if len(site_ids) > 1:
        raise UsageError(_("the devices of one change are at one site: give --site or devices of one site"))
    site_row = unit.session.get(SiteRow, found[0].site_id)
    assert site_row is not None
    return site_row, found


def _target(unit: UnitOfWork, given: Request, site: SiteRow, found: list[DeviceRow]) -> tuple[str, int | None]:
    """The target version and the release it answers: given, or the newest release the advisory names."""
    from dcmaint.services.advisories import AdvisoryFilter, advisory_lines

    wanted = given.component.strip().lower()
    targets: dict[str, str] = {}
    for device in found:
        for line in advisory_lines(unit, AdvisoryFilter(site.name, device.name), datetime.now(UTC)):  # type: ignore[arg-type]
            if line.kind == "firmware" and line.state == "behind" and line.component.lower() == wanted:
                targets[device.name] = line.release or ""
    version = given.version
    if version is None:
        missing = [d.name for d in found if d.name not in targets]
        if missing or len(set(targets.values())) != 1:
            raise UsageError(
                _("no one advisory names {component} for {devices}: give --version").format(
                    component=given.component, devices=", ".join(missing or sorted(targets))
                )
            )
        version = next(iter(targets.values()))
    return version, _release_for(unit, site, found, wanted, version)


def _release_for(unit: UnitOfWork, site: SiteRow, found: list[DeviceRow], component: str, version: str) -> int | None:
    """The imported release of ``component`` ``version`` that is for these devices' vendor and model (another
    vendor may name a component alike), or None."""
    from dcmaint.store.advisory_queries import release as read_release

    names = {d.name for d in found}
    devices = [i for i in advisory_queries.installed(unit, site.name) if i.device in names]
    rows = unit.rows(
        "SELECT * FROM releases WHERE component_key = :component AND version = :version ORDER BY id",
        {"component": component, "version": version},
    )
    for row in rows:
        candidate = read_release(row)
        if any(candidate.fits(d.vendor, d.model, candidate.component) for d in devices):
            return int(row["id"])
    return None


def request(context: Context, given: Request) -> ChangeRecord:
    """Record a change request (entry point)."""
    with context.write() as unit:
        return _request(unit, given)


def _request(unit: UnitOfWork, given: Request) -> ChangeRecord:
    from dcmaint.domain.text import identifier

    component = identifier(given.component, "--component")
    evaluation = free_text(given.evaluation, "--evaluation")
    plan = free_text(given.rollback_plan, "--rollback-plan")
    site, found = _devices(unit, given.devices, given.site)
    requester = staff.find(unit, given.requested_by)
    if not requester.active:
        raise UsageError(_("staff member {name!r} is no longer active").format(name=requester.name))
    start, end = changes.window(_local(given.window_start, site.timezone), _local(given.window_end, site.timezone))
    version, release = _target(unit, given, site, found)
    installed = {i.device: i for i in advisory_queries.installed(unit, site.name)}
    row = ChangeRow(
        site_id=site.id,
        state=ChangeState.REQUESTED.value,
        component=component,
        target_version=version,
        release_id=release,
        evaluation=evaluation,
        risk=given.risk.value,
        window_start=start,
        window_end=end,
        rollback_plan=plan,
        requested_by_id=requester.id,
    )
    unit.session.add(row)
    unit.session.flush()
    for device in found:
        firmware = installed[device.name].firmware if device.name in installed else {}
        before = next((v for k, v in firmware.items() if k.lower() == component.lower()), None)
        unit.session.add(ChangeDeviceRow(change_id=row.id, device_id=device.id, version_before=before))
    unit.session.flush()
    made = record_of(unit, row)
    unit.record(ENTITY, made.change, "request", None, made.as_json())
    return made


def _moved(unit: UnitOfWork, row: ChangeRow, action: ChangeAction, fill: Any) -> ChangeRecord:
    """Apply ``action`` (refused when illegal), let ``fill`` set its fields, audit before and after."""
    ref = changes.reference(row.id)
    target = changes.move(ChangeState(row.state), action, ref)
    before = record_of(unit, row).as_json()
    fill(row)
    row.state = target.value
    unit.session.flush()
    after = record_of(unit, row)
    unit.record(ENTITY, ref, action.value, before, after.as_json())
    return after


def _site_zone(unit: UnitOfWork, row: ChangeRow) -> str:
    site = unit.session.get(SiteRow, row.site_id)
    assert site is not None
    return site.timezone


def approve(context: Context, ref: str, by: str, reference: str, at: GivenTime | None = None) -> ChangeRecord:
    """Record the customer's approval: who, their reference, when (entry point)."""
    from dcmaint.domain.text import identifier

    with context.write() as unit:
        row = _row(unit, ref)
        who, their = free_text(by, "--by"), identifier(reference, "--reference")
        changes.move(ChangeState(row.state), ChangeAction.APPROVE, changes.reference(row.id))
        when = _when(at, _site_zone(unit, row), datetime.now(UTC), as_datetime(row.created_at), _("the request"))

        def fill(r: ChangeRow) -> None:
            r.approved_by, r.approval_reference, r.approved_at = who, their, when

        return _moved(unit, row, ChangeAction.APPROVE, fill)


def reject(context: Context, ref: str, by: str, reason: str) -> ChangeRecord:
    """Record the customer's refusal and its reason (entry point)."""
    with context.write() as unit:
        row = _row(unit, ref)
        who, why = free_text(by, "--by"), free_text(reason, "--reason")

        def fill(r: ChangeRow) -> None:
            r.rejected_by, r.reject_reason = who, why

        return _moved(unit, row, ChangeAction.REJECT, fill)


def implement(context: Context, ref: str, by: str, at: GivenTime | None = None) -> ChangeRecord:
    """Record the change implemented (entry point); refused before the customer's approval."""
    with context.write() as unit:
        row = _row(unit, ref)
        changes.move(ChangeState(row.state), ChangeAction.IMPLEMENT, changes.reference(row.id))
        engineer = staff.find(unit, by)
        if not engineer.active:
            raise UsageError(_("staff member {name!r} is no longer active").format(name=engineer.name))
        after = as_datetime(row.approved_at) if row.approved_at else None
        when = _when(at, _site_zone(unit, row), datetime.now(UTC), after, _("the approval"))

        def fill(r: ChangeRow) -> None:
            r.implemented_by_id, r.implemented_at = engineer.id, when

        return _moved(unit, row, ChangeAction.IMPLEMENT, fill)


def rollback(context: Context, ref: str, reason: str, at: GivenTime | None = None) -> ChangeRecord:
    """Record a rollback and its reason (entry point)."""
    with context.write() as unit:
        row = _row(unit, ref)
        why = free_text(reason, "--reason")
        changes.move(ChangeState(row.state), ChangeAction.ROLLBACK, changes.reference(row.id))
        after = as_datetime(row.implemented_at) if row.implemented_at else None
        when = _when(at, _site_zone(unit, row), datetime.now(UTC), after, _("the implementation"))

        def fill(r: ChangeRow) -> None:
            r.rollback_reason, r.rolled_back_at = why, when

        return _moved(unit, row, ChangeAction.ROLLBACK, fill)


def verify(context: Context, ref: str, timeout: float | None = None) -> ChangeRecord:
    """Poll the change's devices now and record the poll (which confirms the change when every device reports the
    target version); the change as it stands after (entry point)."""
    from dcmaint.services.health import run_health
    from dcmaint.services.recording import record_run
    from dcmaint.store import queries

    with context.read() as reader:
        number = changes.number(ref)
        found = reader.rows(
            "SELECT d.name, s.name AS site FROM change_devices c JOIN devices d ON d.id = c.device_id "
            "JOIN sites s ON s.id = d.site_id WHERE c.change_id = :id ORDER BY d.name",
            {"id": number},
        )
        devices = [queries.device(reader, r["name"], r["site"]) for r in found]
    run = run_health(
        devices,
        context.drivers(),
        concurrency=4,
        timeout=timeout if timeout is not None else context.config.runner.timeout,
        workers=0,
    )
    record_run(context, run, open_tickets=False)
    return show(context, ref).items


def _reported(result: PollResult, component: str) -> str | None:
    assert result.report is not None
    archive = result.report.archive.as_json() if result.report.archive is not None else {}
    firmware = {**{k: str(v) for k, v in (archive.get("firmware") or {}).items()}, **result.report.identity.firmware}
    return next((str(v) for k, v in firmware.items() if k.lower() == component.lower()), None)


def confirm_polled(unit: UnitOfWork, polled: Sequence[tuple[DeviceRow, PollResult]]) -> int:
    """What recorded polls say of implemented changes: each device's version seen, and the change confirmed
    when every device of it reports the target version. Returns how many changes were confirmed."""
    answered = {device.id: result for device, result in polled if result.report is not None}
    if not answered:
        return 0
    links = unit.session.scalars(
        select(ChangeDeviceRow)
        .join(ChangeRow, ChangeRow.id == ChangeDeviceRow.change_id)
        .where(ChangeRow.state == ChangeState.IMPLEMENTED.value, ChangeDeviceRow.device_id.in_(list(answered)))
    ).all()
    touched: dict[int, ChangeRow] = {}
    for link in links:
        row = unit.session.get(ChangeRow, link.change_id)
        assert row is not None
        result = answered[link.device_id]
        if row.implemented_at is not None and result.polled_at < as_datetime(row.implemented_at):
            continue  # a poll from before the work proves nothing
        seen = _reported(result, row.component)
        link.version_seen = seen
        same = seen is not None and compare(seen, row.target_version) is Order.SAME
        link.confirmed_at = result.polled_at if same else None
        touched[row.id] = row
    unit.session.flush()
    confirmed = 0
    for row in touched.values():
        every = unit.session.scalars(select(ChangeDeviceRow).where(ChangeDeviceRow.change_id == row.id)).all()
        if all(link.confirmed_at is not None for link in every):
            when = max(as_datetime(link.confirmed_at) for link in every if link.confirmed_at is not None)

            def fill(r: ChangeRow, when: datetime = when) -> None:
                r.confirmed_at = when

            _moved(unit, row, ChangeAction.CONFIRM, fill)
            confirmed += 1
    return confirmed


@dataclass(frozen=True)
class ChangeFilter:
    site: str | None = None
    state: ChangeState | None = None
    device: str | None = None


def change_list(context: Context, where: ChangeFilter) -> Zoned[list[ChangeRecord]]:
    """Changes ``where`` selects, newest first, with the sites' time zones (entry point)."""
    from dcmaint.store import change_queries, queries

    with context.read() as reader:
        if where.site is not None and not any(s.name == where.site for s in queries.sites(reader)):
            raise NotFound(_("unknown site {name!r}").format(name=where.site))
        if where.device is not None and not advisory_queries.devices(reader, where.site, where.device):
            raise NotFound(_("unknown device {name!r}").format(name=where.device))
        state = where.state.value if where.state else None
        found = change_queries.changes(reader, site=where.site, state=state, device=where.device)
        return Zoned(found, site_zones(reader))


def show(context: Context, ref: str) -> Zoned[ChangeRecord]:
    """One change, with the sites' time zones (entry point)."""
    from dcmaint.store import change_queries

    number = changes.number(ref)
    with context.read() as reader:
        found = change_queries.changes(reader, number=number)
        if not found:
            raise NotFound(
                _("unknown change {ref}: `dcmaint change list` lists them").format(ref=changes.reference(number))
            )
        return Zoned(found[0], site_zones(reader))

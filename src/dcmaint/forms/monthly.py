"""The monthly service report (月度服务报告) worded in one language, as a ``Sheet`` every renderer draws.

Like the maintenance form, the report's language is the customer's
(``--lang``), not the UI's, so its words are a table per language here
(both tables have the same keys: a test checks). Codes the form already
words (severity, source, device kind) come from ``forms.labels``. Charts
sit where a reader would rather look than read: tickets by class, SLA met
against breached, the six-month trend; each is followed by its figures.
A section with nothing to list says so in a line instead of an empty table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain.monthly import NO_DEVICE, Monthly, RemovedPart
from dcmaint.forms.content import BLANK, Block, Chart, Field, Fields, Section, Sheet, Table, Text, duration, stars
from dcmaint.forms.labels import code
from dcmaint.forms.labels import label as form_label

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "月度服务报告",
        "sec_inspections": "巡检",
        "inspections": "本月巡检",
        "maintenance_done": "完成的预防性维护",
        "no_inspection": "本月没有巡检。",
        "run": "巡检编号",
        "finished_at": "巡检时间",
        "engineer": "工程师",
        "inspected": "巡检设备",
        "findings": "发现问题",
        "pending": "待处理",
        "health_score": "健康分",
        "plans_overdue": "逾期的巡检计划（截至 {date}）",
        "no_plan_overdue": "没有逾期的巡检计划。",
        "plan": "计划",
        "frequency": "频次",
        "next_on": "应巡检日期",
        "freq_monthly": "每月",
        "freq_quarterly": "每季度",
        "freq_half-yearly": "每半年",
        "freq_yearly": "每年",
        "freq_days": "每 {n} 天",
        "freq_weeks": "每 {n} 周",
        "sec_maintenance": "预防性维护",
        "done_in_month": "本月完成的任务",
        "no_maintenance_done": "本月没有完成的预防性维护任务。",
        "task": "任务",
        "work": "内容",
        "done_at": "完成时间",
        "on_time": "按期",
        "yes": "是",
        "no": "否",
        "maintenance_overdue": "逾期的维护任务（截至 {date}）",
        "no_maintenance_overdue": "没有逾期的维护任务。",
        "due_at": "应完成时间",
        "brought_forward": "提前原因",
        "reference": "站点/月份",
        "month": "月份",
        "sec_overview": "概况",
        "customer": "客户",
        "site": "站点",
        "contract_no": "合同编号",
        "period": "统计区间",
        "reported": "本月报修工单",
        "restored": "本月恢复工单",
        "met_rate": "时限达成率",
        "mttr": "平均恢复用时",
        "average_score": "客户平均评分",
        "swapped": "更换备件",
        "handed": "移交客户的拆下件",
        "open": "月末未结工单",
        "empty": "本月在该站点没有工单、备件更换或拆下件移交的记录，月末也没有未结事项。",
        "sec_tickets": "工单统计",
        "chart_class": "按设备类别的工单数",
        "class": "设备类别",
        "no_device": "未关联设备",
        "tickets": "工单数",
        "no_tickets": "本月没有报修的工单。",
        "source": "报修方式",
        "severity": "紧急程度",
        "sec_sla": "恢复时限（SLA）",
        "chart_sla": "时限达成与超时",
        "sla_result": "时限结果",
        "met": "达成",
        "breached": "超时",
        "breaches": "超时明细",
        "no_breach": "本月没有超时的工单。",
        "ticket": "工单号",
        "devices": "设备",
        "restored_at": "恢复时间",
        "open_at_end": "月末仍未恢复",
        "elapsed": "处理用时",
        "over_by": "超出时限",
        "sla_note": "处理用时自开始处理至恢复，扣除合同允许的暂停；月末仍未恢复且已超时的工单一并列出。",
        "sec_scores": "客户评分",
        "signed": "本月签字的维护单",
        "score": "评分",
        "forms": "份数",
        "no_scores": "本月没有客户签字评分的维护单。",
        "sec_parts": "备件更换与拆下件移交",
        "swaps": "本月更换的备件",
        "swapped_at": "更换时间",
        "slot": "槽位",
        "part_number": "部件号",
        "fitted": "装上序列号",
        "removed": "拆下序列号",
        "no_swaps": "本月没有更换备件。",
        "handovers": "本月移交客户的拆下件",
        "serial": "序列号",
        "handed_at": "移交时间",
        "received_by": "接收人",
        "receipt": "单据号",
        "no_handovers": "本月没有移交拆下件。",
        "sec_depot": "现场备件库与建议库存",
        "depot_note": "备件库按 {date} 的实际库存列出（库存不保留历史）；建议数量按装机量与年故障率计算。",
        "part_class": "类别",
        "installed": "装机量",
        "recommended": "建议数量",
        "on_hand": "现有库存",
        "shortfall": "缺口",
        "status": "状态",
        "no_levels": "该站点的设备没有登记部件号，无法计算建议库存。",
        "sec_open": "月末未结事项",
        "open_tickets": "未恢复的工单",
        "reported_at": "报修时间",
        "sla_state": "月末时限状态",
        "no_open": "月末没有未恢复的工单。",
        "custody": "尚未移交客户的拆下件",
        "removed_at": "拆下时间",
        "no_custody": "月末没有待移交的拆下件。",
        "sec_trend": "近六个月趋势",
        "chart_trend": "近六个月工单",
        "trend_month": "月份",
        "trend_reported": "报修",
        "trend_restored": "恢复",
        "trend_breached": "超时",
        "percent": "{value} %",
        "range": "{start} 至 {end}",
        "level_short": "不足",
        "level_ok": "充足",
        "level_no_data": "无故障率数据",
        "level_not_catalogued": "未编入目录",
        "sla_not_started": "未开始处理",
        "sla_running": "计时中",
        "sla_paused": "暂停",
        "sla_met": "达成",
        "sla_breached": "已超时",
    },
    "en": {
        "title": "Monthly Service Report",
        "sec_inspections": "Inspections",
        "inspections": "Inspections",
        "maintenance_done": "Preventive tasks done",
        "no_inspection": "No inspection was done in the month.",
        "run": "Inspection",
        "finished_at": "Inspected",
        "engineer": "Engineer",
        "inspected": "Devices",
        "findings": "Findings",
        "pending": "Pending",
        "health_score": "Health score",
        "plans_overdue": "Inspection plans overdue on {date}",
        "no_plan_overdue": "No inspection plan is overdue.",
        "plan": "Plan",
        "frequency": "Frequency",
        "next_on": "Due on",
        "freq_monthly": "monthly",
        "freq_quarterly": "quarterly",
        "freq_half-yearly": "half-yearly",
        "freq_yearly": "yearly",
        "freq_days": "every {n} days",
        "freq_weeks": "every {n} weeks",
        "sec_maintenance": "Preventive maintenance",
        "done_in_month": "Tasks done in the month",
        "no_maintenance_done": "No preventive task was done in the month.",
        "task": "Task",
        "work": "Work",
        "done_at": "Done",
        "on_time": "On time",
        "yes": "yes",
        "no": "no",
        "maintenance_overdue": "Preventive tasks overdue on {date}",
        "no_maintenance_overdue": "No preventive task is overdue.",
        "due_at": "Due",
        "brought_forward": "Brought forward by",
        "reference": "Site / month",
        "month": "Month",
        "sec_overview": "Overview",
        "customer": "Customer",
        "site": "Site",
        "contract_no": "Contract no.",
        "period": "Period",
        "reported": "Tickets reported",
        "restored": "Tickets restored",
        "met_rate": "SLA met",
        "mttr": "Mean time to restore",
        "average_score": "Average customer score",
        "swapped": "Parts swapped",
        "handed": "Removed parts handed over",
        "open": "Open at month end",
        "empty": "No tickets, part swaps or handovers of removed parts were recorded at this site in the month, "
        "and nothing was open at its end.",
        "sec_tickets": "Tickets",
        "chart_class": "Tickets by device class",
        "class": "Device class",
        "no_device": "no device",
        "tickets": "Tickets",
        "no_tickets": "No ticket was reported this month.",
        "source": "Source",
        "severity": "Severity",
        "sec_sla": "Restoration SLA",
        "chart_sla": "SLA met and breached",
        "sla_result": "SLA",
        "met": "met",
        "breached": "breached",
        "breaches": "Breaches",
        "no_breach": "No ticket breached the SLA this month.",
        "ticket": "Ticket",
        "devices": "Devices",
        "restored_at": "Restored",
        "open_at_end": "open at month end",
        "elapsed": "Handling time",
        "over_by": "Over by",
        "sla_note": "Handling time runs from the start of handling to restoration, less the pauses the contract "
        "allows; tickets still open at the month's end and already past their target are listed too.",
        "sec_scores": "Customer scores",
        "signed": "Forms signed this month",
        "score": "Score",
        "forms": "Forms",
        "no_scores": "No maintenance form was signed and scored this month.",
        "sec_parts": "Parts swapped and removed parts handed over",
        "swaps": "Parts swapped this month",
        "swapped_at": "Swapped",
        "slot": "Slot",
        "part_number": "Part number",
        "fitted": "Fitted serial",
        "removed": "Removed serial",
        "no_swaps": "No part was swapped this month.",
        "handovers": "Removed parts handed to the customer this month",
        "serial": "Serial",
        "handed_at": "Handed over",
        "received_by": "Received by",
        "receipt": "Receipt",
        "no_handovers": "No removed part was handed over this month.",
        "sec_depot": "On-site depot against recommended levels",
        "depot_note": "The depot as it stands on {date} (stock keeps no history); recommended levels follow from "
        "the installed base and annual failure rates.",
        "part_class": "Class",
        "installed": "Installed",
        "recommended": "Recommended",
        "on_hand": "On hand",
        "shortfall": "Shortfall",
        "status": "Status",
        "no_levels": "No part numbers are recorded for this site's devices: no recommended level can be computed.",
        "sec_open": "Open at month end",
        "open_tickets": "Tickets not restored",
        "reported_at": "Reported",
        "sla_state": "SLA at month end",
        "no_open": "No ticket was open at the month's end.",
        "custody": "Removed parts not yet handed to the customer",
        "removed_at": "Removed",
        "no_custody": "No removed part was waiting for handover at the month's end.",
        "sec_trend": "Six-month trend",
        "chart_trend": "Tickets over six months",
        "trend_month": "Month",
        "trend_reported": "reported",
        "trend_restored": "restored",
        "trend_breached": "breached",
        "percent": "{value} %",
        "range": "{start} to {end}",
        "level_short": "short",
        "level_ok": "ok",
        "level_no_data": "no failure data",
        "level_not_catalogued": "not catalogued",
        "sla_not_started": "not started",
        "sla_running": "running",
        "sla_paused": "paused",
        "sla_met": "met",
        "sla_breached": "breached",
    },
}

When = Callable[[datetime | None], str]  # an instant in the site's time, to the minute
Span = Callable[[timedelta | None], str]  # a duration in hours and minutes

LEVEL_KEYS = {"short": "level_short", "ok": "level_ok", "no failure data": "level_no_data"}


def build(report: Monthly, lang: str, made: datetime) -> Sheet:
    """The report worded in ``lang``; ``made`` is when it is made (the depot's date)."""
    words = WORDS[lang]
    zone = ZoneInfo(report.timezone)

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else BLANK

    def span(value: timedelta | None) -> str:
        return duration(value, lang) if value is not None else BLANK

    last_day = (report.end.astimezone(zone) - timedelta(seconds=1)).strftime("%Y-%m-%d")
    overview = Fields(
        (
            Field(words["customer"], report.customer),
            Field(words["contract_no"], report.contract_no or BLANK),
            Field(words["site"], report.site),
            Field(words["month"], report.month),
            Field(
                words["period"],
                words["range"].format(start=report.start.astimezone(zone).strftime("%Y-%m-%d"), end=last_day)
                + f" ({report.timezone})",
                wide=True,
            ),
            Field(words["reported"], str(report.reported)),
            Field(words["restored"], str(report.restored)),
            Field(words["met_rate"], _percent(report.met_percent, lang)),
            Field(words["mttr"], span(report.mean_time_to_restore)),
            Field(words["average_score"], f"{report.average_score:g} / 5" if report.average_score else BLANK),
            Field(words["swapped"], str(len(report.swaps))),
            Field(words["handed"], str(len(report.handed_over))),
            Field(words["open"], str(len(report.open_tickets))),
            Field(words["inspections"], str(len(report.proactive.inspections))),
            Field(words["maintenance_done"], str(len(report.proactive.maintenance_done))),
        )
    )
    sections = [Section(words["sec_overview"], (overview, *((Text(words["empty"]),) if report.empty else ())))]
    if not report.empty:
        sections += [
            _tickets(report, lang),
            _sla(report, lang, when, span),
            _scores(report, lang),
            _parts(report, lang, when),
        ]
    today = made.astimezone(zone).strftime("%Y-%m-%d")
    sections += [_inspections(report, lang, when, today), _maintenance(report, lang, when, today)]
    sections.append(_depot(report, lang, today))
    if not report.empty:
        sections.append(_open(report, lang, when))
    sections.append(_trend(report, lang))
    return Sheet(
        lang=lang,
        title=words["title"],
        reference=f"{report.site} {report.month}",
        reference_label=words["reference"],
        timezone_note=f"{form_label(lang, 'timezone')}{'：' if lang == 'zh' else ': '}{report.timezone}",
        page_label=form_label(lang, "page"),
        sections=tuple(sections),
    )


def _percent(value: float | None, lang: str) -> str:
    return WORDS[lang]["percent"].format(value=f"{value:g}") if value is not None else BLANK


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...], none: str) -> Block:
    return Table(header, tuple(rows), widths) if rows else Text(none)


def _counts(header: tuple[str, str], pairs: tuple[tuple[str, int], ...], none: str) -> Block:
    return _table(header, [(name, str(count)) for name, count in pairs], (60, 40), none)


def _tickets(report: Monthly, lang: str) -> Section:
    words = WORDS[lang]
    classes = tuple(
        (code(lang, "kind", kind) if kind != NO_DEVICE else words["no_device"], count)
        for kind, count in report.by_class
    )
    blocks: list[Block] = []
    if classes:
        blocks.append(
            Chart(
                words["chart_class"],
                "bar",
                tuple(name for name, _count in classes),
                ((words["tickets"], tuple(float(count) for _name, count in classes)),),
                axis=words["class"],
            )
        )
    blocks += [
        _counts(
            (words["source"], words["tickets"]),
            tuple((code(lang, "source", s), n) for s, n in report.by_source),
            words["no_tickets"],
        ),
        _counts(
            (words["severity"], words["tickets"]),
            tuple((code(lang, "severity", s), n) for s, n in report.by_severity),
            words["no_tickets"],
        ),
    ]
    return Section(words["sec_tickets"], tuple(blocks))


def _sla(report: Monthly, lang: str, when: When, span: Span) -> Section:
    words = WORDS[lang]
    blocks: list[Block] = []
    if report.restored:
        blocks.append(
            Chart(
                words["chart_sla"],
                "bar",
                (words["met"], words["breached"]),
                ((words["tickets"], (float(report.met), float(report.breached))),),
                axis=words["sla_result"],
            )
        )
    blocks.append(
        Fields(
            (
                Field(words["restored"], str(report.restored)),
                Field(words["met_rate"], _percent(report.met_percent, lang)),
                Field(words["met"], str(report.met)),
                Field(words["breached"], str(report.breached)),
                Field(words["mttr"], span(report.mean_time_to_restore), wide=True),
            )
        )
    )
    rows = [
        (
            b.ref,
            code(lang, "severity", b.severity),
            ", ".join(b.devices),
            when(b.restored_at) if b.restored_at is not None else words["open_at_end"],
            span(b.elapsed),
            span(b.breached_by),
        )
        for b in report.breaches
    ]
    header = (
        words["ticket"],
        words["severity"],
        words["devices"],
        words["restored_at"],
        words["elapsed"],
        words["over_by"],
    )
    blocks += [
        Text(words["breaches"] + ("：" if lang == "zh" else ":")),
        _table(header, rows, (18, 10, 22, 20, 15, 15), words["no_breach"]),
        Text(words["sla_note"]),
    ]
    return Section(words["sec_sla"], tuple(blocks))


def _scores(report: Monthly, lang: str) -> Section:
    words = WORDS[lang]
    average = f"{report.average_score:g} / 5" if report.average_score is not None else BLANK
    fields = Fields((Field(words["signed"], str(report.signed)), Field(words["average_score"], average)))
    rows = [(stars(score), str(count)) for score, count in report.scores]
    return Section(
        words["sec_scores"], (fields, _table((words["score"], words["forms"]), rows, (60, 40), words["no_scores"]))
    )


def _parts(report: Monthly, lang: str, when: When) -> Section:
    words = WORDS[lang]
    swaps = [
        (
            when(s.swapped_at),
            s.device,
            s.slot,
            s.part_number,
            s.fitted_serial or BLANK,
            s.removed_serial or BLANK,
            s.ticket or BLANK,
        )
        for s in report.swaps
    ]
    swap_header = (
        words["swapped_at"],
        words["devices"],
        words["slot"],
        words["part_number"],
        words["fitted"],
        words["removed"],
        words["ticket"],
    )
    handed = [_handed(p, when) for p in report.handed_over]
    handed_header = (
        words["part_number"],
        words["serial"],
        words["devices"],
        words["handed_at"],
        words["received_by"],
        words["receipt"],
    )
    return Section(
        words["sec_parts"],
        (
            Text(words["swaps"] + ("：" if lang == "zh" else ":")),
            _table(swap_header, swaps, (16, 12, 14, 14, 16, 16, 12), words["no_swaps"]),
            Text(words["handovers"] + ("：" if lang == "zh" else ":")),
            _table(handed_header, handed, (16, 18, 14, 18, 16, 18), words["no_handovers"]),
        ),
    )


def _handed(part: RemovedPart, when: When) -> tuple[str, ...]:
    return (
        part.part_number,
        part.serial or BLANK,
        part.device or BLANK,
        when(part.handed_at),
        part.received_by or BLANK,
        part.receipt or BLANK,
    )


def frequency(stored: str, lang: str) -> str:
    """An inspection plan's stored frequency (``quarterly``, ``days:10``) in words.

    >>> frequency("quarterly", "zh"), frequency("weeks:2", "en")
    ('每季度', 'every 2 weeks')
    """
    words = WORDS[lang]
    unit, _sep, count = stored.partition(":")
    if count:
        return words.get(f"freq_{unit}", stored).format(n=count)
    return words.get(f"freq_{stored}", stored)


def _inspections(report: Monthly, lang: str, when: When, today: str) -> Section:
    words = WORDS[lang]
    runs = [
        (
            f"R-{run.run}",
            when(run.done_at),
            run.engineer or BLANK,
            str(run.devices),
            str(run.findings),
            str(run.pending),
            str(run.score) if run.score is not None else BLANK,
        )
        for run in report.proactive.inspections
    ]
    header = (
        words["run"],
        words["finished_at"],
        words["engineer"],
        words["inspected"],
        words["findings"],
        words["pending"],
        words["health_score"],
    )
    plans = [
        (f"#{plan.plan}", frequency(plan.frequency, lang), plan.next_on.isoformat())
        for plan in report.proactive.plans_overdue
    ]
    return Section(
        words["sec_inspections"],
        (
            _table(header, runs, (12, 20, 16, 12, 13, 13, 14), words["no_inspection"]),
            Text(words["plans_overdue"].format(date=today) + ("：" if lang == "zh" else ":")),
            _table(
                (words["plan"], words["frequency"], words["next_on"]), plans, (20, 40, 40), words["no_plan_overdue"]
            ),
        ),
    )


def _maintenance(report: Monthly, lang: str, when: When, today: str) -> Section:
    words = WORDS[lang]
    index = 0 if lang == "zh" else 1
    done = [
        (task.task, task.names[index], when(task.done_at), task.engineer, words["yes" if task.on_time else "no"])
        for task in report.proactive.maintenance_done
    ]
    overdue = [
        (task.task, task.names[index], when(task.due_at), task.reason or BLANK)
        for task in report.proactive.maintenance_overdue
    ]
    return Section(
        words["sec_maintenance"],
        (
            Text(words["done_in_month"] + ("：" if lang == "zh" else ":")),
            _table(
                (words["task"], words["work"], words["done_at"], words["engineer"], words["on_time"]),
                done,
                (30, 22, 20, 16, 12),
                words["no_maintenance_done"],
            ),
            Text(words["maintenance_overdue"].format(date=today) + ("：" if lang == "zh" else ":")),
            _table(
                (words["task"], words["work"], words["due_at"], words["brought_forward"]),
                overdue,
                (30, 22, 20, 28),
                words["no_maintenance_overdue"],
            ),
        ),
    )


def _depot(report: Monthly, lang: str, today: str) -> Section:
    words = WORDS[lang]

    def number(value: int | None) -> str:
        return str(value) if value is not None else BLANK

    rows = [
        (
            line.part_number,
            line.part_class or BLANK,
            str(line.installed),
            number(line.recommended),
            str(line.on_hand),
            number(line.shortfall),
            words[LEVEL_KEYS.get(line.status.value, "level_not_catalogued")],
        )
        for line in report.levels
    ]
    header = (
        words["part_number"],
        words["part_class"],
        words["installed"],
        words["recommended"],
        words["on_hand"],
        words["shortfall"],
        words["status"],
    )
    return Section(
        words["sec_depot"],
        (
            Text(words["depot_note"].format(date=today)),
            _table(header, rows, (22, 14, 12, 14, 12, 12, 14), words["no_levels"]),
        ),
    )


def _open(report: Monthly, lang: str, when: When) -> Section:
    words = WORDS[lang]
    tickets = [
        (
            t.ref,
            code(lang, "severity", t.severity),
            ", ".join(t.devices),
            when(t.reported_at),
            words[f"sla_{t.sla.value}"],
        )
        for t in report.open_tickets
    ]
    custody = [(p.part_number, p.serial or BLANK, p.device or BLANK, when(p.removed_at)) for p in report.in_custody]
    return Section(
        words["sec_open"],
        (
            Text(words["open_tickets"] + ("：" if lang == "zh" else ":")),
            _table(
                (words["ticket"], words["severity"], words["devices"], words["reported_at"], words["sla_state"]),
                tickets,
                (20, 12, 28, 20, 20),
                words["no_open"],
            ),
            Text(words["custody"] + ("：" if lang == "zh" else ":")),
            _table(
                (words["part_number"], words["serial"], words["devices"], words["removed_at"]),
                custody,
                (25, 25, 25, 25),
                words["no_custody"],
            ),
        ),
    )


def _trend(report: Monthly, lang: str) -> Section:
    words = WORDS[lang]
    return Section(
        words["sec_trend"],
        (
            Chart(
                words["chart_trend"],
                "line",
                tuple(p.month for p in report.trend),
                (
                    (words["trend_reported"], tuple(float(p.reported) for p in report.trend)),
                    (words["trend_restored"], tuple(float(p.restored) for p in report.trend)),
                    (words["trend_breached"], tuple(float(p.breached) for p in report.trend)),
                ),
                axis=words["trend_month"],
            ),
        ),
    )

"""An emergency plan (应急方案) as the customer and the team print it, worded in one language, as a ``Sheet``.

The language is the reader's (``--lang``), not the UI's: the plan's own text
is taken in that language where the plan file gives it (``{ en = ..., zh =
... }``), else in the one it has. Its labels are a table per language here
(both with the same keys: a test checks). Times are the site's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dcmaint.domain.emergency import PlanDetail, words_from
from dcmaint.forms.content import BLANK, Field, Fields, Section, Sheet, Table, Text
from dcmaint.forms.labels import label as form_label

LAST_DRILLS = 10  # the drill record a printed plan carries

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "应急方案",
        "reference": "方案",
        "sec_plan": "方案概况",
        "customer": "客户",
        "site": "站点",
        "system": "系统",
        "plan_title": "方案名称",
        "version": "版本",
        "state": "状态",
        "drill_every": "演练周期",
        "last_drill": "上次演练",
        "next_drill": "下次演练",
        "never": "尚未演练",
        "sec_scenario": "适用场景",
        "sec_trigger": "启动条件",
        "sec_steps": "处置步骤",
        "number": "序号",
        "action": "处置内容",
        "who": "责任人",
        "within": "时限",
        "sec_contacts": "联系人",
        "party": "单位",
        "name": "姓名",
        "role": "职责",
        "phone": "电话",
        "sec_escalation": "升级机制",
        "after": "未恢复时间",
        "to": "通知/上报",
        "no_escalation": "本方案未规定升级机制。",
        "sec_drills": "演练记录",
        "date": "日期",
        "result": "结果",
        "by": "负责人",
        "note": "说明",
        "sec_notes": "备注",
        "active": "有效",
        "retired": "已废止",
        "ok": "成功",
        "partial": "部分完成",
        "failed": "失败",
        "customer_party": "甲方（客户）",
        "contractor": "乙方（维保方）",
        "vendor": "厂商",
        "server": "服务器",
        "hypervisor": "虚拟化主机",
        "storage": "存储",
        "ups": "UPS",
        "cooling": "精密空调",
        "network": "网络",
        "security": "安全设备",
        "backup": "备份系统",
        "other": "其他",
        "room": "机房",
        "every_d": "每 {n} 天",
        "every_w": "每 {n} 周",
        "every_mo": "每 {n} 个月",
        "every_y": "每 {n} 年",
    },
    "en": {
        "title": "Emergency plan",
        "reference": "Plan",
        "sec_plan": "Plan",
        "customer": "Customer",
        "site": "Site",
        "system": "System",
        "plan_title": "Title",
        "version": "Version",
        "state": "State",
        "drill_every": "Drilled every",
        "last_drill": "Last drill",
        "next_drill": "Next drill due",
        "never": "not drilled yet",
        "sec_scenario": "Scenario",
        "sec_trigger": "Trigger",
        "sec_steps": "Steps",
        "number": "No.",
        "action": "Action",
        "who": "Who acts",
        "within": "Time limit",
        "sec_contacts": "Contacts",
        "party": "Party",
        "name": "Name",
        "role": "Role",
        "phone": "Phone",
        "sec_escalation": "Escalation",
        "after": "Not restored after",
        "to": "Tell",
        "no_escalation": "This plan sets no escalation.",
        "sec_drills": "Drill record",
        "date": "Date",
        "result": "Result",
        "by": "Led by",
        "note": "Note",
        "sec_notes": "Notes",
        "active": "in force",
        "retired": "retired",
        "ok": "ok",
        "partial": "partial",
        "failed": "failed",
        "customer_party": "Customer",
        "contractor": "Contractor",
        "vendor": "Vendor",
        "server": "servers",
        "hypervisor": "hypervisor hosts",
        "storage": "storage",
        "ups": "UPS",
        "cooling": "precision air conditioning",
        "network": "network",
        "security": "security devices",
        "backup": "backup systems",
        "other": "other",
        "room": "machine room",
        "every_d": "every {n} days",
        "every_w": "every {n} weeks",
        "every_mo": "every {n} months",
        "every_y": "every {n} years",
    },
}


def every_text(stored: str, lang: str) -> str:
    """``6mo`` -> "every 6 months" / "每 6 个月"."""
    from dcmaint.domain.preventive import interval

    every = interval(stored, "drill_every")
    return WORDS[lang][f"every_{every.unit.value}"].format(n=every.count)


def limit_text(stored: str, lang: str) -> str:
    """A time limit as the plan file gives it (``1h30m``) in the reader's words: "1 h 30 min", "1 小时 30 分钟"."""
    from dcmaint.domain.sla import parse_duration

    minutes = int(parse_duration(stored).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = ("天", "小时", "分钟") if lang == "zh" else ("d", "h", "min")
    parts = [f"{n} {unit}" for n, unit in zip((days, hours, minutes), units, strict=True) if n]
    return " ".join(parts) or f"0 {units[2]}"


def _party(lang: str, party: str) -> str:
    return WORDS[lang].get("customer_party" if party == "customer" else party, party)


def build(plan: PlanDetail, lang: str) -> Sheet:
    """The plan worded in ``lang`` (``zh`` or ``en``)."""
    words = WORDS[lang]
    zone = ZoneInfo(plan.timezone)
    content: Mapping[str, Any] = plan.content

    def said(value: object) -> str:
        return words_from(value).said(lang)

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else BLANK

    last = plan.drills[0] if plan.drills else None
    last_text = f"{when(last.drilled_at)} {words.get(last.result, last.result)}" if last else words["never"]
    overview = (
        Field(words["customer"], plan.customer),
        Field(words["site"], plan.site),
        Field(words["system"], words.get(plan.system, plan.system)),
        Field(words["version"], f"v{plan.version}"),
        Field(words["plan_title"], said(content["title"]), wide=True),
        Field(words["state"], words.get(plan.state, plan.state)),
        Field(words["drill_every"], every_text(str(content["drill_every"]), lang)),
        Field(words["last_drill"], last_text),
        Field(words["next_drill"], when(plan.drill_due)),
    )
    steps = Table(
        (words["number"], words["action"], words["who"], words["within"]),
        tuple(
            (
                str(n),
                said(step["action"]),
                said(step["who"]),
                limit_text(step["within"], lang) if step.get("within") else BLANK,
            )
            for n, step in enumerate(content["steps"], 1)
        ),
        (8, 56, 22, 14),
    )
    contacts = Table(
        (words["party"], words["name"], words["role"], words["phone"]),
        tuple((_party(lang, c["party"]), c["name"], said(c["role"]), c["phone"]) for c in content["contacts"]),
        (18, 20, 36, 26),
    )
    levels = content.get("escalation") or []
    escalation = (
        (
            Table(
                (words["after"], words["to"]),
                tuple((limit_text(e["after"], lang), said(e["to"])) for e in levels),
                (25, 75),
            ),
        )
        if levels
        else (Text(words["no_escalation"]),)
    )
    drills = Table(
        (words["date"], words["version"], words["result"], words["by"], words["note"]),
        tuple(
            (when(d.drilled_at), f"v{d.version}", words.get(d.result, d.result), d.by or BLANK, d.note or BLANK)
            for d in plan.drills[:LAST_DRILLS]
        )
        or ((BLANK,) * 5,),
        (20, 8, 14, 18, 40),
    )
    sections = [
        Section(words["sec_plan"], (Fields(overview),)),
        Section(words["sec_scenario"], (Text(said(content["scenario"])),)),
        Section(words["sec_trigger"], (Text(said(content["trigger"])),)),
        Section(words["sec_steps"], (steps,)),
        Section(words["sec_contacts"], (contacts,)),
        Section(words["sec_escalation"], escalation),
        Section(words["sec_drills"], (drills,)),
    ]
    if content.get("notes"):
        sections.append(Section(words["sec_notes"], (Text(said(content["notes"])),)))
    return Sheet(
        lang=lang,
        title=words["title"],
        reference=plan.plan,
        reference_label=words["reference"],
        timezone_note=f"{form_label(lang, 'timezone')}{'：' if lang == 'zh' else ': '}{plan.timezone}",
        page_label=form_label(lang, "page"),
        sections=tuple(sections),
    )

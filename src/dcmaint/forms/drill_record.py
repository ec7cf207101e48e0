"""The drill record (应急演练记录) the customer signs, worded in one language, as a ``Sheet``.

Like the holiday roster, its language is the customer's (``--lang``), not the
UI's, so its words are a table per language (both with the same keys: a test
checks). It shows the scenario, the RTO and RPO targets against what the
drill achieved with met or missed (:func:`dcmaint.domain.backups.objective`),
the result, the follow-up actions with their owners and due dates, and a
signature block for the engineer and for the customer.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dcmaint.domain.backups import DrillDetail
from dcmaint.forms.content import BLANK, Field, Fields, Section, Sheet, Signature, Table, Text
from dcmaint.forms.labels import label as form_label

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "应急演练记录",
        "reference": "演练编号",
        "customer": "客户",
        "contract": "合同编号",
        "site": "站点",
        "system": "系统",
        "policy": "备份策略",
        "plan": "演练计划",
        "drilled_at": "演练时间",
        "engineer": "演练负责人",
        "sec_scenario": "演练场景",
        "sec_objectives": "恢复目标",
        "objective": "指标",
        "target": "目标",
        "achieved": "实际",
        "outcome": "结论",
        "rto": "RTO（恢复时间目标）",
        "rpo": "RPO（恢复点目标）",
        "met": "达标",
        "missed": "未达标",
        "result": "演练结果",
        "ok": "成功",
        "partial": "部分成功",
        "failed": "失败",
        "note": "说明",
        "sec_actions": "后续改进措施",
        "number": "编号",
        "action": "措施",
        "owner": "责任人",
        "due": "完成期限",
        "done": "完成时间",
        "no_actions": "本次演练没有后续改进措施。",
        "sec_signatures": "签字确认",
        "sign_engineer": "演练负责人签字",
        "sign_customer": "客户签字",
        "date": "日期",
        "minutes": "{h} 小时 {m} 分钟",
    },
    "en": {
        "title": "Drill record",
        "reference": "Drill",
        "customer": "Customer",
        "contract": "Contract",
        "site": "Site",
        "system": "System",
        "policy": "Backup policy",
        "plan": "Drill plan",
        "drilled_at": "Held at",
        "engineer": "Led by",
        "sec_scenario": "Scenario",
        "sec_objectives": "Recovery objectives",
        "objective": "Objective",
        "target": "Target",
        "achieved": "Achieved",
        "outcome": "Outcome",
        "rto": "RTO (recovery time objective)",
        "rpo": "RPO (recovery point objective)",
        "met": "met",
        "missed": "missed",
        "result": "Result",
        "ok": "successful",
        "partial": "partly successful",
        "failed": "failed",
        "note": "Notes",
        "sec_actions": "Follow-up actions",
        "number": "No.",
        "action": "Action",
        "owner": "Owner",
        "due": "Due",
        "done": "Done",
        "no_actions": "This drill found no follow-up action.",
        "sec_signatures": "Signatures",
        "sign_engineer": "Drill lead",
        "sign_customer": "Customer",
        "date": "Date",
        "minutes": "{h} h {m} min",
    },
}


def _span(minutes: int, lang: str) -> str:
    hours, rest = divmod(minutes, 60)
    return WORDS[lang]["minutes"].format(h=hours, m=rest)


def build(*, lang: str, detail: DrillDetail, customer: str, contract: str | None, timezone: str) -> Sheet:
    """The drill record worded in ``lang``; times in the site's zone."""
    words = WORDS[lang]
    drill = detail.drill
    zone = ZoneInfo(timezone)

    def when(value: object) -> str:
        from datetime import datetime

        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else BLANK

    overview = Fields(
        (
            Field(words["customer"], customer),
            Field(words["contract"], contract or BLANK),
            Field(words["site"], drill.site),
            Field(words["system"], drill.system),
            Field(words["policy"], drill.policy or BLANK),
            Field(words["plan"], str(drill.plan) if drill.plan is not None else BLANK),
            Field(words["drilled_at"], when(drill.drilled_at)),
            Field(words["engineer"], drill.engineer),
        )
    )
    objectives = Table(
        (words["objective"], words["target"], words["achieved"], words["outcome"]),
        (
            (
                words["rto"],
                _span(drill.rto_target_minutes, lang),
                _span(drill.rto_achieved_minutes, lang),
                words[drill.rto],
            ),
            (
                words["rpo"],
                _span(drill.rpo_target_minutes, lang),
                _span(drill.rpo_achieved_minutes, lang),
                words[drill.rpo],
            ),
        ),
        (34, 22, 22, 22),
    )
    result = Fields(
        (
            Field(words["result"], words.get(drill.result, drill.result)),
            Field(words["note"], drill.note or BLANK, wide=True),
        )
    )
    if detail.actions:
        actions: tuple[Table | Text, ...] = (
            Table(
                (words["number"], words["action"], words["owner"], words["due"], words["done"]),
                tuple((str(a.action), a.text, a.owner, a.due_on.isoformat(), when(a.done_at)) for a in detail.actions),
                (8, 44, 16, 16, 16),
            ),
        )
    else:
        actions = (Text(words["no_actions"]),)
    return Sheet(
        lang=lang,
        title=words["title"],
        reference=str(drill.drill),
        reference_label=words["reference"],
        timezone_note=f"{form_label(lang, 'timezone')}{'：' if lang == 'zh' else ': '}{timezone}",
        page_label=form_label(lang, "page"),
        sections=(
            Section(words["title"], (overview,)),
            Section(words["sec_scenario"], (Text(drill.scenario),)),
            Section(words["sec_objectives"], (objectives, result)),
            Section(words["sec_actions"], actions),
            Section(
                words["sec_signatures"],
                (
                    Signature(words["sign_engineer"], None, None),
                    Signature(words["sign_customer"], None, None),
                    Fields((Field(words["date"], BLANK),)),
                ),
            ),
        ),
    )

"""The holiday duty roster (节假日值班表) the customer receives, worded in one language, as a ``Sheet``.

Like the monthly report, its language is the customer's (``--lang``), not the
UI's, so its words are a table per language here (both have the same keys: a
test checks). It lists each day off with the engineer on duty and the one on
call, with their phones, and the make-up workdays around the holiday, so the
customer's own staff know which weekend days are normal working days.
"""

from __future__ import annotations

from datetime import date, datetime

from dcmaint.domain.holiday_roster import HolidayDuty
from dcmaint.forms.content import Block, Field, Fields, Section, Sheet, Table, Text
from dcmaint.forms.labels import label as form_label

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "节假日值班表",
        "reference": "站点/节假日",
        "customer": "客户",
        "site": "站点",
        "holiday": "节假日",
        "period": "放假时间",
        "to": "至",
        "days": "{n} 天",
        "published": "发送客户时间",
        "late_reason": "迟发原因",
        "not_published": "未发送",
        "sec_duty": "值班安排",
        "date": "日期",
        "weekday": "星期",
        "primary": "值班工程师",
        "secondary": "备班工程师",
        "phone": "电话",
        "sec_makeup": "调休上班日",
        "makeup_note": "以下周末日期为法定调休上班日，按正常工作日安排服务：",
        "no_makeup": "本次假期没有调休上班日。",
        "sec_notes": "说明",
        "notes": "值班期间 7x24 小时响应；值班工程师无法接通时，请拨打备班工程师电话。",
        "weekdays": "一,二,三,四,五,六,日",
        "new-year": "元旦",
        "spring-festival": "春节",
        "qingming": "清明节",
        "labour-day": "劳动节",
        "dragon-boat": "端午节",
        "mid-autumn": "中秋节",
        "national-day": "国庆节",
        "custom": "假期",
    },
    "en": {
        "title": "Holiday duty roster",
        "reference": "Site / holiday",
        "customer": "Customer",
        "site": "Site",
        "holiday": "Holiday",
        "period": "Days off",
        "to": "to",
        "days": "{n} days",
        "published": "Sent to the customer",
        "late_reason": "Reason for sending late",
        "not_published": "not sent yet",
        "sec_duty": "Duty",
        "date": "Date",
        "weekday": "Day",
        "primary": "Engineer on duty",
        "secondary": "Engineer on call",
        "phone": "Phone",
        "sec_makeup": "Make-up working days",
        "makeup_note": "These weekend days are statutory make-up working days, served as normal working days:",
        "no_makeup": "This holiday has no make-up working day.",
        "sec_notes": "Notes",
        "notes": "Service is 7x24 throughout; if the engineer on duty cannot be reached, call the engineer on call.",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "new-year": "New Year",
        "spring-festival": "Spring Festival",
        "qingming": "Qingming",
        "labour-day": "Labour Day",
        "dragon-boat": "Dragon Boat Festival",
        "mid-autumn": "Mid-Autumn Festival",
        "national-day": "National Day",
        "custom": "Holiday",
    },
}


def holiday_name(key: str, lang: str) -> str:
    words = WORDS[lang]
    return words.get(key, words["custom"])


def build(
    *,
    lang: str,
    site: str,
    customer: str,
    timezone: str,
    holiday: str,
    year: int,
    duties: tuple[HolidayDuty, ...],
    makeup_days: tuple[date, ...],
    phones: dict[str, str | None],
    published_at: datetime | None,
    late_reason: str | None,
) -> Sheet:
    """The roster worded in ``lang``; ``published_at`` is shown in the site's time."""
    from zoneinfo import ZoneInfo

    words = WORDS[lang]
    weekdays = words["weekdays"].split(",")
    name = f"{year} {holiday_name(holiday, lang)}"
    first, last = duties[0].day, duties[-1].day
    sent = (
        published_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
        if published_at is not None
        else words["not_published"]
    )
    overview = [
        Field(words["customer"], customer),
        Field(words["site"], site),
        Field(words["holiday"], name),
        Field(
            words["period"],
            f"{first.isoformat()} {words['to']} {last.isoformat()} ({words['days'].format(n=len(duties))})",
        ),
        Field(words["published"], sent),
    ]
    if late_reason:
        overview.append(Field(words["late_reason"], late_reason, wide=True))
    rows = tuple(
        (
            d.day.isoformat(),
            weekdays[d.day.weekday()],
            d.primary,
            phones.get(d.primary) or "",
            d.secondary or "",
            (phones.get(d.secondary) or "") if d.secondary else "",
        )
        for d in duties
    )
    duty = Table(
        (words["date"], words["weekday"], words["primary"], words["phone"], words["secondary"], words["phone"]),
        rows,
        (16, 8, 20, 18, 20, 18),
    )
    makeup: tuple[Block, ...]
    if makeup_days:
        makeup = (
            Text(words["makeup_note"]),
            Table(
                (words["date"], words["weekday"]),
                tuple((d.isoformat(), weekdays[d.weekday()]) for d in makeup_days),
                (50, 50),
            ),
        )
    else:
        makeup = (Text(words["no_makeup"]),)
    return Sheet(
        lang=lang,
        title=words["title"],
        reference=f"{site} {name}",
        reference_label=words["reference"],
        timezone_note=f"{form_label(lang, 'timezone')}{'：' if lang == 'zh' else ': '}{timezone}",
        page_label=form_label(lang, "page"),
        sections=(
            Section(words["holiday"], (Fields(tuple(overview)),)),
            Section(words["sec_duty"], (duty,)),
            Section(words["sec_makeup"], makeup),
            Section(words["sec_notes"], (Text(words["notes"]),)),
        ),
    )

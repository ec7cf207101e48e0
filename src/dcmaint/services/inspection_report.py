"""``dcmaint inspect report``: one inspection as the customer's document, a ``Sheet`` the forms pipeline renders.

Sections, in order (docs/inspections.md, "The report"): summary, scope,
results by device, findings and what was done, pending items with their
dates, the health assessment with its trend and charts (health by system,
findings by class, the score over the last inspections), recommendations and
preventive measures derived from the findings, and the sign-off. Checklist
items are worded in the report's language from the checklists in force.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dcmaint.domain.checklists import Checklists
from dcmaint.domain.inspection_records import Finding, RunDetail
from dcmaint.forms.content import BLANK, Chart, Field, Fields, Section, Sheet, Signature, Table, Text
from dcmaint.forms.inspection_labels import code, label, recommendation
from dcmaint.services.context import Context

PENDING = ("downtime", "factory", "open")


def report_sheet(context: Context, run_id: int, lang: str, config_file: Path | None = None) -> Sheet:
    """The inspection ``run_id`` worded in ``lang`` (already checked: ``forms.render.checked_choices``)."""
    from dcmaint.services import checklists as checklist_files
    from dcmaint.services.inspection_views import detail

    found = detail(context, run_id)
    return build(found, checklist_files.load(found.run.site, config_file), lang)


def build(found: RunDetail, checklists: Checklists, lang: str) -> Sheet:
    zone = ZoneInfo(found.timezone)

    def t(key: str) -> str:
        return label(lang, key)

    def when(value: datetime) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    separator = "：" if lang == "zh" else ": "
    run = found.run
    score = BLANK if run.score is None else str(run.score)
    return Sheet(
        lang=lang,
        title=t("title"),
        reference=str(run.id),
        reference_label=t("run"),
        timezone_note=f"{t('timezone')}{separator}{found.timezone}",
        page_label=t("page"),
        sections=(
            Section(
                t("sec_summary"),
                (
                    Fields(
                        (
                            Field(t("customer"), found.customer),
                            Field(t("contract_no"), found.contract_no or BLANK),
                            Field(t("site"), run.site),
                            Field(t("date"), when(run.started_at)),
                            Field(t("engineer"), run.engineer or BLANK),
                            Field(t("devices"), str(run.devices)),
                            Field(t("findings"), str(run.findings)),
                            Field(t("score"), f"{score} ({code(lang, 'trend', run.trend)})"),
                        )
                    ),
                ),
            ),
            Section(t("sec_scope"), (_scope(found, checklists, lang),)),
            Section(t("sec_results"), (_results(found, lang),)),
            Section(t("sec_findings"), (_findings(found, checklists, lang),)),
            Section(t("sec_pending"), (_pending(found, checklists, lang),)),
            Section(t("sec_health"), _health(found, lang)),
            Section(t("sec_recommendations"), (Text(_recommendations(found, checklists, lang)),)),
            Section(
                t("sec_signoff"),
                (
                    Fields((Field(t("engineer"), run.engineer or BLANK), Field(t("signed_date"), BLANK))),
                    Signature(t("sign_engineer"), None, None),
                    Fields((Field(t("customer"), BLANK), Field(t("signed_date"), BLANK))),
                    Signature(t("sign_customer"), None, None),
                ),
            ),
        ),
    )


def _system(lang: str, system: str) -> str:
    return code(lang, "system", system)


def _scope(found: RunDetail, checklists: Checklists, lang: str) -> Table:
    counts = Counter(r.system for r in found.results)
    rows = []
    for system, count in sorted(counts.items()):
        items = checklists.room() if system == "room" else checklists.for_kind(system)
        rows.append((_system(lang, system), str(count) if system != "room" else "-", str(len(items))))
    header = (label(lang, "system"), label(lang, "count"), label(lang, "items"))
    return Table(header, tuple(rows) or ((BLANK,) * 3,), (50, 25, 25))


def _results(found: RunDetail, lang: str) -> Table:
    header = tuple(label(lang, k) for k in ("device", "system", "status", "checks", "failed", "score", "trend"))
    rows = tuple(
        (
            r.device or label(lang, "room"),
            _system(lang, r.system),
            code(lang, "status", r.status),
            str(r.checks),
            str(r.failed),
            str(r.score),
            code(lang, "trend", r.trend),
        )
        for r in found.results
    )
    return Table(header, rows or ((BLANK,) * 7,), (22, 16, 14, 12, 12, 12, 12))


def _item(f: Finding, checklists: Checklists, lang: str) -> str:
    """A checklist item in the report's language; a fault as its part and kind: ``PSU 2 (psu)``."""
    if f.source == "fault":
        kind, _sep, location = f.item.partition(":")
        return f"{location} ({kind})" if location else f.item
    item = checklists.item(f.item)
    return item.wording(lang) if item is not None else f.item


def _found(f: Finding, checklists: Checklists, lang: str) -> str:
    item = checklists.item(f.item) if f.source == "reading" else None
    if item is not None:
        return f.description + label(lang, "range").format(range=item.range_text())
    if f.source == "checklist":
        return label(lang, "not_ok")
    return f.description


def _findings(found: RunDetail, checklists: Checklists, lang: str) -> Table | Text:
    if not found.findings:
        return Text(label(lang, "no_findings"))
    header = tuple(label(lang, k) for k in ("device", "item", "finding", "outcome", "ticket", "note"))
    rows = tuple(
        (
            f.device or label(lang, "room"),
            _item(f, checklists, lang),
            _found(f, checklists, lang),
            code(lang, "outcome", f.outcome),
            f.ticket or BLANK,
            f.note or BLANK,
        )
        for f in found.findings
    )
    return Table(header, rows, (14, 22, 22, 14, 14, 14))


def _pending(found: RunDetail, checklists: Checklists, lang: str) -> Table | Text:
    pending = [f for f in found.findings if f.outcome in PENDING]
    if not pending:
        return Text(label(lang, "no_pending"))
    header = tuple(label(lang, k) for k in ("device", "item", "outcome", "when", "ticket"))
    rows = tuple(
        (
            f.device or label(lang, "room"),
            _item(f, checklists, lang),
            code(lang, "outcome", f.outcome),
            f.downtime_on.isoformat() if f.downtime_on is not None else label(lang, "to_agree"),
            f.ticket or BLANK,
        )
        for f in sorted(pending, key=lambda f: (f.downtime_on is None, f.downtime_on, f.device))
    )
    return Table(header, rows, (18, 30, 18, 18, 16))


def _health(found: RunDetail, lang: str) -> tuple[Table | Chart, ...]:
    def t(key: str) -> str:
        return label(lang, key)

    table = Table(
        (t("system"), t("score"), t("trend")),
        tuple((_system(lang, s), str(score), code(lang, "trend", trend)) for s, score, trend in found.systems)
        or ((BLANK,) * 3,),
        (50, 25, 25),
    )
    by_system = Chart(
        t("chart_systems"),
        "bar",
        tuple(_system(lang, s) for s, _score, _trend in found.systems),
        ((t("series_score"), tuple(float(score) for _s, score, _t in found.systems)),),
    )
    classes = Counter(code(lang, "source", f.source) for f in found.findings)
    by_class = Chart(
        t("chart_findings"),
        "bar",
        tuple(classes),
        ((t("series_findings"), tuple(float(n) for n in classes.values())),),
    )
    zone = ZoneInfo(found.timezone)
    trend = Chart(
        t("chart_trend"),
        "line",
        tuple(at.astimezone(zone).strftime("%Y-%m-%d") for at, _score in found.history),
        ((t("series_score"), tuple(float(score) for _at, score in found.history)),),
    )
    return (table, by_system, by_class, trend)


def _recommendations(found: RunDetail, checklists: Checklists, lang: str) -> str:
    """One line per kind of finding, in order of first appearance; the all-clear when there is none."""
    if not found.findings:
        return label(lang, "rec_none")
    lines: list[str] = []
    for f in found.findings:
        if f.source == "fault":
            kind = f.item.split(":", 1)[0]
            keys: tuple[str, ...] = (f"fault_{kind}",)
        else:
            item = checklists.item(f.item)
            keys = (f"item_{f.item}", f"list_{item.checklist}" if item is not None else "")
        text = recommendation(lang, keys)
        if text not in lines:
            lines.append(text)
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))

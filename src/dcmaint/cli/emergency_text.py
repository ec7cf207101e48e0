"""``emergency show`` for people: the plan's fields, then its steps, contacts, escalation and drills as tables,
the plan's text in the reader's language where the file gives it, times in the site's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dcmaint.cli.labels import label
from dcmaint.domain.emergency import (
    ContactParty,
    DrillResult,
    DrillState,
    PlanDetail,
    PlanState,
    words_from,
)
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.inspections import System
from dcmaint.i18n import _, language, pgettext, value_label


def plan_text(plan: PlanDetail) -> str:
    from dcmaint.cli.output import table, table_time

    lang = language()
    content: Mapping[str, Any] = plan.content

    def said(value: object) -> str:
        return words_from(value).said(lang)

    def when(value: Any) -> str:
        return table_time(value, plan.timezone) if value is not None else ""

    last = plan.drills[0] if plan.drills else None
    head = [
        (pgettext("emergency", "Plan"), plan.plan),
        (_("Title"), said(content["title"])),
        (_("System"), label((DeviceKind, System), plan.system)),
        (_("State"), value_label(PlanState, plan.state)),
        (_("Version"), _("{version} of {versions}").format(version=plan.version, versions=plan.versions)),
        (_("Adopted"), when(plan.adopted_at)),
        (_("Drilled every"), str(content["drill_every"])),
        (
            _("Last drill"),
            f"{when(last.drilled_at)} {value_label(DrillResult, last.result)}" if last else _("not drilled yet"),
        ),
        (_("Next drill due"), f"{when(plan.drill_due)} {value_label(DrillState, plan.drill_state)}".strip()),
        (_("Scenario"), said(content["scenario"])),
        (_("Trigger"), said(content["trigger"])),
    ]
    if plan.retired_at is not None:
        head.append((_("Retired"), f"{when(plan.retired_at)} {plan.retired_reason or ''}".strip()))
    if content.get("notes"):
        head.append((_("Notes"), said(content["notes"])))
    parts = [table(head, tablefmt="plain"), ""]
    parts.append(
        table(
            [
                [str(n), said(s["action"]), said(s["who"]), s.get("within") or ""]
                for n, s in enumerate(content["steps"], 1)
            ],
            [_("Step"), _("Action"), _("Who acts"), _("Time limit")],
        )
    )
    parts += [
        "",
        table(
            [
                [value_label(ContactParty, c["party"]), c["name"], said(c["role"]), c["phone"]]
                for c in content["contacts"]
            ],
            [_("Party"), _("Name"), _("Role"), _("Phone")],
        ),
    ]
    if content.get("escalation"):
        parts += [
            "",
            table(
                [[e["after"], said(e["to"])] for e in content["escalation"]],
                [_("Not restored after"), _("Tell")],
            ),
        ]
    if plan.drills:
        parts += [
            "",
            table(
                [
                    [when(d.drilled_at), str(d.version), value_label(DrillResult, d.result), d.by or "", d.note or ""]
                    for d in plan.drills
                ],
                [_("Drilled"), _("Version"), _("Result"), _("Led by"), _("Note")],
            ),
        ]
    return "\n".join(parts)

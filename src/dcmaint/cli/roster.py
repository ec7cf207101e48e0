"""``dcmaint roster``: duty rotations, who is on duty, coverage checks, the holiday duty roster (docs/rosters.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.domain.records import Record
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.cli.labels import Vocabularies
    from dcmaint.services.holiday_rosters import HolidayRoster

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

MOST_STRETCH = timedelta(days=31)


def _stretch(text: str, what: str) -> timedelta:
    return parse.duration(text, what, MOST_STRETCH)


def _days(text: str, what: str) -> int:
    return parse.whole_number(text, what, 1, 366)


def _year(text: str, what: str) -> int:
    return parse.whole_number(text, what, 2000, 2100)


def _running(text: str, what: str) -> int:
    return parse.whole_number(text, what, 1, 31)


SiteOpt = Annotated[str, typer.Option("--site", help=_("Site (its time zone reads the times given)."))]
NoteOpt = Annotated[str | None, typer.Option("--note", help=_("Free text kept with the entry."))]
FromOpt = Annotated[str, typer.Option("--from", help=_("Start, YYYY-MM-DD[THH:MM] in the site's time."))]
ToOpt = Annotated[str, typer.Option("--to", help=_("End (exclusive), YYYY-MM-DD[THH:MM] in the site's time."))]


def _values(name: str) -> dict[str, Vocabularies]:
    """Which fields of a record are values of a vocabulary, shown in the reader's language in tables."""
    from dcmaint.domain.rosters import Period, ProblemKind, Role

    vocabularies: dict[str, dict[str, Vocabularies]] = {
        "rotation": {"period": Period},
        "shift": {"role": Role},
        "problem": {"kind": ProblemKind},
    }
    return vocabularies[name]


def _rotation_labels() -> dict[str, str]:
    from dcmaint.cli.labels import field_labels

    return {
        **field_labels(),
        "period": _("Hand-over"),
        "handover": _("At"),
        "engineers": _("Engineers"),
        "starts_on": _("From"),
        "ends_on": _("To"),
    }


ROTATION_COLUMNS = [
    ("name", _("Rotation")),
    ("site", _("Site")),
    ("period", _("Hand-over")),
    ("handover", _("At")),
    ("engineers", _("Engineers")),
    ("starts_on", _("From")),
    ("ends_on", _("To")),
]
SHIFT_COLUMNS = [
    ("start", _("From")),
    ("end", _("To")),
    ("role", _("Role")),
    ("engineer", _("Engineer")),
    ("covering", _("Covering")),
]
WHO_COLUMNS = [
    ("site", _("Site")),
    ("primary", _("Primary")),
    ("primary_phone", _("Phone")),
    ("secondary", _("Secondary")),
    ("secondary_phone", _("Phone")),
    ("until", _("Until")),
]
PROBLEM_COLUMNS = [
    ("kind", _("Problem")),
    ("site", _("Site")),
    ("start", _("From")),
    ("end", _("To")),
    ("engineer", _("Engineer")),
    ("detail", _("Detail")),
]


@app.command("add", help=_("Add a rotation: engineers taking turns at a site, handing over daily or weekly."))
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Rotation name."), show_default=False)],
    site: SiteOpt,
    engineers: Annotated[str, typer.Option("--engineers", help=_("Engineers in turn order, comma-separated."))],
    starts: Annotated[str, typer.Option("--from", help=_("First day of the rotation, YYYY-MM-DD."))],
    period: Annotated[str, typer.Option("--period", help=_("daily or weekly."))] = "daily",
    handover: Annotated[str, typer.Option("--handover", help=_("Local hand-over time, HH:MM."))] = "09:00",
    ends: Annotated[str | None, typer.Option("--to", help=_("Day the rotation ends, YYYY-MM-DD."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.services.roster_views import rotation_line
    from dcmaint.services.rosters import RotationDraft, add_rotation

    draft = RotationDraft(name, site, period, handover, engineers.split(","), starts, ends)
    render_one(
        shown(fmt, rotation_line(add_rotation(service_context(ctx), draft)), _values("rotation")),
        fmt,
        _rotation_labels(),
    )


@app.command("list", help=_("List rotations."))
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.services.roster_views import rotations

    found = rotations(service_context(ctx), site)
    render_list([shown(fmt, line, _values("rotation")) for line in found], fmt, ROTATION_COLUMNS)


@app.command("show", help=_("Show a rotation and its shifts over the coming days, overrides applied."))
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Rotation name."), show_default=False)],
    days: Annotated[
        int, typer.Option("--days", click_type=Checked(_days, "DAYS"), help=_("How many days of shifts to show."))
    ] = 7,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list, render_one
    from dcmaint.services.roster_views import rotation

    line, shifts = rotation(service_context(ctx), name, days)
    if fmt is OutputFormat.JSON:
        from dcmaint.cli.output import as_json

        typer.echo(as_json({**line.as_json(), "shifts": [s.as_json() for s in shifts]}))
        return
    from dcmaint.cli.labels import shown

    render_one(shown(fmt, line, _values("rotation")), fmt, _rotation_labels())
    typer.echo("")
    render_list([shown(fmt, s, _values("shift")) for s in shifts], fmt, SHIFT_COLUMNS)


@app.command("end", help=_("End a rotation (a team change: end it the day the new rotation starts)."))
def end(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Rotation name."), show_default=False)],
    on: Annotated[str, typer.Option("--on", help=_("Day of the last hand-over, YYYY-MM-DD."))],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.services.roster_views import rotation_line
    from dcmaint.services.rosters import end_rotation

    line = rotation_line(end_rotation(service_context(ctx), name, on))
    render_one(shown(fmt, line, _values("rotation")), fmt, _rotation_labels())


@app.command("override", help=_("One engineer covers another for a range; with --swap-from/--swap-to, a swap."))
def override(
    ctx: typer.Context,
    site: SiteOpt,
    by: Annotated[str, typer.Option("--by", help=_("Engineer who covers."))],
    for_: Annotated[str, typer.Option("--for", help=_("Engineer who is covered."))],
    start: FromOpt,
    end: ToOpt,
    swap_from: Annotated[
        str | None, typer.Option("--swap-from", help=_("Start of the shift given back in a swap."))
    ] = None,
    swap_to: Annotated[str | None, typer.Option("--swap-to", help=_("End of the shift given back in a swap."))] = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.errors import UsageError
    from dcmaint.services.rosters import add_override

    if (swap_from is None) != (swap_to is None):
        raise UsageError(_("a swap needs both --swap-from and --swap-to"))
    back = (swap_from, swap_to) if swap_from is not None and swap_to is not None else None
    made = add_override(service_context(ctx), site, by, for_, start, end, note, back)
    for item in made:
        typer.echo(
            _("{by} covers {covered} at {site} from {start} to {end}").format(
                by=item.engineer, covered=item.covers, site=item.site, start=start, end=end
            )
            if item is made[0]
            else _("{by} covers {covered} at {site} from {start} to {end}").format(
                by=item.engineer, covered=item.covers, site=item.site, start=swap_from, end=swap_to
            )
        )


@app.command("leave", help=_("Record an engineer's leave (days, inclusive)."))
def leave(
    ctx: typer.Context,
    engineer: Annotated[str, typer.Argument(help=_("Engineer (a staff name)."), show_default=False)],
    first: Annotated[str, typer.Option("--from", help=_("First day away, YYYY-MM-DD."))],
    last: Annotated[str, typer.Option("--to", help=_("Last day away, YYYY-MM-DD."))],
    note: NoteOpt = None,
) -> None:
    from dcmaint.services.rosters import add_leave

    item = add_leave(service_context(ctx), engineer, first, last, note)
    typer.echo(
        _("{name} on leave from {first} to {last}").format(
            name=item.engineer, first=item.first.isoformat(), last=item.last.isoformat()
        )
    )


@app.command("who", help=_("Who is on duty (primary and secondary, with phones); exit 1 when nobody is."))
def who(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    at: Annotated[
        str | None, typer.Option("--at", help=_("When, YYYY-MM-DD[THH:MM] in the site's time (default now)."))
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.roster_views import who as on_duty

    found = on_duty(service_context(ctx), site, at)
    render_list(found, fmt, WHO_COLUMNS)
    gaps = [line.site for line in found if line.primary is None]
    if gaps or not found:
        typer.echo(_("nobody is on duty at {sites}").format(sites=", ".join(gaps) or site or "-"), err=True)
        raise typer.Exit(1)


@app.command("check", help=_("Gaps, overlaps, double duty, over-long stretches, leave collisions; exit 1 when any."))
def check(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    start: Annotated[str | None, typer.Option("--from", help=_("Start (default now)."))] = None,
    end: Annotated[str | None, typer.Option("--to", help=_("End (default four weeks on)."))] = None,
    most: Annotated[
        timedelta,
        typer.Option(
            "--max-stretch",
            click_type=Checked(_stretch, "DURATION"),
            help=_("Longest allowed stretch of primary duty without a break."),
        ),
    ] = timedelta(hours=24),
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.roster_views import problems

    found = problems(service_context(ctx), site, start, end, most)
    if not found and fmt is OutputFormat.TABLE:
        typer.echo(_("no problem: 7x24 coverage is complete"))
        return
    from dcmaint.cli.labels import shown

    render_list([shown(fmt, p, _values("problem")) for p in found], fmt, PROBLEM_COLUMNS)
    if found:
        raise typer.Exit(1)


HolidayOpt = Annotated[
    str | None,
    typer.Option(
        "--holiday",
        help=_(
            "Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day, New Year "
            "(or 春节, 国庆节...)."
        ),
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        click_type=Checked(_year, "YEAR"),
        help=_("Year of the holiday."),
    ),
]
FirstDayOpt = Annotated[
    str | None, typer.Option("--from", help=_("First day of a range, YYYY-MM-DD (instead of --holiday)."))
]
LastDayOpt = Annotated[str | None, typer.Option("--to", help=_("Last day of the range, YYYY-MM-DD."))]
WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def _show_holiday(found: HolidayRoster, fmt: OutputFormat) -> None:
    from dcmaint.cli.output import as_json, render_list, table

    if fmt is OutputFormat.JSON:
        typer.echo(as_json(found.as_json()))
        return
    if fmt is OutputFormat.CSV:
        render_list([_CsvDuty(**line) for line in found.as_json()["duties"]], fmt, [])
        return
    lines = []
    for duty in sorted(
        [("duty", d.day, d.primary, d.secondary) for d in found.duties]
        + [("makeup", d, None, None) for d in found.makeup_days],
        key=lambda item: item[1],
    ):
        kind, day, primary, secondary = duty
        if kind == "makeup":
            lines.append([day.isoformat(), WEEKDAYS[day.weekday()], _("make-up workday"), "", "", ""])
        else:
            lines.append(
                [
                    day.isoformat(),
                    WEEKDAYS[day.weekday()],
                    primary or "",
                    found.phones.get(primary or "") or "",
                    secondary or "",
                    found.phones.get(secondary or "") or "" if secondary else "",
                ]
            )
    typer.echo(
        _("{site}: {holiday} {year}, {first} to {last}").format(
            site=found.site,
            holiday=holiday_label(found.holiday),
            year=found.year,
            first=found.first_day.isoformat(),
            last=found.last_day.isoformat(),
        )
    )
    typer.echo(
        table(lines, [_("Date"), _("Day"), _("Primary"), _("Phone"), _("Secondary"), _("Phone")], disable_numparse=True)
    )
    publish_by = found.as_json()["publish_by"]
    if found.published_at is None:
        typer.echo(_("to the customer by {time}").format(time=publish_by))
    else:
        typer.echo(_("published {time}").format(time=found.as_json()["published_at"]))


@dataclass(frozen=True)
class _CsvDuty(Record):
    day: str
    primary: str
    primary_phone: str | None
    secondary: str | None
    secondary_phone: str | None


def holiday_label(key: str) -> str:
    """A holiday's name in the UI's language (a --from/--to range keeps its key)."""
    names = {
        "new-year": _("New Year"),
        "spring-festival": _("Spring Festival"),
        "qingming": _("Qingming"),
        "labour-day": _("Labour Day"),
        "dragon-boat": _("Dragon Boat"),
        "mid-autumn": _("Mid-Autumn"),
        "national-day": _("National Day"),
    }
    return names.get(key, key)


@app.command(
    "holiday", help=_("Make the holiday duty roster of a site: fair, leave respected, make-up workdays shown.")
)
def holiday(
    ctx: typer.Context,
    site: SiteOpt,
    name: HolidayOpt = None,
    year: YearOpt = None,
    first: FirstDayOpt = None,
    last: LastDayOpt = None,
    team: Annotated[
        str | None, typer.Option("--team", help=_("Engineers, comma-separated (default: the site's rotations)."))
    ] = None,
    most_running: Annotated[
        int,
        typer.Option(
            "--most-running",
            click_type=Checked(_running, "DAYS"),
            help=_("Most days on duty running."),
        ),
    ] = 3,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.holiday_rosters import HolidayChoice, make

    found = make(
        service_context(ctx),
        site,
        HolidayChoice(name, year, first, last),
        team.split(",") if team else None,
        most_running,
    )
    _show_holiday(found, fmt)


@app.command("publish", help=_("Record when the holiday roster went to the customer (at least 7 days before)."))
def publish(
    ctx: typer.Context,
    site: SiteOpt,
    name: HolidayOpt = None,
    year: YearOpt = None,
    first: FirstDayOpt = None,
    at: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--at",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When it was sent, in the site's time (default now)."),
        ),
    ] = None,
    late_reason: Annotated[
        str | None, typer.Option("--late-reason", help=_("Why it goes to the customer less than 7 days before."))
    ] = None,
) -> None:
    from dcmaint.services.holiday_rosters import HolidayChoice
    from dcmaint.services.holiday_rosters import publish as publish_roster

    found = publish_roster(service_context(ctx), site, HolidayChoice(name, year, first, None), at, late_reason)
    line = _("{site}: {holiday} {year} roster published {time}").format(
        site=found.site, holiday=holiday_label(found.holiday), year=found.year, time=found.as_json()["published_at"]
    )
    if found.late_reason:
        line += " " + _("(late: {reason})").format(reason=found.late_reason)
    typer.echo(line)


OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("File to write, - for standard output."), dir_okay=False),
]


def _write(ctx: typer.Context, output: Path | None, default: Path, content: bytes) -> None:
    """Write ``content`` to ``output`` (checked before any work), stdout for ``-``, else ``default``."""
    import sys

    from dcmaint.cli.context import state

    target = state(ctx).output(output, "--output") if output is not None else default
    if target is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        target.write_bytes(content)
    except OSError as error:
        from dcmaint.errors import UsageError

        raise UsageError(_("cannot write {file}: {reason}").format(file=target, reason=error.strerror)) from None
    typer.echo(_("written to {file} ({size} bytes)").format(file=target, size=len(content)))


@app.command(
    "export", help=_("The duty of a site or an engineer as an iCalendar file (.ics) for phones and calendars.")
)
def export(
    ctx: typer.Context,
    start: FromOpt,
    end: ToOpt,
    site: Annotated[str | None, typer.Option("--site", help=_("Every shift at this site."))] = None,
    engineer: Annotated[str | None, typer.Option("--engineer", help=_("Every shift of this engineer."))] = None,
    output: OutputOpt = None,
) -> None:
    from dcmaint.services.roster_exports import ical

    if output is not None:
        from dcmaint.cli.context import state

        state(ctx).output(output, "--output")
    content = ical(service_context(ctx), site, engineer, start, end)
    _write(ctx, output, Path(f"roster-{site or engineer}.ics"), content)


@app.command("sheet", help=_("The holiday duty roster for the customer: pdf, html or md, in Chinese or English."))
def sheet(
    ctx: typer.Context,
    site: SiteOpt,
    name: HolidayOpt = None,
    year: YearOpt = None,
    first: FirstDayOpt = None,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: OutputOpt = None,
) -> None:
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.holiday_rosters import HolidayChoice
    from dcmaint.services.roster_exports import holiday_sheet

    fmt_key, lang_key = checked_choices(fmt, lang)
    if output is not None:
        from dcmaint.cli.context import state

        state(ctx).output(output, "--output")
    context = service_context(ctx)
    document = holiday_sheet(context, site, HolidayChoice(name, year, first, None), lang_key)
    content = render_sheet(document, fmt_key, context.config.forms.cjk_font)
    key = name or first or "holiday"
    _write(
        ctx, output, Path(f"{site}-{key}-{year or ''}-roster.{fmt_key}".replace(" ", "-").replace("--", "-")), content
    )

"""``dcmaint spare match | swap | swaps | consent | custody | handover``: from a faulty slot to the part in the
customer's hands (docs/spares.md)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.services.verify import SwapOutcome

consent_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

SiteOpt = Annotated[str | None, typer.Option("--site", help=_("Site of the device (when its name is used at two)."))]
DeviceOpt = Annotated[str | None, typer.Option("--device", help=_("Device name."))]

MATCH_COLUMNS = [
    ("device", _("Device")),
    ("slot", _("Slot")),
    ("rank", "#"),
    ("fit", _("Fit")),
    ("serial", _("Serial")),
    ("part_number", _("Part number")),
    ("site", _("Site")),
    ("bin", _("Bin")),
    ("quantity", _("Quantity")),
    ("explanation", _("Why")),
]
SWAP_COLUMNS = [
    ("id", "ID"),
    ("swapped_at", _("When")),
    ("device", _("Device")),
    ("slot", _("Slot")),
    ("spare_serial", _("Fitted")),
    ("removed_serial", _("Removed")),
    ("fit", _("Fit")),
    ("ticket", _("Ticket")),
    ("technician", _("Technician")),
    ("verification", _("Verified")),
]
CUSTODY_COLUMNS = [
    ("site", _("Site")),
    ("serial", _("Serial")),
    ("part_number", _("Part number")),
    ("condition", _("Condition")),
    ("device", _("Device")),
    ("slot", _("Slot")),
    ("removed_at", _("Removed")),
    ("kept_at", _("Kept at")),
    ("handed_to", _("Handed to")),
    ("handed_at", _("Handed over")),
]
CONSENT_COLUMNS = [
    ("id", "ID"),
    ("site", _("Site")),
    ("part_number", _("Part number")),
    ("substitute", _("Substitute")),
    ("device", _("Device")),
    ("agreed_by", _("Agreed by")),
    ("agreed_on", _("Date")),
    ("document_ref", _("Document")),
]


def match_command(
    ctx: typer.Context,
    device: DeviceOpt = None,
    site: SiteOpt = None,
    slot: Annotated[
        str | None,
        typer.Option(
            "--slot", help=_("Slot as KIND:LOCATION or LOCATION, e.g. psu:PSU 2 (default: every open fault).")
        ),
    ] = None,
    fault: Annotated[
        int | None,
        typer.Option(
            "--fault", click_type=Checked(parse.count, "ID"), help=_("A recorded fault's ID (device show lists them).")
        ),
    ] = None,
    ticket: Annotated[
        str | None,
        typer.Option(
            "--ticket", help=_("The ticket's fault (or its devices' open faults); spares reserved for it come first.")
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", click_type=Checked(parse.count, "N"), help=_("Candidates per slot."))
    ] = 5,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.domain.matching import Fit
    from dcmaint.services.matching import match_spares

    lines = match_spares(service_context(ctx), device, site, slot, fault, ticket, limit)
    render_list([shown(fmt, line, {"fit": Fit}) for line in lines], fmt, MATCH_COLUMNS)


def swap_command(
    ctx: typer.Context,
    spare: Annotated[
        str | None,
        typer.Option("--spare", click_type=Checked(parse.serial, "SERIAL"), help=_("Serial of the spare fitted.")),
    ] = None,
    consumable: Annotated[
        str | None,
        typer.Option(
            "--consumable",
            help=_("A consumable's part number instead of --spare: one unit is taken from its bin."),
        ),
    ] = None,
    bin_: Annotated[
        str | None,
        typer.Option("--bin", help=_("The consumable's bin, when the part is in more than one.")),
    ] = None,
    device: Annotated[
        str | None,
        typer.Option("--device", help=_("Device the part is fitted in (default: the device of the --ticket's fault).")),
    ] = None,
    slot: Annotated[
        str | None,
        typer.Option(
            "--slot",
            help=_("Slot as KIND:LOCATION or LOCATION, e.g. psu:PSU 2 (default: the slot of the --ticket's fault)."),
        ),
    ] = None,
    site: SiteOpt = None,
    ticket: Annotated[
        str | None,
        typer.Option(
            "--ticket",
            help=_("Ticket the swap belongs to; when it is about one part fault, --device and --slot may go."),
        ),
    ] = None,
    removed_serial: Annotated[
        str | None,
        typer.Option(
            "--removed-serial",
            click_type=Checked(parse.serial, "SERIAL"),
            help=_("Serial on the removed part (default: the one the last health report gave)."),
        ),
    ] = None,
    keep_at: Annotated[
        str | None,
        typer.Option("--keep-at", help=_("Where the removed part is kept until handover (default: the spare's bin).")),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help=_("Engineer who did it (a staff name; default: you)."))] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help=_("Poll the device afterwards: the slot must report the spare's serial, healthy.")
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", click_type=Checked(parse.timeout, "SECONDS"), help=_("Seconds for the --verify poll.")
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.swap import SwapRequest, swap_spare

    request = SwapRequest(device, site, slot, spare, ticket, removed_serial, keep_at, by, consumable, bin_)
    _render_outcome(swap_spare(service_context(ctx), request, verify=verify, timeout=timeout), fmt, checked=verify)


def verify_command(
    ctx: typer.Context,
    swap: Annotated[
        int,
        typer.Argument(
            click_type=Checked(parse.count, "ID"),
            help=_("The swap's ID (`dcmaint spare swaps` lists them)."),
            show_default=False,
        ),
    ],
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", click_type=Checked(parse.timeout, "SECONDS"), help=_("Seconds for the poll.")),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.verify import verify_later

    _render_outcome(verify_later(service_context(ctx), swap, timeout), fmt, checked=True)


def _render_outcome(done: SwapOutcome, fmt: OutputFormat, *, checked: bool) -> None:
    """The swap, and its next step on stderr: in the one error line (exit 1) when a check left it unverified."""
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.domain.matching import Fit
    from dcmaint.domain.swaps import Verification

    render_one(shown(fmt, done.swap, {"fit": Fit, "verification": Verification}), fmt)
    if checked and done.swap.verification != "verified":
        from dcmaint.errors import DcmaintError

        raise DcmaintError(
            _("swap {id} is unverified: {message}; {next}").format(
                id=done.swap.id, message=done.swap.verify_message, next=done.next_step
            )
        )
    if done.next_step:
        typer.echo(done.next_step, err=True)


def swaps_command(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    device: DeviceOpt = None,
    ticket: Annotated[str | None, typer.Option("--ticket", help=_("Only this ticket."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import spare_views

    found = spare_views.swaps(service_context(ctx), site, device, ticket)
    from dcmaint.cli.labels import shown
    from dcmaint.domain.matching import Fit
    from dcmaint.domain.swaps import Verification

    swaps = [shown(fmt, swap, {"fit": Fit, "verification": Verification}) for swap in found.items]
    render_list(swaps, fmt, SWAP_COLUMNS, zones=found.zones)


def custody_command(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help=_("Also parts already handed over to the customer."))
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import spare_views

    found = spare_views.custody(service_context(ctx), site, include_all)
    from dcmaint.cli.labels import shown
    from dcmaint.domain.parts import Condition

    parts = [shown(fmt, part, {"condition": Condition}) for part in found.items]
    render_list(parts, fmt, CUSTODY_COLUMNS, zones=found.zones)


def handover_command(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("Site whose removed parts are handed over."))],
    to: Annotated[str, typer.Option("--to", help=_("Customer's person who received them."))],
    serial: Annotated[
        list[str] | None,
        typer.Option(
            "--serial",
            click_type=Checked(parse.serial, "SERIAL"),
            help=_("A removed part's serial (repeatable; default: every part waiting at the site)."),
        ),
    ] = None,
    document: Annotated[str | None, typer.Option("--document", help=_("Receipt or handover form number."))] = None,
    at: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--at",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When, as YYYY-MM-DD or YYYY-MM-DDTHH:MM (site time; default now)."),
        ),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help=_("Free text."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.custody import handover

    render_one(handover(service_context(ctx), site, to, serial or [], document, at, notes), fmt)


@consent_app.command("add", help=_("Record the customer's consent to fit a declared substitute."))
def consent_add(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("Site the consent is for."))],
    part: Annotated[str, typer.Option("--part", help=_("The original part (any of its numbers)."))],
    substitute: Annotated[str, typer.Option("--substitute", help=_("The declared substitute (any of its numbers)."))],
    by: Annotated[str, typer.Option("--by", help=_("Who agreed, on the customer's side."))],
    document: Annotated[str, typer.Option("--document", help=_("Reference of the e-mail or signed note."))],
    on: Annotated[
        date | None,
        typer.Option(
            "--date", click_type=Checked(parse.past_date, "DATE"), help=_("Date agreed, YYYY-MM-DD (default today).")
        ),
    ] = None,
    device: Annotated[
        str | None, typer.Option("--device", help=_("Only for this device (default: whole site)."))
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help=_("Free text."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.consents import ConsentEntry, add

    entry = ConsentEntry(site, part, substitute, by, on or date.today(), document, device, notes)
    render_one(add(service_context(ctx), entry), fmt)


@consent_app.command("list", help=_("List recorded customer consents."))
def consent_list(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import spare_views

    render_list(spare_views.consents(service_context(ctx), site), fmt, CONSENT_COLUMNS)

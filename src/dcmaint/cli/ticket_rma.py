"""``dcmaint ticket return-to-factory``: the ticket's step and the RMA for its unit, in one go (docs/rma.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.cli.context import AtOpt, service_context
from dcmaint.cli.rma import NumberOpt, PartOpt, TargetOpt, VendorOpt, said
from dcmaint.i18n import _


def return_to_factory_command(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help=_("Ticket reference, e.g. T-2026-000042."), show_default=False)],
    vendor: VendorOpt,
    reason: Annotated[str, typer.Option("--reason", help=_("What goes back and why."))],
    device: Annotated[
        str | None, typer.Option("--device", help=_("The ticket's device that goes back (when it has several)."))
    ] = None,
    part: PartOpt = None,
    number: NumberOpt = None,
    target: TargetOpt = None,
    at: AtOpt = None,
) -> None:
    from dcmaint.services.rma import Opening, from_ticket

    found = from_ticket(
        service_context(ctx), ref, Opening(vendor, device, part, None, number, None, target, reason, at)
    )
    typer.echo(_("{ticket}: return to factory recorded").format(ticket=found.ticket))
    said(found)

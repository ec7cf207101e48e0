"""``dcmaint sim NAME``: run a plugin's device simulator in the foreground until Ctrl-C or SIGTERM.

Used by ``dcmaint demo``, tests, benchmarks, and by vendors and trainers who
want a machine room on a laptop. The endpoints go to stdout once every device
listens (and, with ``--endpoints-file``, to a JSON file written atomically, so
a script can wait for the file and then read it whole). Plugins are loaded
only when this command runs; nothing heavy is imported at module level.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, state
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dcmaint.drivers.simulators import SimulatedEndpoint, Simulator, SimulatorOptions


class _SingleCommand(TyperGroup):
    """A sub-app that is one command: options may follow the NAME argument, and no COMMAND in the usage."""

    allow_interspersed_args = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = ""


app = typer.Typer(cls=_SingleCommand, invoke_without_command=True, no_args_is_help=True, rich_markup_mode=None)

COLUMNS = [
    ("name", _("Name")),
    ("url", _("URL")),
    ("flavour", _("Flavour")),
    ("username", _("Username")),
    ("password_hint", _("Password")),
    ("faults", _("Faults")),
]


def _document(name: str, endpoints: Sequence[SimulatedEndpoint]) -> dict[str, Any]:
    """What ``--format json`` prints and ``--endpoints-file`` holds (docs/sim.md)."""
    return {"simulator": name, "pid": os.getpid(), "endpoints": [endpoint.as_json() for endpoint in endpoints]}


def _announce(
    name: str, endpoints: Sequence[SimulatedEndpoint], fmt: OutputFormat, endpoints_file: Path | None
) -> None:
    import json
    import sys

    from dcmaint.cli.output import as_json, render_list, write_atomically

    if endpoints_file is not None:
        write_atomically(endpoints_file, json.dumps(_document(name, endpoints), ensure_ascii=False, indent=2) + "\n")
    if fmt is OutputFormat.JSON:
        sys.stdout.write(as_json(_document(name, endpoints)) + "\n")
    else:
        render_list(endpoints, fmt, COLUMNS)  # type: ignore[arg-type]  # endpoints render like records
    sys.stdout.flush()
    sys.stderr.write(
        _("{count} simulated devices ready; Ctrl-C or SIGTERM stops them.").format(count=len(endpoints)) + "\n"
    )
    sys.stderr.flush()


async def _serve(
    simulator: Simulator, options: SimulatorOptions, fmt: OutputFormat, endpoints_file: Path | None
) -> None:
    """Serve until a signal; the simulator closes its ports when cancelled."""
    import asyncio
    import contextlib
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    written = False

    def ready(endpoints: Sequence[SimulatedEndpoint]) -> None:
        nonlocal written
        _announce(simulator.name, endpoints, fmt, endpoints_file)
        written = endpoints_file is not None

    serving = asyncio.ensure_future(simulator.serve(options, ready))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():
            serving.result()  # the simulator's own error, or its end
        else:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
    finally:
        stopping.cancel()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
        if written and endpoints_file is not None:
            endpoints_file.unlink(missing_ok=True)


@app.callback()
def sim(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=_("The simulator, e.g. redfish."))],
    count: Annotated[
        int,
        typer.Option(
            "--count",
            "--hosts",
            "-n",
            help=_(
                "How many devices to serve; for a manager simulator such as vsphere, the number of hosts "
                "(served beside their vCenter)."
            ),
        ),
    ] = 1,
    latency: Annotated[
        float | None,
        typer.Option(
            "--latency",
            click_type=Checked(parse.latency_ms, "MS"),
            help=_("Milliseconds added to every request (default: none)."),
        ),
    ] = None,
    faults: Annotated[
        str,
        typer.Option(
            "--faults",
            help=_("Faults to inject, e.g. 'psu:2=critical,bmc7:hang,every10:disk:1=predicted' (docs/sim.md)."),
        ),
    ] = "",
    flavour: Annotated[
        list[str] | None,
        typer.Option("--flavour", help=_("Device flavour to serve; repeat to mix (default: all, in turn).")),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", help=_("First port of consecutive ports (default: any free ports)."))
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help=_("Varies serial numbers between runs."))] = 0,
    username: Annotated[str, typer.Option("--username", help=_("Login name the devices accept."))] = "admin",
    password: Annotated[
        str | None,
        typer.Option("--password", help=_("Password the devices require (default: any non-empty password).")),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    endpoints_file: Annotated[
        Path | None,
        typer.Option(
            "--endpoints-file",
            dir_okay=False,
            help=_("Also write the endpoints as JSON to FILE once ready (removed on exit)."),
        ),
    ] = None,
) -> None:
    import asyncio

    from dcmaint.cli.plugin import load_manager
    from dcmaint.drivers.simulators import SimulatorOptions

    if endpoints_file is not None:  # written, then removed on exit: never one of dcmaint's own files
        endpoints_file = state(ctx).output(endpoints_file, "--endpoints-file")
    flavours = tuple(part.strip() for value in flavour or () for part in value.split(",") if part.strip())
    options = SimulatorOptions(
        count=count,
        latency_ms=latency or 0.0,
        faults=faults,
        port=port,
        flavours=flavours,
        seed=seed,
        username=username,
        password=password,
    )
    simulator = load_manager(ctx).get_simulator(name)()
    simulator.check(options)
    asyncio.run(_serve(simulator, options, fmt, endpoints_file))

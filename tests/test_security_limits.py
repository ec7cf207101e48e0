"""Denial of service by a device: an answer without end costs a bounded amount of memory (docs/security.md).

A real HTTP server on 127.0.0.1 plays a hostile BMC: it answers every request
with a chunked body (no Content-Length) that never ends, or with a
Content-Length beyond the bound. The Redfish driver refuses each once it
passes its bound, as a protocol error of that device, and stops reading.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from dcmaint.drivers import ErrorKind, ProtocolError, Target
from dcmaint.secrets import Secret

BOUND = 1 << 20  # the driver's bound, made small so that the test sends little
CEILING = 256 << 20  # the server gives up here: far past the bound, so a driver reading it all would be seen


async def hostile_bmc(stated_length: bool) -> tuple[Any, list[int], str]:
    from aiohttp import web

    sent = [0]

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if stated_length:
            response.content_length = CEILING
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b" " * (64 << 10)
        try:
            while sent[0] < CEILING:
                await response.write(chunk)
                sent[0] += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the driver hung up: what it should do
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", endless)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, sent, f"redfish+http://127.0.0.1:{port}"


@pytest.mark.parametrize("stated_length", [False, True], ids=["chunked", "content-length"])
def test_an_answer_without_end_is_refused_at_the_bound(monkeypatch, stated_length):
    from dcmaint_redfish import transport
    from dcmaint_redfish.driver import RedfishDriver

    monkeypatch.setattr(transport, "MAX_BODY", BOUND)

    async def scenario() -> tuple[BaseException | None, int]:
        runner, sent, endpoint = await hostile_bmc(stated_length)
        target = Target("bmc-1", "server", endpoint, username="admin", credential=Secret("pw"), timeout=30.0)
        try:
            await RedfishDriver().poll(target)
        except ProtocolError as error:
            return error, sent[0]
        finally:
            await runner.cleanup()
        return None, sent[0]

    error, sent = asyncio.run(scenario())
    assert error is not None and error.kind is ErrorKind.PROTOCOL_ERROR
    assert f"answer larger than {BOUND} bytes" in str(error)
    assert sent < CEILING // 8  # it stopped reading: the rest was never sent

"""The Redfish driver: any DMTF Redfish BMC, with vendor profiles for what the standard tree leaves out.

``poll`` is crawl, then parse: the crawler (:mod:`dcmaint_redfish.crawl`)
walks the BMC into a resource map through one :class:`Transport`, and the
pure parser (:func:`dcmaint_redfish.parse.parse_report`) turns the map into
the report. The transport is closed in ``finally`` so that the Redfish
session is deleted after a good poll, an error, the driver's own deadline,
or the runner's cancellation.

Deadline: ``target.timeout`` is the whole poll's budget. The walk gets all of
it but a reserve for logging out (a quarter, at most 3 s), and ends with
:class:`TimedOut` naming the deadline (``--timeout 10`` reads "within 10 s")
and what it was waiting for; the runner's own deadline stays a backstop.

Endpoints: ``redfish://HOST[:PORT]`` (HTTPS), ``redfish+http://HOST[:PORT]``
(plain HTTP, for simulators and emulators), ``https://...``, ``http://...``.
Options: see :mod:`dcmaint_redfish.options`.
"""

from __future__ import annotations

import asyncio

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, DriverError, ServerDriver, Target, TimedOut
from dcmaint_redfish import __version__
from dcmaint_redfish.options import SCHEMES, RedfishOptions, parse_endpoint
from dcmaint_redfish.paths import ROOT

LOGOUT_RESERVE = 3.0  # seconds at most kept back from the walk to delete the session
PROBE_TIMEOUT = 10.0


def logout_reserve(timeout: float) -> float:
    """Seconds of the poll's budget kept for deleting the session.

    >>> logout_reserve(60.0), logout_reserve(2.0)
    (3.0, 0.5)
    """
    return min(LOGOUT_RESERVE, timeout / 4)


class RedfishDriver(ServerDriver):
    """Servers through their BMC's Redfish service (HPE iLO, Dell iDRAC, Lenovo XCC, Huawei iBMC, ...)."""

    name = "redfish"
    version = __version__
    #: ``redfish://`` is HTTPS, ``redfish+http://`` plain HTTP (simulators, emulators); ``https://`` and
    #: ``http://`` are accepted for BMC addresses copied from a browser.
    schemes = tuple(SCHEMES)
    #: The system event log, sensors, BIOS/BMC firmware and an archive of inventory, RAID layout and firmware.
    features = ("archive", "events", "firmware", "sensors")

    async def poll(self, target: Target) -> DeviceReport:
        from dcmaint_redfish.crawl import Crawler
        from dcmaint_redfish.parse import choose_profile, parse_report
        from dcmaint_redfish.transport import Transport

        options = RedfishOptions.from_target(target.options, target.timeout)
        endpoint = parse_endpoint(target.endpoint)
        reserve = logout_reserve(target.timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + target.timeout - reserve
        transport = Transport(endpoint, target, options, logout_budget=reserve)
        crawler = Crawler(
            transport,
            expand=options.expand,
            log_entries=options.log_entries,
            choose_profile=lambda root: choose_profile(root, options.vendor),
        )
        try:
            await transport.open()
            async with asyncio.timeout_at(deadline):
                crawl = await crawler.run()
        except TimeoutError:
            waiting = ", ".join(sorted({*transport.inflight, *transport.cancelled})[:3]) or "the BMC"
            # The deadline the user gave (--timeout), not the walk's share of it: the logout reserve is ours.
            raise TimedOut(
                f"{endpoint.display}: poll not finished within {target.timeout:g} s (waiting for {waiting})"
            ) from None
        finally:
            await transport.close()
        return parse_report(
            crawl.resources,
            crawl.profile,
            unread=crawl.unread,
            log_entries=options.log_entries,
            filter_wear=options.filter_wear,
        )

    async def probe(self, target: Target) -> DeviceIdentity | None:
        """Ask the service root (no login needed): vendor and product when it is a Redfish service, else None."""
        from dcmaint_redfish.parse.fields import text
        from dcmaint_redfish.transport import Transport

        timeout = min(target.timeout, PROBE_TIMEOUT)
        options = RedfishOptions.from_target(target.options, timeout)
        endpoint = parse_endpoint(target.endpoint)
        transport = Transport(endpoint, target, options, logout_budget=0.0)
        try:
            await transport.open()
            async with asyncio.timeout(timeout):
                answer = await transport.get(ROOT, auth=False)
        except TimeoutError:
            raise TimedOut(f"{endpoint.display}: no answer within {timeout:g} s") from None
        except DriverError as error:
            if error.kind.value == "protocol_error":
                return None  # something answered, but not Redfish
            raise
        finally:
            await transport.close()
        root = answer.document
        if root is None or not text(root.get("RedfishVersion")):
            return None
        firmware = {"Redfish": text(root.get("RedfishVersion")) or ""}
        return DeviceIdentity(vendor=text(root.get("Vendor")), model=text(root.get("Product")), firmware=firmware)


class RedfishFacilityDriver(RedfishDriver):
    """Facility equipment with a Redfish service: coolant distribution units (``cooling``), rack and floor PDUs,
    power shelves and transfer switches (``ups``: the power chain), polled exactly like a BMC.

    A driver of its own so that the ``redfish`` driver keeps serving one kind: ``dcmaint health --target
    redfish://...`` needs no ``--kind`` for a server. It declares no URL scheme (those are the ``redfish``
    driver's); devices name it in the register (``--driver redfish-facility``). ``--target`` polls the same
    equipment through the ``redfish`` driver, reported as kind ``server``.
    """

    name = "redfish-facility"
    kinds = (DeviceKind.COOLING, DeviceKind.UPS)
    schemes = ()
    #: The filters of CDUs (``facility``), and the sensors, firmware and inventory of both kinds;
    #: ThermalEquipment and PowerEquipment services keep no event log the driver reads.
    features = ("archive", "facility", "firmware", "sensors")

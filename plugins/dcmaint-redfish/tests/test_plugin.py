"""The plugin as dcmaint sees it: found through its entry point, cheap to import, options and endpoints documented."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

import dcmaint_redfish
from dcmaint.drivers import ErrorKind
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.options import InvalidOptions, RedfishOptions, parse_endpoint


def test_the_entry_point_names_the_plugin_module() -> None:
    [found] = [point for point in entry_points(group="dcmaint.drivers") if point.name == "redfish"]
    assert found.value == "dcmaint_redfish"
    assert found.dist is not None and found.dist.name == "dcmaint-redfish"


def test_dcmaint_registers_the_driver(driver_manager: object) -> None:
    driver_manager.register_plugin(dcmaint_redfish)  # type: ignore[attr-defined]
    drivers = {driver.name: driver for driver in driver_manager.drivers()}  # type: ignore[attr-defined]
    assert drivers["redfish"].driver_class is RedfishDriver
    assert RedfishDriver.capabilities() == ("probe", "poll")
    # every endpoint form docs/health.md shows for --target reaches this driver, through its declaration
    assert driver_manager.for_scheme("redfish+http") is drivers["redfish"]  # type: ignore[attr-defined]
    assert {"redfish", "redfish+http", "https", "http"} <= set(drivers["redfish"].schemes)


def test_importing_the_plugin_loads_no_network_library() -> None:
    heavy = (
        "aiohttp",
        "redfish",
        "yarl",
        "ssl",
        "dcmaint_redfish.driver",
        "dcmaint_redfish.transport",
        "dcmaint_redfish.crawl",
        "dcmaint_redfish.parse",
    )
    code = (
        "import sys, dcmaint.drivers; before = set(sys.modules); import dcmaint_redfish; "
        f"print(sorted(m for m in set(sys.modules) - before if m.startswith({heavy!r})))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("redfish://10.0.0.5", "https://10.0.0.5"),
        ("redfish://bmc-01.example:8443", "https://bmc-01.example:8443"),
        ("redfish+http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://10.0.0.5/redfish/v1", "https://10.0.0.5"),
        ("http://[fd00::5]:80", "http://[fd00::5]:80"),
        ("REDFISH://10.0.0.5", "https://10.0.0.5"),
    ],
)
def test_endpoint_forms(endpoint: str, url: str) -> None:
    assert parse_endpoint(endpoint).base_url == url


def test_option_defaults_follow_the_device_deadline() -> None:
    options = RedfishOptions.from_target({}, 6.0)
    assert (options.auth, options.concurrency, options.expand, options.log_entries) == ("auto", 4, True, 20)
    assert (options.connect_timeout, options.read_timeout) == (2.0, 4.5)
    assert RedfishOptions.from_target({}, 120.0).read_timeout == 30.0
    chosen = RedfishOptions.from_target(
        {
            "auth": "Basic",
            "concurrency": "2",
            "expand": "off",
            "log_entries": "0",
            "vendor": "HPE",
            "check_hostname": "no",
        },
        60.0,
    )
    assert (
        chosen.auth,
        chosen.concurrency,
        chosen.expand,
        chosen.log_entries,
        chosen.vendor,
        chosen.check_hostname,
    ) == ("basic", 2, False, 0, "hpe", False)


def test_a_bad_option_is_not_configured() -> None:
    with pytest.raises(InvalidOptions) as raised:
        RedfishOptions.from_target({"log_entries": "1e9"}, 60.0)
    assert raised.value.kind is ErrorKind.NOT_CONFIGURED and "log_entries" in str(raised.value)

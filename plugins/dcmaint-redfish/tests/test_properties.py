"""Whatever JSON a BMC sends, the driver returns a report or a contract error; it never crashes the run.

Two levels: the pure parser fed random documents and random shapes at the
standard paths (a JSON object anywhere must still give a report: the parser
reads defensively, it does not lean on its last-resort guard), and the whole
driver fed random documents and raw bodies through a fake BMC over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import rf_trees as trees
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rf_fakebmc import FakeBmc

from dcmaint.drivers import DeviceReport, DriverError, ProtocolError, Target
from dcmaint.secrets import Secret
from dcmaint.testing import report_problems
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.parse import parse_report

PATHS = sorted(trees.server())
KEYS = sorted(
    {key for document in trees.server().values() for key in document}
    | {"Status", "Health", "State", "Members", "@odata.id", "Location", "Oem"}
)

scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=12)
links = st.builds(lambda path: {"@odata.id": path}, st.sampled_from(PATHS) | st.text(max_size=20))
json_values = st.recursive(
    scalars | links,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values, max_size=8)


def mutate(tree: dict[str, Any], draw: Any) -> dict[str, Any]:
    """Replace whole documents, or single properties inside them, at standard paths."""
    for _ in range(draw(st.integers(1, 6))):
        path = draw(st.sampled_from(PATHS))
        if draw(st.booleans()):
            tree[path] = draw(documents)
        elif isinstance(tree.get(path), dict):
            key = draw(st.sampled_from(sorted(tree[path]) or ["Status"]))
            tree[path][key] = draw(json_values)
    return tree


@st.composite
def mutated_trees(draw: Any) -> dict[str, Any]:
    return mutate(trees.faulty(), draw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_trees())
def test_any_json_objects_at_standard_paths_give_a_conforming_report(tree: dict[str, Any]) -> None:
    if not isinstance(tree.get("/redfish/v1"), dict) or not tree["/redfish/v1"]:
        return
    report = parse_report(tree)
    assert isinstance(report, DeviceReport)
    assert report_problems(report) == []


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(PATHS) | st.text(max_size=10), json_values, max_size=8))
def test_any_json_values_give_a_report_or_a_protocol_error(resources: dict[str, Any]) -> None:
    try:
        report = parse_report(resources)
    except ProtocolError:
        return
    assert report_problems(report) == []


@pytest.fixture(scope="module")
def shared_bmc() -> Iterator[FakeBmc]:
    with FakeBmc(trees.faulty()) as bmc:
        yield bmc


def poll(bmc: FakeBmc) -> Any:
    target = Target("bmc-1", "server", bmc.endpoint, username="admin", credential=Secret("secret"), timeout=10.0)
    try:
        return asyncio.run(RedfishDriver().poll(target))
    except DriverError as error:
        return error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_through_http_any_document_gives_a_report_or_a_contract_error(shared_bmc: FakeBmc, data: Any) -> None:
    tree = mutate(trees.faulty(), data.draw)
    shared_bmc.resources = {path: document for path, document in tree.items() if isinstance(document, dict)}
    shared_bmc.faults.clear()
    if data.draw(st.booleans()):
        body = data.draw(st.binary(max_size=40) | st.builds(lambda v: json.dumps(v).encode(), json_values))
        shared_bmc.fail(data.draw(st.sampled_from(PATHS)), body=body)
    outcome = poll(shared_bmc)
    if isinstance(outcome, DeviceReport):
        assert report_problems(outcome) == []
    else:
        assert isinstance(outcome, DriverError)
    assert shared_bmc.open_sessions == 0

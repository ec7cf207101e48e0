"""A CRAC's worn humidifier cylinder and clogged filter meet the catalogue: the classes agree, and match.

The SNMP profiles report the cylinder as ComponentKind ``humidifier``; the depot offers a spare of the same
class when the slot reports no number, and the exact part when ``--option humidifier_part=`` gives one.
"""

from __future__ import annotations

import tomllib
from datetime import date

from dcmaint.domain.matching import Fit, SlotIdentity, SlotParts, Spare, fit_of
from dcmaint.domain.parts import to_part
from dcmaint.drivers import ComponentKind, Health
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.catalogue import bundled_catalogue
from dcmaint_snmp.profiles import by_name
from dcmaint_snmp.profiles.cooling import liebert


def facility_parts() -> dict[str, dict]:
    data = tomllib.loads((bundled_catalogue() / "facility.toml").read_text(encoding="utf-8"))
    return {entry["part_number"]: entry for entry in data["part"]}


def test_catalogue_classes_are_the_component_kinds_the_profiles_report():
    parts = facility_parts()
    assert parts["BL0S3F00H2"]["class"] == ComponentKind.HUMIDIFIER.value
    assert to_part(parts["BL0S3F00H2"]).part_class == ComponentKind.HUMIDIFIER.value
    assert to_part(parts["FLT-G4-595x495x46"]).part_class == ComponentKind.FILTER.value


def _slot(component) -> SlotIdentity:
    part = component.part
    return SlotIdentity(
        "site1",
        "crac1",
        component.kind.value,
        component.location,
        component.health.value,
        part.part_number,
        part.spare_part_number,
        part.serial,
    )


def _spare(number: str, part_class: str) -> Spare:
    return Spare(
        number + "-0001", number, 7, number, part_class, "site1", "B1", "new", "in_stock", None, date(2026, 1, 5)
    )


def _worn_cylinder(options: dict[str, str]):
    report = by_name("crac-liebert").parse(liebert.SAMPLE.build(parse_faults("humidifier")), options)
    component = next(c for c in report.components if c.kind is ComponentKind.HUMIDIFIER)
    assert component.health is Health.WARNING
    return component


def test_worn_cylinder_without_a_number_is_offered_the_cylinder_by_class():
    part_class = to_part(facility_parts()["BL0S3F00H2"]).part_class
    slot = _slot(_worn_cylinder({}))
    known = SlotParts({}, {}, {})
    assert fit_of(slot, known, _spare("BL0S3F00H2", part_class)) == (Fit.UNCHECKED, None)
    assert fit_of(slot, known, _spare("FLT-G4-595x495x46", "filter")) is None


def test_worn_cylinder_with_the_option_is_offered_the_exact_part():
    slot = _slot(_worn_cylinder({"humidifier_part": "BL0S3F00H2"}))
    assert fit_of(slot, SlotParts({}, {}, {}), _spare("BL0S3F00H2", "humidifier")) == (Fit.EXACT, None)

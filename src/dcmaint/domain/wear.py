"""Which recorded fault says a consumable is worn, and so brings its preventive task forward.

A fault as ``health --record`` stores it has the device's kind, the fault's
kind (a part's kind such as ``filter``, ``humidifier`` or ``battery``, or
``alarm`` / ``sensor`` for what names no part) and the device's own words
(the reason). The rule, one row of :data:`RULES` per task type:

- the device is of a kind the row names (a server's CMOS battery at end of
  life is no UPS battery);
- the fault is about the part itself (its kind is one of ``parts``), or it is
  an alarm or a sensor whose words name the part (one of ``subjects``);
- and its words say the part is worn (one of ``wear``): clogged, dirty,
  change, replace, end of life, rated hours, a failed battery test; in
  English or Chinese, any case.

What the in-tree drivers say, for reference: the SNMP CRAC profiles report the
filter (kind ``filter``) with "Air Filter Clogged", "Clogged air filter",
"Change air filter" or "空调过滤网堵塞告警", the humidifier (kind
``humidifier``) with "Humidifier Cylinder Worn" or "加湿罐寿命到期，请更换";
the UPS profiles report the battery (kind ``battery``) with "Replace battery"
and a failed self-test as an alarm "Self-test failed". A "Low water in
humidifier" or a "Battery charger failed" alarm wears nothing out and matches
no row.

>>> worn_task("cooling", "filter", "Air Filter Clogged")
'crac-filter'
>>> worn_task("cooling", "alarm", "过滤网运行时间到期") , worn_task("ups", "alarm", "Self-test failed")
('crac-filter', 'ups-battery-replacement')
>>> worn_task("server", "battery", "end of life") is None, worn_task("cooling", "humidifier", "Low water") is None
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

PART_FREE_KINDS = frozenset({"alarm", "sensor"})  # faults that name no part: their words must name it


@dataclass(frozen=True)
class WearRule:
    task_type: str
    device_kinds: frozenset[str]
    parts: frozenset[str]  # fault kinds that are the worn part itself
    subjects: tuple[str, ...]  # words an alarm or sensor uses for the part
    wear: tuple[str, ...]  # words that say it is worn


RULES: tuple[WearRule, ...] = (
    WearRule(
        "crac-filter",
        frozenset({"cooling"}),
        frozenset({"filter"}),
        ("filter", "过滤网", "滤网", "过滤器"),
        (
            "clog",
            "dirty",
            "blocked",
            "change",
            "replace",
            "rated hours",
            "run hours",
            "running hours",
            "service hours",
            "堵",
            "脏",
            "更换",
            "寿命",
            "到期",
            "运行时间",
        ),
    ),
    WearRule(
        "humidifier-cylinder",
        frozenset({"cooling"}),
        frozenset({"humidifier"}),
        ("humidifier", "cylinder", "加湿"),
        ("worn", "end of life", "end-of-life", "exhausted", "replace", "change", "寿命", "更换", "到期", "耗尽"),
    ),
    WearRule(
        "ups-battery-replacement",
        frozenset({"ups"}),
        frozenset({"battery"}),
        ("battery", "self-test", "self test", "电池", "自检"),
        (
            "replace",
            "end of life",
            "end-of-life",
            "eol",
            "test failed",
            "test fail",
            "needs replacing",
            "更换",
            "寿命",
            "自检失败",
            "测试失败",
            "到期",
        ),
    ),
)


def _says(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def worn_task(device_kind: str, fault_kind: str, reason: str | None) -> str | None:
    """The task type a fault brings forward, or None (see the module's docstring for the rule)."""
    text = (reason or "").lower()
    for rule in RULES:
        if device_kind not in rule.device_kinds or not _says(text, rule.wear):
            continue
        if fault_kind in rule.parts or (fault_kind in PART_FREE_KINDS and _says(text, rule.subjects)):
            return rule.task_type
    return None

"""`dcmaint pm` on both backends: tasks applied to the register, done with consumables from the site's depot,
sites' own intervals, and a recorded worn-part fault bringing its task forward (docs/maintenance.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.drivers import Component, DeviceIdentity, DeviceReport, Health, PartIdentity
from dcmaint.drivers.result import PollResult
from dcmaint.services.context import Context
from dcmaint.services.health import HealthRun
from dcmaint.services.recording import record_run
from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse
from tests.helpers import audit, counts

FILTER = "FLT-G4-595x495x46"
CATALOGUE = """
[[part]]
part_number = "FLT-G4-595x495x46"
description = "Panel pre-filter G4, 595 x 495 x 46 mm"
class = "filter"
consumable = true

[[part]]
part_number = "FLT-F5-595x495x46"
description = "Panel filter F5, 595 x 495 x 46 mm"
class = "filter"
consumable = true

[[part]]
part_number = "BL0S3F00H2"
description = "Humidifier cylinder"
class = "humidifier"
consumable = true
"""
CRAC = "hq/crac01/crac-filter"


def _filters(db_url: str, site: str = "hq") -> int:
    with open_reader(parse(db_url)) as reader:
        row = reader.one(
            "SELECT coalesce(sum(u.quantity), 0) AS n FROM stock_units u JOIN sites s ON s.id = u.site_id "
            "WHERE u.part_number = :part AND s.name = :site AND u.status = 'in_stock'",
            {"part": FILTER, "site": site},
        )
    assert row is not None
    return int(row["n"])


@pytest.fixture
def room(cli, tmp_path):
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("site", "add", "dr", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    cli.ok("device", "add", "crac01", "--site", "hq", "--kind", "cooling")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "3", "--bin", "A1")
    cli.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "2", "--bin", "A2")
    cli.ok("spare", "add", "--site", "dr", "--part", FILTER, "--quantity", "10")
    return cli


def _tasks(cli, *args: str) -> dict[str, dict]:
    return {line["task"]: line for line in cli.ok("pm", "list", *args, "-f", "json").json()}


def test_every_covered_device_and_site_has_its_tasks_also_when_registered_later(room):
    tasks = _tasks(room)
    assert {CRAC, "hq/crac01/humidifier-cylinder", "hq/srv01/dust-removal", "hq/room-cleaning", "dr/room-cleaning"} == (
        set(tasks)
    )
    crac = tasks[CRAC]
    assert crac["last_done"] is None and crac["every"] == "3mo" and crac["consumables"] == ["4 x FLT-G4-595x495x46"]
    registered = datetime.fromisoformat(crac["next_due"])
    assert timedelta(days=88) < registered - datetime.now(UTC) <= timedelta(days=92)  # 3 months after registering
    room.ok("device", "add", "ups01", "--site", "dr", "--kind", "ups")
    room.ok("device", "add", "srv09", "--site", "dr", "--kind", "server", "--not-covered")
    later = _tasks(room, "--site", "dr")
    assert set(later) == {"dr/room-cleaning", "dr/ups01/ups-battery-check", "dr/ups01/ups-battery-replacement"}
    assert set(_tasks(room, "--device", "srv01")) == {"hq/srv01/dust-removal"}


def test_done_moves_the_due_date_and_takes_the_consumables_from_the_site_s_depot(room, db_url):
    result = room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2026-11-30T10:00", "--note", "换了4片")
    assert "next due 2027-02-28" in result.out and "4 x FLT-G4-595x495x46" in result.out
    assert _filters(db_url) == 1 and _filters(db_url, "dr") == 10  # only the site's own depot
    task = _tasks(room)[CRAC]
    assert task["last_done"] == "2026-11-30T02:00:00+00:00"
    assert task["next_due"] == "2027-02-28T02:00:00+00:00"  # 3 calendar months, in UTC
    entries = [(e.entity, e.entity_key, e.action) for e in audit(db_url)][-3:]
    assert entries == [
        ("spare", "hq/FLT-G4-595x495x46/A1", "consume"),
        ("spare", "hq/FLT-G4-595x495x46/A2", "consume"),
        ("pm-task", CRAC, "done"),
    ]
    assert audit(db_url)[-3].before["quantity"] == 3 and audit(db_url)[-3].after["quantity"] == 0
    later = room.ok("pm", "done", "hq/srv01/dust-removal", "--by", "张伟", "-f", "json").json()
    assert later["consumed"] == [] and later["engineer"] == "张伟"
    assert room.ok("db", "check", "-f", "json").json()["ok"] is True  # the audit chain holds


def test_an_engineer_who_left_cannot_record_work(room, db_url):
    room.ok("staff", "edit", "张伟", "--inactive")
    before = counts(db_url)
    result = room("pm", "done", CRAC, "--by", "张伟")
    assert result.code == 2 and result.err.strip() == "dcmaint: error: staff member '张伟' is no longer active"
    assert counts(db_url) == before


def test_not_enough_stock_records_nothing(room, db_url):
    room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2026-10-01")  # 5 -> 1
    before = counts(db_url)
    result = room("pm", "done", CRAC, "--by", "张伟")
    assert result.code == 2
    assert result.err.strip() == (
        "dcmaint: error: not enough FLT-G4-595x495x46 at site hq: the task takes 4, the depot holds 1"
    )
    assert counts(db_url) == before and _filters(db_url) == 1
    assert _tasks(room)[CRAC]["last_done"] == "2026-09-30T16:00:00+00:00"


def test_a_device_option_names_the_filter_it_takes(room, db_url):
    room.ok("device", "edit", "crac01", "--option", "filter_part=FLT-F5-595x495x46")
    assert _tasks(room)[CRAC]["consumables"] == ["4 x FLT-F5-595x495x46"]
    result = room("pm", "done", CRAC, "--by", "张伟")
    assert result.code == 2 and "not enough FLT-F5-595x495x46" in result.err and _filters(db_url) == 5


def test_a_site_s_own_interval(room, db_url):
    assert "every 2mo" in room.ok("pm", "task", "interval", "crac-filter", "--site", "hq", "--every", "2mo").out
    room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2026-11-30")
    assert _tasks(room)[CRAC]["next_due"] == "2027-01-29T16:00:00+00:00"  # 30 Jan, Beijing time
    types = {t["task_type"]: t for t in room.ok("pm", "task", "list", "--site", "hq", "-f", "json").json()}
    assert types["crac-filter"]["every"] == "2mo" and types["crac-filter"]["overridden"] is True
    assert types["crac-filter"]["default_every"] == "3mo" and types["dust-removal"]["overridden"] is False
    other = {t["task_type"]: t for t in room.ok("pm", "task", "list", "--site", "dr", "-f", "json").json()}
    assert other["crac-filter"]["every"] == "3mo"
    room.ok("pm", "task", "interval", "crac-filter", "--site", "hq", "--default")
    assert _tasks(room)[CRAC]["next_due"] == "2027-02-28T16:00:00+00:00"
    assert [e.action for e in audit(db_url) if e.entity == "pm-interval"] == ["set", "reset"]


def test_due_lists_what_falls_due_and_exits_1_when_one_is_overdue(room):
    assert room("pm", "due").code == 0 and room.ok("pm", "due", "-f", "json").json() == []
    room.ok("pm", "done", "hq/srv01/dust-removal", "--by", "张伟", "--at", "2025-01-02")
    result = room("pm", "due", "--site", "hq", "-f", "json")
    assert result.code == 1
    assert [(t["task"], t["state"]) for t in result.json()] == [("hq/srv01/dust-removal", "overdue")]
    assert room("pm", "due", "--site", "dr").code == 0
    soon = room("pm", "due", "--within", "100d", "-f", "csv")
    assert soon.code == 1 and "hq/crac01/crac-filter" in soon.out and "hq/room-cleaning" in soon.out
    table = room("pm", "due", "--site", "hq")
    assert table.code == 1 and "hq/srv01/dust-removal" in table.out


def _crac_run(reason: str, kind: str = "filter", at: datetime | None = None) -> HealthRun:
    at = at or datetime.now(UTC)
    report = DeviceReport(
        DeviceIdentity(vendor="Vertiv", model="Liebert PEX", serial="CR1"),
        components=[
            Component(
                kind,
                "Air filter" if kind == "filter" else "Humidifier",
                Health.WARNING,
                reason=reason,
                part=PartIdentity(part_number=FILTER if kind == "filter" else None),
            ),
            Component("fan", "Fan 1", Health.OK),
        ],
    )
    return HealthRun((PollResult.success("crac01", "snmp", report, 0.1, at, site="hq"),), at, at)


def test_a_recorded_worn_filter_fault_brings_the_task_forward(room, db_url):
    context = Context(parse(db_url), "collector", "health")
    room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2026-11-01")
    assert room("pm", "due").code == 0
    seen = datetime.now(UTC) - timedelta(minutes=1)
    record_run(context, _crac_run("Air Filter Clogged", at=seen), open_tickets=False)
    result = room("pm", "due", "-f", "json")
    assert result.code == 1
    (task,) = result.json()
    assert task["task"] == CRAC and task["state"] == "overdue" and task["forward_reason"] == "Air Filter Clogged"
    assert datetime.fromisoformat(task["next_due"]) == seen
    with open_reader(parse(db_url)) as reader:
        fault = reader.one("SELECT id FROM faults WHERE kind = 'filter'")
    assert fault is not None and task["forward_fault"] == fault["id"]
    assert f"by fault {fault['id']}: Air Filter Clogged" in room("pm", "due").out
    assert ("pm-task", CRAC, "brought-forward") in [(e.entity, e.entity_key, e.action) for e in audit(db_url)]
    # the same fault seen again changes nothing; the filter changed puts the task back on its interval
    record_run(context, _crac_run("Air Filter Clogged", at=seen + timedelta(seconds=30)), open_tickets=False)
    assert [e.action for e in audit(db_url)].count("brought-forward") == 1
    room.ok("spare", "add", "--site", "hq", "--part", FILTER, "--quantity", "4", "--bin", "A1")
    room.ok("pm", "done", CRAC, "--by", "张伟")
    assert room("pm", "due").code == 0
    assert _tasks(room)[CRAC]["forward_fault"] is None


def test_a_fault_that_wears_nothing_out_brings_nothing_forward(room, db_url):
    context = Context(parse(db_url), "collector", "health")
    record_run(context, _crac_run("Low water in humidifier", kind="humidifier"), open_tickets=False)
    assert room("pm", "due").code == 0
    assert counts(db_url)["pm_tasks"] == 0
    record_run(context, _crac_run("Humidifier Cylinder Worn", kind="humidifier"), open_tickets=False)
    tasks = room("pm", "due", "-f", "json").json()
    assert [t["task"] for t in tasks] == ["hq/crac01/humidifier-cylinder"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("pm", "done", "hq/crac01/nothing", "--by", "张伟"), "unknown task type 'nothing'"),
        (("pm", "done", "hq/crac99/crac-filter", "--by", "张伟"), "unknown device 'crac99'"),
        (("pm", "done", "nowhere/room-cleaning", "--by", "张伟"), "unknown site 'nowhere'"),
        (("pm", "done", "hq/srv01/crac-filter", "--by", "张伟"), "crac-filter applies to cooling"),
        (("pm", "done", "hq/crac-filter", "--by", "张伟"), "give SITE/DEVICE/crac-filter"),
        (("pm", "done", "crac-filter", "--by", "张伟"), "invalid task 'crac-filter'"),
        (("pm", "done", CRAC, "--by", "李四"), "unknown staff member '李四'"),
        (("pm", "done", CRAC, "--by", "张伟", "--at", "2099-01-01"), "--at '2099-01-01' is in the future"),
        (("pm", "done", CRAC, "--by", "张伟", "--at", "yesterday"), "invalid --at 'yesterday'"),
        (("pm", "done", "hq/crac01\x1b[2J/crac-filter", "--by", "张伟"), "control character"),
        (("pm", "due", "--within", "0d"), "invalid --within '0d'"),
        (("pm", "due", "--within", "2w"), "invalid duration '2w'"),
        (("pm", "due", "--site", "nowhere"), "unknown site 'nowhere'"),
        (("pm", "list", "--device", "crac99"), "unknown device 'crac99'"),
        (("pm", "task", "interval", "crac-filter", "--site", "hq", "--every", "0mo"), "invalid --every '0mo'"),
        (("pm", "task", "interval", "crac-filter", "--site", "hq", "--every", "3m"), "invalid --every '3m'"),
        (("pm", "task", "interval", "crac-filter", "--site", "hq"), "give either --every or --default"),
        (("pm", "task", "interval", "crac-filter", "--site", "hq", "--every", "2mo", "--default"), "either"),
        (("pm", "task", "interval", "filters", "--site", "hq", "--every", "2mo"), "unknown task type 'filters'"),
        (("pm", "task", "interval", "crac-filter", "--site", "nowhere", "--every", "2mo"), "unknown site"),
        (("pm", "task", "list", "--site", "nowhere"), "unknown site 'nowhere'"),
        (("pm", "history", "--site", "nowhere"), "unknown site 'nowhere'"),
        (("pm", "history", "--device", "crac99"), "unknown device 'crac99'"),
        (("pm", "history", "--from", "last week"), "invalid --from 'last week'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(room, db_url, args, words):
    before = counts(db_url)
    result = room(*args)
    assert result.code == 2, result.err
    assert words in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_done_before_the_previous_completion_is_refused(room, db_url):
    room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2026-11-01")
    before = counts(db_url)
    result = room("pm", "done", CRAC, "--by", "张伟", "--at", "2026-10-01")
    assert result.code == 2 and "before the task's previous completion (2026-11-01T00:00+08:00)" in result.err
    assert counts(db_url) == before and _filters(db_url) == 1


def test_history_says_who_did_what_when_and_whether_on_time(room):
    room.ok("pm", "done", "hq/srv01/dust-removal", "--by", "张伟", "--at", "2025-01-10")  # never done: on time
    room.ok("pm", "done", "hq/srv01/dust-removal", "--by", "张伟", "--at", "2025-09-01", "--note", "晚了")  # due 07-10
    room.ok("pm", "done", CRAC, "--by", "张伟", "--at", "2025-09-02")
    lines = room.ok("pm", "history", "--site", "hq", "-f", "json").json()
    assert [(line["task"], line["on_time"], line["consumed"]) for line in lines] == [
        ("hq/srv01/dust-removal", True, []),
        ("hq/srv01/dust-removal", False, []),
        (CRAC, True, ["4 x FLT-G4-595x495x46"]),
    ]
    assert lines[1]["due_at"] == "2025-07-09T16:00:00+00:00" and lines[1]["note"] == "晚了"
    window = ("--from", "2025-09-01", "--to", "2025-10-01")
    september = room.ok("pm", "history", *window, "--device", "crac01", "-f", "csv")
    assert september.out.splitlines()[1].startswith(f"{CRAC},hq,crac01,crac-filter,2025-09-01T16:00:00+00:00,张伟,")
    assert room.ok("pm", "history", "--site", "dr", "-f", "json").json() == []
    assert "hq/srv01/dust-removal" in room.ok("pm", "history").out


def test_a_worn_part_seen_before_the_work_recorded_since_brings_nothing_forward(room, db_url):
    context = Context(parse(db_url), "collector", "health")
    room.ok("pm", "done", CRAC, "--by", "张伟")
    seen = datetime.now(UTC) - timedelta(hours=1)  # a collector's poll from before the filter was changed
    record_run(context, _crac_run("Air Filter Clogged", at=seen), open_tickets=False)
    assert room("pm", "due").code == 0 and _tasks(room)[CRAC]["forward_fault"] is None

"""`dcmaint change` on both backends: the approval gate, the state machine, and the next poll confirming the
version (docs/changes.md)."""

from __future__ import annotations

import pytest

from tests.helpers import audit, counts
from tests.scenario import report

CATALOGUE = """
vendor = "HPE"

[[release]]
models = ["ProLiant DL380 Gen10"]
component = "iLO 5"
version = "3.08"
released = 2024-09-24
severity = "critical"
fixes = [{ id = "CVE-2024-22433", summary = "iLO 5: remote denial of service" }]
"""
WINDOW = ("--window-start", "2026-12-20T22:00", "--window-end", "2026-12-21T02:00")


def _ilo(version: str) -> dict:
    answer = report()
    answer["identity"]["firmware"] = {"iLO 5": version, "System ROM": "U30 v2.80"}
    return answer


@pytest.fixture
def desk(cli, scenario, tmp_path):
    (tmp_path / "hpe.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("advisory", "import", str(tmp_path / "hpe.toml"))
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    for name in ("srv01", "srv02"):
        cli.ok("device", "add", name, "--site", "hq", "--kind", "server", "--endpoint", f"scenario://{name}")
        scenario(name, _ilo("2.72"))
    cli.ok("health", "--record")
    return cli, scenario


def _request(cli, *extra: str) -> dict:
    return cli.ok(
        "change", "request", "--device", "srv01", "--device", "srv02", "--component", "iLO 5",
        "--evaluation", "在测试机验证通过", "--risk", "medium", *WINDOW,
        "--rollback-plan", "回退到 2.72", "--by", "张伟", "-f", "json", *extra,
    ).json()  # fmt: skip


def test_a_request_takes_the_advisory_s_release_and_the_installed_versions(desk, db_url):
    cli, _scenario = desk
    change = _request(cli)
    assert change["change"] == "CR-1" and change["state"] == "requested" and change["target_version"] == "3.08"
    assert change["advisory"] == "HPE iLO 5 3.08" and change["devices"] == ["srv01", "srv02"]
    assert [d["version_before"] for d in change["seen"]] == ["2.72", "2.72"]
    assert change["window_start"] == "2026-12-20T14:00:00+00:00"  # the site's time (Asia/Shanghai), in UTC
    assert [(e.entity, e.entity_key, e.action) for e in audit(db_url)][-1] == ("change", "CR-1", "request")


def test_implement_before_approval_is_refused_and_changes_nothing(desk, db_url):
    cli, _scenario = desk
    _request(cli)
    before, chain = counts(db_url), audit(db_url)
    result = cli("change", "implement", "CR-1", "--by", "张伟")
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == (
        "dcmaint: error: change CR-1 cannot be implemented before the customer's approval is recorded "
        "(it is requested; allowed: approve, reject)"
    )
    assert counts(db_url) == before and audit(db_url) == chain
    assert cli.ok("change", "show", "CR-1", "-f", "json").json()["state"] == "requested"


def test_a_rejected_change_cannot_be_implemented(desk, db_url):
    cli, _scenario = desk
    _request(cli)
    cli.ok("change", "reject", "CR-1", "--by", "王工", "--reason", "年底封网")
    before, chain = counts(db_url), audit(db_url)
    result = cli("change", "implement", "1", "--by", "张伟")
    assert result.code == 2 and "change CR-1 is rejected: implement is not allowed (allowed: none)" in result.err
    assert counts(db_url) == before and audit(db_url) == chain
    shown = cli.ok("change", "show", "CR-1", "-f", "json").json()
    assert shown["rejected_by"] == "王工" and shown["reject_reason"] == "年底封网"


def test_approved_implemented_and_confirmed_by_the_next_poll(desk, db_url):
    cli, scenario = desk
    _request(cli)
    approved = cli.ok("change", "approve", "CR-1", "--by", "王工", "--reference", "BG-2026-118", "-f", "json").json()
    assert approved["state"] == "approved" and approved["approval_reference"] == "BG-2026-118"
    assert cli.ok("change", "implement", "CR-1", "--by", "张伟").out.strip() == "CR-1: implemented"
    scenario("srv01", _ilo("3.08"))  # srv02 not upgraded yet
    cli.ok("health", "--record")
    shown = cli.ok("change", "show", "CR-1", "-f", "json").json()
    assert shown["state"] == "implemented"
    assert [(d["device"], d["version_seen"], d["confirmed_at"] is not None) for d in shown["seen"]] == [
        ("srv01", "3.08", True),
        ("srv02", "2.72", False),
    ]
    scenario("srv02", _ilo("3.08"))
    cli.ok("archive", "snapshot", "srv02")
    shown = cli.ok("change", "show", "CR-1", "-f", "json").json()
    assert shown["state"] == "confirmed" and shown["confirmed_at"]
    assert [e.action for e in audit(db_url) if e.entity == "change"] == ["request", "approve", "implement", "confirm"]
    assert cli("advisory", "list").code == 0  # the advisory is gone with the upgrade
    rolled = cli.ok("change", "rollback", "CR-1", "--reason", "管理口异常", "-f", "json").json()
    assert rolled["state"] == "rolled_back" and rolled["rollback_reason"] == "管理口异常"
    listed = cli.ok("change", "list", "--state", "rolled_back", "-f", "json").json()
    assert [c["change"] for c in listed] == ["CR-1"]
    assert cli.ok("change", "list", "--device", "srv01", "--site", "hq", "-f", "json").json()[0]["change"] == "CR-1"
    assert cli.ok("db", "check", "-f", "json").json()["ok"] is True


def test_implement_verify_polls_now(desk):
    cli, scenario = desk
    _request(cli, "--version", "3.08")
    cli.ok("change", "approve", "CR-1", "--by", "王工", "--reference", "BG-1")
    scenario("srv01", _ilo("3.08"))
    scenario("srv02", _ilo("3.08"))
    result = cli.ok("change", "implement", "CR-1", "--by", "张伟", "--verify")
    assert "CR-1: confirmed" in result.out and "srv02: iLO 5 3.08" in result.out


def test_implement_verify_leaves_it_implemented_with_the_version_seen(desk):
    cli, scenario = desk
    _request(cli)
    cli.ok("change", "approve", "CR-1", "--by", "王工", "--reference", "BG-1")
    scenario("srv01", _ilo("3.08"))
    result = cli("change", "implement", "CR-1", "--by", "张伟", "--verify", "-f", "json")
    assert result.code == 1  # not confirmed yet: a script notices
    done = result.json()
    assert done["state"] == "implemented"
    assert {d["device"]: d["version_seen"] for d in done["seen"]} == {"srv01": "3.08", "srv02": "2.72"}


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--window-end", "2026-12-20T21:00"], "--window-end"),
        (["--device", "ghost"], "'ghost'"),
        (["--by", "nobody"], "'nobody'"),
        (["--component", "BIOS"], "give --version"),
    ],
)
def test_a_bad_request_is_one_line_and_writes_nothing(desk, db_url, argv, named):
    cli, _scenario = desk
    base = {
        "--device": "srv01", "--component": "iLO 5", "--evaluation": "ok", "--risk": "low",
        "--window-start": "2026-12-20T22:00", "--window-end": "2026-12-21T02:00", "--rollback-plan": "回退",
        "--by": "张伟",
    }  # fmt: skip
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    before, chain = counts(db_url), audit(db_url)
    result = cli("change", "request", *[x for pair in base.items() for x in pair])
    assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert counts(db_url) == before and audit(db_url) == chain


def test_an_approval_dated_in_the_future_or_an_unknown_change_is_refused(desk, db_url):
    cli, _scenario = desk
    _request(cli)
    before, chain = counts(db_url), audit(db_url)
    future = cli("change", "approve", "CR-1", "--by", "王工", "--reference", "R", "--at", "2099-01-01")
    assert future.code == 2 and "'2099-01-01' is in the future" in future.err
    unknown = cli("change", "approve", "CR-9", "--by", "王工", "--reference", "R")
    assert unknown.code == 2 and "unknown change CR-9" in unknown.err
    bad = cli("change", "show", "change-one")
    assert bad.code == 2 and "'change-one'" in bad.err
    assert counts(db_url) == before and audit(db_url) == chain


def test_the_release_linked_is_for_the_devices_vendor(cli, scenario, tmp_path):
    other = CATALOGUE.replace('vendor = "HPE"', 'vendor = "Inspur"').replace("ProLiant DL380 Gen10", "NF5280M6")
    (tmp_path / "inspur.toml").write_text(other, encoding="utf-8")
    (tmp_path / "hpe.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("advisory", "import", str(tmp_path / "inspur.toml"))  # the same component name and version, first
    cli.ok("advisory", "import", str(tmp_path / "hpe.toml"))
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", "scenario://srv01")
    scenario("srv01", _ilo("2.72"))
    cli.ok("health", "--record")
    listed = cli("advisory", "list", "--format", "json")
    assert listed.code == 1 and [line["release"] for line in listed.json()] == ["3.08"]
    change = cli.ok(
        "change", "request", "--device", "srv01", "--component", "ilo 5", "--evaluation", "ok", "--risk", "low",
        *WINDOW, "--rollback-plan", "回退", "--by", "张伟", "-f", "json",
    ).json()  # fmt: skip
    assert change["advisory"] == "HPE iLO 5 3.08" and change["target_version"] == "3.08"

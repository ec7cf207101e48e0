"""A password written into a URL is refused at every entry, never stored, audited or echoed; `db check` finds
one stored before the refusal (issue 11, "Secrets"; docs/configuration.md, docs/database.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dcmaint.domain.records import AuditEntry
from dcmaint.errors import UsageError
from dcmaint.secrets import MASK, redact, redact_url, url_password
from tests.helpers import audit, counts

PASSWORD = "Hunter2-xyz"

#: (URL as typed, as every message must show it)
REFUSED = [
    (f"redfish://admin:{PASSWORD}@10.0.0.5", "redfish://admin:********@10.0.0.5"),
    (f"https://admin:{PASSWORD}@10.0.0.5:8443", "https://admin:********@10.0.0.5:8443"),
    (f"admin:{PASSWORD}@10.0.0.5", "admin:********@10.0.0.5"),  # no scheme: still a login
    ("redfish://admin:Hunter2/xyz#q@10.0.0.5", "redfish://admin:********@10.0.0.5"),  # raw / and # in it
    (f"redfish+http://admin:{PASSWORD}@[fd00::5]:8000", "redfish+http://admin:********@[fd00::5]:8000"),
]


def _secret_of(url: str) -> str:
    start, end = url_password(url) or (0, 0)
    return url[start:end]


def _clean(*texts: str, secret: str = PASSWORD) -> bool:
    return all(secret not in t for t in texts)


# --- the rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "shown"), REFUSED)
def test_the_password_is_found_and_blanked(url, shown):
    assert redact_url(url) == shown
    assert _secret_of(url) not in redact_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "redfish://10.0.0.5",
        "redfish://admin@10.0.0.5",  # a user name alone is no secret
        "redfish://admin:@10.0.0.5",  # nor is an empty password
        "https://[fd00::5]:8443/redfish/v1",
        "10.0.0.5:443",
        "san01.example.cn",
    ],
)
def test_urls_without_a_password_pass(url):
    from dcmaint.domain.urls import refuse_password_in_url

    assert url_password(url) is None and redact_url(url) == url
    refuse_password_in_url(url, "endpoint")


def test_the_refusal_names_the_field_and_never_the_password():
    from dcmaint.domain.urls import refuse_password_in_url

    with pytest.raises(UsageError) as raised:
        refuse_password_in_url(f"redfish://admin:{PASSWORD}@h", "endpoint")
    assert str(raised.value).startswith("endpoint 'redfish://admin:********@h' holds a password")
    assert PASSWORD not in str(raised.value) and "\n" not in str(raised.value)


def test_redact_blanks_url_passwords_in_free_text():
    line = f"cannot reach 'redfish://admin:{PASSWORD}@10.0.0.5' (or https://u:{PASSWORD}@h/x); see https://docs"
    cleaned = redact(line)
    assert PASSWORD not in cleaned
    assert cleaned.count(MASK) == 2 and "see https://docs" in cleaned
    assert redact("mail li@example.cn about https://10.0.0.5/redfish") == (
        "mail li@example.cn about https://10.0.0.5/redfish"
    )


def test_an_audit_entry_written_by_an_older_dcmaint_is_shown_blanked():
    from datetime import UTC, datetime

    endpoint = f"redfish://admin:{PASSWORD}@10.0.0.5"
    entry = AuditEntry(
        1, datetime.now(UTC), "li", "device add", "device", "hq/srv01", "add", None, {"endpoint": endpoint}, "00"
    )
    assert entry.as_json()["after"]["endpoint"] == "redfish://admin:********@10.0.0.5"
    assert entry.after == {"endpoint": endpoint}  # the stored value, which the hash covers, is not touched


# --- every entry refuses it ------------------------------------------------------------------------


@pytest.fixture
def hq(cli):
    cli.ok("site", "add", "hq", "--customer", "某市商业银行")
    return cli


def _refused(result, shown: str, secret: str) -> None:
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dcmaint: error: endpoint ") and f"'{shown}' holds a password" in lines[0]
    assert _clean(result.out, result.err, secret=secret)


@pytest.mark.parametrize(("url", "shown"), REFUSED)
def test_device_add_refuses_a_password_in_the_endpoint(hq, db_url, tmp_path, url, shown):
    before = counts(db_url)
    log = tmp_path / "run.log"
    result = hq("--log-file", log, "device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", url)
    _refused(result, shown, _secret_of(url))
    assert counts(db_url) == before  # nothing stored, no audit row
    assert _clean(log.read_text(encoding="utf-8"), secret=_secret_of(url))


def test_device_edit_refuses_a_password_in_the_endpoint(hq, db_url):
    hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", "redfish://10.0.0.5")
    before, entries = counts(db_url), audit(db_url)
    result = hq("device", "edit", "srv01", "--endpoint", f"redfish://admin:{PASSWORD}@10.0.0.5")
    _refused(result, "redfish://admin:********@10.0.0.5", PASSWORD)
    assert counts(db_url) == before and audit(db_url) == entries
    assert hq.ok("device", "show", "srv01", "--format", "json").json()["endpoint"] == "redfish://10.0.0.5"


def test_a_user_name_alone_in_the_endpoint_is_kept(hq):
    """Documented: not a secret, so the core keeps it; the Redfish driver refuses it when it polls."""
    hq.ok("device", "add", "vc01", "--site", "hq", "--kind", "server", "--endpoint", "redfish://admin@10.0.0.5")
    assert hq.ok("device", "show", "vc01", "--format", "json").json()["endpoint"] == "redfish://admin@10.0.0.5"


def _device_list(path: Path, endpoint: str) -> Path:
    rows = [
        "设备名称,设备类型,管理ＩＰ,凭据",
        "srv01,服务器,redfish://10.0.0.5,env:BMC_PASSWORD",
        f"srv02,服务器,{endpoint},",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_device_import_refuses_the_row_and_imports_nothing(hq, db_url, tmp_path):
    path = _device_list(tmp_path / "清单.csv", f"redfish://admin:{PASSWORD}@10.0.0.6")
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2, result.err
    assert "dcmaint: error: 清单.csv, row 3: endpoint 'redfish://admin:********@10.0.0.6' holds a password" in (
        result.err
    )
    assert _clean(result.out, result.err)
    assert counts(db_url) == before


def test_device_import_skip_bad_keeps_the_password_out_of_store_audit_and_output(hq, db_url, tmp_path):
    path = _device_list(tmp_path / "清单.csv", f"https://admin:{PASSWORD}@10.0.0.6")
    result = hq("device", "import", path, "--site", "hq", "--skip-bad", "--format", "json")
    assert result.code == 0, result.err
    assert [d["name"] for d in result.json()["devices"]] == ["srv01"]
    assert result.json()["bad_rows"][0]["row"] == 3
    assert "https://admin:********@10.0.0.6" in result.json()["bad_rows"][0]["reason"]
    assert _clean(result.out, result.err)
    assert [e.entity_key for e in audit(db_url) if e.entity == "device"] == ["hq/srv01"]
    assert _clean(hq.ok("device", "list", "--format", "csv").out, hq.ok("audit", "list", "--format", "json").out)


def test_health_target_refuses_a_password(cli_sqlite):
    result = cli_sqlite("health", "--target", f"redfish://admin:{PASSWORD}@10.0.0.5", "--username", "admin")
    assert result.code == 3, result.err  # health's own usage errors are UNKNOWN
    expected = (
        "dcmaint: error: --target 'redfish://admin:********@10.0.0.5' holds a password: give the URL without it, "
        "the user name on its own and the password as a credential reference "
        "(env:NAME, file:PATH or keyring:SERVICE/USER)"
    )
    assert result.err.strip().splitlines() == [expected]
    assert _clean(result.out, result.err)


# --- one stored before the rule: found, shown blanked, cleaned by rotating ------------------------------


def _write_sql(db_url: str, sql: str) -> None:
    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    with engine_for(parse(db_url)).begin() as connection:
        connection.execute(text(sql))


def test_db_check_names_a_stored_password_blanked_and_rotation_clears_it(hq, db_url):
    hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--endpoint", "redfish://10.0.0.5")
    _write_sql(db_url, f"UPDATE devices SET endpoint = 'redfish://admin:{PASSWORD}@10.0.0.5' WHERE name = 'srv01'")

    result = hq("db", "check")
    assert result.code == 1
    assert (
        "secrets: device hq/srv01: the endpoint 'redfish://admin:********@10.0.0.5' holds a password in clear"
        in result.err
    )
    as_json = hq("db", "check", "--format", "json")
    assert [p["check"] for p in as_json.json()["problems"]] == ["secrets"]
    shown = [
        hq.ok("device", "list").out,
        hq.ok("device", "show", "srv01", "--format", "json").out,
        hq.ok("device", "list", "--format", "csv").out,
    ]
    assert _clean(result.out, result.err, as_json.out, as_json.err, *shown)
    assert "redfish://admin:********@10.0.0.5" in shown[1]

    hq.ok("device", "edit", "srv01", "--endpoint", "redfish://10.0.0.5", "--credential", "env:BMC_PASSWORD")
    assert hq("db", "check").code == 0
    edit = audit(db_url)[-1]  # as stored: the audit row of the rotation holds no copy of the old password
    assert edit.action == "edit" and edit.before["endpoint"] == "redfish://admin:********@10.0.0.5"


def test_a_url_password_in_any_error_line_is_blanked(cli_sqlite):
    """Even where no rule looks at it (here click's own "extra argument" message), the line printed is redacted."""
    result = cli_sqlite("site", "list", f"redfish://admin:{PASSWORD}@10.0.0.5")
    assert result.code == 2
    assert "redfish://admin:********@10.0.0.5" in result.err and _clean(result.out, result.err)

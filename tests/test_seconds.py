"""Every seconds value goes through parse.seconds_in_range: inf, nan, 0, negatives, absurd values and text are refused.

On the command line (``health --timeout``: exit 3, health's own usage error;
``sim --latency``: exit 2), in the configuration file (``runner.timeout``,
``plugins.load_timeout``: a configuration error, exit 2, and 3 for health),
through ``dcmaint config set`` (exit 2, the file unchanged) and in
``DCMAINT_PLUGIN_TIMEOUT``. Each refusal is one line naming the value, and
nothing is written to the store.
"""

from __future__ import annotations

import math

import pytest

from dcmaint import config
from dcmaint.domain import parse
from dcmaint.errors import ConfigError, UsageError
from tests.helpers import audit, counts

BAD = ["inf", "nan", "0", "-1", "1e9", "abc"]
#: The same values as TOML writes them (a string for the one that is not a number).
BAD_TOML = {"inf": "inf", "nan": "nan", "0": "0", "-1": "-1", "1e9": "1e9", "abc": '"abc"'}


@pytest.mark.parametrize("text", [*BAD, "-inf", "", " ", "3600.5", "1e400"])
def test_the_parser_refuses_naming_the_value(text):
    with pytest.raises(UsageError) as caught:
        parse.seconds_in_range(text, "--timeout")
    assert f"invalid --timeout {text!r}" in str(caught.value) and "at most 3600" in str(caught.value)


@pytest.mark.parametrize("value", [math.inf, math.nan, 0, -1.0, 1e9, True])
def test_the_parser_refuses_numbers_given_by_code(value):
    with pytest.raises(UsageError):
        parse.seconds_in_range(value, "timeout")


def test_the_parser_accepts_seconds_up_to_an_hour():
    assert parse.seconds_in_range(" 2.5 ", "--timeout") == 2.5
    assert parse.seconds_in_range(3600, "--timeout") == 3600.0
    assert parse.timeout("0.1", "--timeout") == 0.1
    assert parse.latency_ms("50", "--latency") == 50.0
    with pytest.raises(UsageError, match="expected milliseconds"):
        parse.latency_ms("60001", "--latency")


@pytest.fixture
def hq(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    return cli


@pytest.mark.parametrize("text", BAD)
def test_health_timeout_is_refused_as_health_usage_error(hq, db_url, text):
    before, logged = counts(db_url), audit(db_url)
    result = hq("health", "--record", "--timeout", text)
    assert result.code == 3 and result.out == ""
    assert result.err.count("\n") == 1 and f"invalid --timeout {text!r}" in result.err
    nagios = hq("health", "--format", "nagios", "--timeout", text)
    assert nagios.code == 3 and nagios.err == ""
    assert nagios.out.startswith("DCMAINT UNKNOWN - ") and nagios.out.count("\n") == 1 and repr(text) in nagios.out
    assert counts(db_url) == before and audit(db_url) == logged


@pytest.mark.parametrize("text", BAD)
def test_runner_timeout_in_the_file_is_a_configuration_error(hq, home, db_url, text):
    before = counts(db_url)
    home.mkdir(exist_ok=True)
    path = home / "config.toml"
    path.write_text(f"[runner]\ntimeout = {BAD_TOML[text]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    message = str(caught.value)
    assert str(path) in message and "'runner.timeout'" in message and "at most 3600" in message

    listed = hq("site", "list")
    assert listed.code == 2 and listed.out == "" and listed.err.count("\n") == 1 and "'runner.timeout'" in listed.err
    checked = hq("health", "--format", "nagios")
    assert checked.code == 3 and checked.out.startswith("DCMAINT UNKNOWN - ") and "'runner.timeout'" in checked.out
    assert counts(db_url) == before


@pytest.mark.parametrize("text", BAD)
def test_config_set_refuses_the_value_and_leaves_the_file(cli_sqlite, home, text):
    cli_sqlite.ok("config", "set", "runner.timeout", "15")
    path = home / "config.toml"
    kept = path.read_text(encoding="utf-8")
    result = cli_sqlite("config", "set", "--", "runner.timeout", text)
    assert result.code == 2 and result.err.count("\n") == 1 and "'runner.timeout'" in result.err
    assert path.read_text(encoding="utf-8") == kept


@pytest.mark.parametrize("text", BAD)
def test_plugin_load_timeout_in_file_and_environment(tmp_path, monkeypatch, text):
    path = tmp_path / "config.toml"
    path.write_text(f"[plugins]\nload_timeout = {BAD_TOML[text]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'plugins\.load_timeout'"):
        config.load(path)
    monkeypatch.setenv("DCMAINT_PLUGIN_TIMEOUT", text)
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path / "absent.toml")
    assert f"DCMAINT_PLUGIN_TIMEOUT {text!r}" in str(caught.value)


def test_good_seconds_still_load(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("[runner]\ntimeout = 30\n[plugins]\nload_timeout = 2.5\n", encoding="utf-8")
    loaded = config.load(path)
    assert loaded.runner.timeout == 30.0 and loaded.plugins.load_timeout == 2.5
    monkeypatch.setenv("DCMAINT_PLUGIN_TIMEOUT", "4")
    assert config.load(path).plugins.load_timeout == 4.0


@pytest.mark.parametrize("text", BAD)
def test_sim_latency_is_refused(cli_sqlite, text):
    # --count 0 is refused too, later: a --latency that slipped through fails the test instead of serving forever
    result = cli_sqlite("sim", "redfish", "--count", "0", "--latency", text)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and f"invalid --latency {text!r}" in result.err


@pytest.mark.parametrize("value", [math.inf, math.nan, 0.0, -1.0, 1e9])
def test_a_collector_calling_the_service_gets_the_same_check(hq, db_url, value):
    from dcmaint.services.context import Context
    from dcmaint.services.health_check import HealthRequest, check_health
    from dcmaint.store.urls import parse as parse_url

    before, logged = counts(db_url), audit(db_url)
    context = Context(parse_url(db_url), "collector", "collect", config.load())
    with pytest.raises(UsageError, match=r"invalid --timeout"):
        check_health(context, HealthRequest(site="hq", record=True, timeout=value))
    assert counts(db_url) == before and audit(db_url) == logged

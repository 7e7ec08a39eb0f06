"""Settings: flag > environment > config file > default, and `config` commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from smbalance.config import PolicyConfig, dump_toml, load_settings, read_config
from smbalance.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_config_file(tmp_path):
    settings = load_settings(config_path=tmp_path / "none.toml", env={})
    assert settings.db is None and settings.week_start == 0 and settings.default_person is None
    assert settings.policy == PolicyConfig()


def test_precedence_flag_env_file(tmp_path):
    cfg = write(tmp_path / "c.toml", 'timezone = "Asia/Tokyo"\ndb = "/from/file.db"\n')
    from_file = load_settings(config_path=cfg, env={})
    assert (from_file.timezone, from_file.db) == ("Asia/Tokyo", "/from/file.db")
    env = {"SMBALANCE_TZ": "America/New_York", "SMBALANCE_DB": "/from/env.db"}
    from_env = load_settings(config_path=cfg, env=env)
    assert (from_env.timezone, from_env.db) == ("America/New_York", "/from/env.db")
    from_flag = load_settings(config_path=cfg, env=env, tz="UTC", db="/from/flag.db")
    assert (from_flag.timezone, from_flag.db) == ("UTC", "/from/flag.db")


def test_config_path_from_environment(tmp_path):
    cfg = write(tmp_path / "elsewhere.toml", 'week_start = "sunday"\n')
    settings = load_settings(env={"SMBALANCE_CONFIG": str(cfg)})
    assert (settings.config_path, settings.week_start) == (cfg, 6)


def test_policy_table(tmp_path):
    cfg = write(tmp_path / "c.toml", "[policy]\nfloor = 30\nmin_hours = 1.5\ntrend_weeks = 6\n")
    policy = load_settings(config_path=cfg, env={}).policy
    assert (policy.floor, policy.min_hours, policy.trend_weeks, policy.slide) == (30, 1.5, 6, 2)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("timezone = 'Mars/Olympus'", "timezone"),
        ("week_start = 'someday'", "weekday"),
        ("default_person = 'Not Valid'", "valid name"),
        ("[policy]\nfloor = 150", "percent"),
        ("[policy]\nfloor = 'high'", "number"),
        ("[policy]\nbogus = 1", "unknown policy key"),
        ("[policy]\nmin_hours = inf", "from 0 to 10000"),
        ("[policy]\nslide = nan", "from 0 to 10000"),
        ("[policy]\nfloor = true", "must be a number"),
        ("this is = not toml [", "not valid TOML"),
        ("import os; os.system('echo pwned')", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, fragment):
    cfg = write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError, match=fragment):
        load_settings(config_path=cfg, env={})


def test_dump_toml_round_trips():
    data = {"timezone": "Europe/London", "default_person": 'a"b\\c', "policy": {"floor": 30}}
    import tomllib

    assert tomllib.loads(dump_toml(data)) == data


# ---- the config command -----------------------------------------------------------------


def test_config_set_get_show_path(sqlite_cli, tmp_path):
    cfg = tmp_path / "config.toml"  # SMBALANCE_CONFIG points here (conftest)
    assert sqlite_cli("config", "path").stdout.strip() == str(cfg)
    assert sqlite_cli("config", "set", "week_start", "Sun").exit_code == 0
    assert sqlite_cli("config", "set", "policy.floor", "30").exit_code == 0
    assert sqlite_cli("config", "get", "week_start").stdout.strip() == "sunday"
    assert read_config(cfg) == {"week_start": "sunday", "policy": {"floor": 30}}
    show = sqlite_cli("config", "show").stdout
    assert "week_start = sunday" in show and "policy.floor = 30" in show
    assert "timezone = Europe/London" in show  # from SMBALANCE_TZ


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("colour", "red", "unknown setting"),
        ("timezone", "Nowhere/City", "timezone"),
        ("policy.trend_weeks", "2", "3 to 520"),
        ("policy.trend_weeks", "inf", "from 0 to 10000"),
        ("policy.min_hours", "1e400", "from 0 to 10000"),
    ],
)
def test_config_set_rejects_bad_values_and_keeps_the_file(
    sqlite_cli, tmp_path, key, value, fragment
):
    cfg = tmp_path / "config.toml"
    sqlite_cli("config", "set", "timezone", "UTC")
    before = cfg.read_bytes()
    result = sqlite_cli("config", "set", key, value)
    assert result.exit_code == 2 and fragment in result.stderr  # judged from the command line
    assert result.stderr.count("Error:") == 1
    assert cfg.read_bytes() == before


def test_a_config_with_a_bad_value_can_be_repaired_from_the_cli(sqlite_cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('week_start = "funday"\n[policy]\nmin_hours = inf\n')
    broken = sqlite_cli("report")
    assert broken.exit_code == 1 and "min_hours" in broken.stderr
    assert sqlite_cli("config", "path").stdout == f"{cfg}\n"
    assert sqlite_cli("config", "get", "week_start").stdout == "funday\n"
    assert sqlite_cli("config", "set", "week_start", "monday").exit_code == 0
    assert sqlite_cli("config", "set", "policy.min_hours", "2").exit_code == 0
    assert sqlite_cli("report").exit_code == 0


def test_week_start_from_config_moves_the_default_entries_week(sqlite_cli):
    # Sunday 2026-11-22 is in the current week only when weeks start on Sunday.
    sqlite_cli("log", "sales", "1h", "--start", "2026-11-22 10:00", "--who", "alice")
    assert "alice" not in sqlite_cli("entries").stdout
    sqlite_cli("config", "set", "week_start", "sunday")
    assert "alice" in sqlite_cli("entries").stdout


def test_tz_flag_changes_how_times_are_read(sqlite_cli):
    sqlite_cli(
        "--tz", "Asia/Tokyo", "log", "sales", "1h", "--start", "2026-11-27 09:00", "--who", "alice"
    )
    out = sqlite_cli("entries", "--format", "json").stdout
    assert '"start": "2026-11-27T00:00:00Z"' in out


@pytest.mark.parametrize("how", ["flag", "env"])
def test_unknown_timezone_on_the_command_line_is_a_usage_error(sqlite_cli, how):
    args = ["--tz", "Mars/Base", "entries"] if how == "flag" else ["entries"]
    env = {"SMBALANCE_TZ": "Mars/Base"} if how == "env" else None
    result = sqlite_cli(*args, env=env)
    assert result.exit_code == 2
    assert "Mars/Base" in result.stderr and result.stderr.count("Error:") == 1


def test_timezone_case_is_forgiven(sqlite_cli):
    assert "timezone = Asia/Tokyo" in sqlite_cli("--tz", "asia/tokyo", "config", "show").stdout

"""Settings: flag > environment > config file > default, and `config` commands."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_error
from smbalance.cli.app import app_for
from smbalance.config import (
    KNOWN_KEYS,
    POLICY_KEYS,
    PolicyConfig,
    hide_password,
    load_settings,
    read_config,
    set_value,
    settings_in_force,
    validate_value,
)
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


# Values `config set` accepts, as a shell can pass them (no NUL; any other character).
SHELL_TEXT = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=40)


def _accepted(key: str, raw: str) -> bool:
    try:
        validate_value(key, raw)
    except ValueError:
        return False
    return True


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(KNOWN_KEYS),
    raw=st.one_of(
        SHELL_TEXT,
        st.floats(0, 10_000).map(str),
        st.integers(0, 600).map(str),
        st.sampled_from(["Europe/London", "asia/tokyo", "Sun", "alice", "a.db\nb", 'x"\\y']),
    ),
)
def test_any_accepted_value_is_read_back_as_written(tmp_path, key, raw):
    """`config set` writes valid TOML whatever the value: it reads back equal, in force."""
    if not _accepted(key, raw):
        return
    cfg = tmp_path / "round-trip.toml"
    cfg.unlink(missing_ok=True)
    set_value(cfg, "policy.floor", "30")  # another key, kept alongside
    stored = set_value(cfg, key, raw)
    written = read_config(cfg)
    table = written["policy"] if key in POLICY_KEYS else written
    assert table[key.removeprefix("policy.")] == stored
    in_force = next(s for s in settings_in_force(config_path=cfg, env={})[1] if s.key == key)
    assert in_force.origin == "config file" and in_force.problem is None
    assert in_force.value == validate_value(key, stored)


@pytest.mark.parametrize(
    "value", ["a.db\nb", 'quote"and\\backslash', "tab\there", "\u00e9t\u00e9.db"]
)
def test_a_db_value_with_any_character_keeps_the_file_valid(tmp_path, value):
    cfg = tmp_path / "c.toml"
    assert set_value(cfg, "db", value) == value
    assert load_settings(config_path=cfg, env={}).db == value
    assert set_value(cfg, "timezone", "UTC") == "UTC"  # and the next `config set` works


def test_a_db_value_that_is_not_utf8_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="UTF-8"):
        set_value(tmp_path / "c.toml", "db", "caf\udce9.db")  # argv's undecodable byte
    assert not (tmp_path / "c.toml").exists()


def test_the_config_file_is_private_whatever_the_umask(tmp_path):
    cfg = tmp_path / "new" / "dir" / "config.toml"
    old = os.umask(0)
    try:
        set_value(cfg, "db", "postgresql+psycopg://alice:S3cret@db.example/team")
    finally:
        os.umask(old)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert stat.S_IMODE(cfg.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cfg.parent.parent.stat().st_mode) == 0o700
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]  # no temporary left


def test_a_symlink_at_the_config_path_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.toml"  # planted link to a file that does not exist yet
    cfg = tmp_path / "config.toml"
    cfg.symlink_to(victim)
    set_value(cfg, "timezone", "UTC")
    assert not victim.exists()
    assert not cfg.is_symlink() and read_config(cfg) == {"timezone": "UTC"}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/home/al/s.db", "/home/al/s.db"),
        ("sqlite:///home/al/s.db", "sqlite:///home/al/s.db"),
        ("postgresql+psycopg://alice@db/team", "postgresql+psycopg://alice@db/team"),
        ("postgresql+psycopg://alice:S3cret@db/team", "postgresql+psycopg://alice:***@db/team"),
        ("postgresql://alice:S3cret@db:5433/team", "postgresql://alice:***@db:5433/team"),
        ("postgresql://alice:pa/ss@db/team", "postgresql://alice:***@db/team"),
        ("postgresql://alice:p@ss@db/team", "postgresql://alice:***@db/team"),
        ("postgresql://alice:p@s/s@db/team", "postgresql://alice:***@db/team"),
        ("postgresql://alice:p?s@s@db/team", "postgresql://alice:***@db/team"),
        ("postgresql://alice:pa%2Fss@db/team", "postgresql://alice:***@db/team"),
        ("postgresql://alice@db/team?password=S3cret", "postgresql://alice@db/team?password=***"),
        (
            "postgresql://db/team?user=alice&password=S3cret&sslmode=require",
            "postgresql://db/team?password=***&sslmode=require&user=alice",
        ),
        ("postgresql://db/team?PASSWORD=S3cret", "postgresql://db/team?PASSWORD=***"),
        ("postgresql://db/team?sslpassword=S3cret", "postgresql://db/team?sslpassword=***"),
        (
            "postgresql://alice:S3cret@127.0.0.1:abc/team",
            "postgresql://alice:***@127.0.0.1:abc/team",
        ),
        ("postgresql://alice:S3cret@[::1/team", "postgresql://alice:***@[::1/team"),
    ],
)
def test_passwords_are_hidden_in_every_form(url, shown):
    assert hide_password(url) == shown
    assert "S3cret" not in hide_password(url) and "ss@" not in hide_password(url).replace("***", "")


def test_settings_in_force_say_where_each_value_comes_from(tmp_path):
    cfg = write(tmp_path / "c.toml", 'timezone = "Asia/Tokyo"\nweek_start = "sun"\n')
    env = {"SMBALANCE_TZ": "America/New_York", "SMBALANCE_DB": "/env.db"}
    origins = {s.key: (s.value, s.origin) for s in settings_in_force(config_path=cfg, env=env)[1]}
    assert origins["timezone"] == ("America/New_York", "SMBALANCE_TZ")
    assert origins["db"] == ("/env.db", "SMBALANCE_DB")
    assert origins["week_start"] == (6, "config file")
    assert origins["policy.floor"] == (25, "default")
    flags = settings_in_force(config_path=cfg, env=env, tz="UTC", db="/flag.db")[1]
    assert {s.key: s.origin for s in flags if s.key in ("timezone", "db")} == {
        "timezone": "--tz",
        "db": "--db",
    }


# ---- the config command -----------------------------------------------------------------


def test_config_set_get_show_path(sqlite_cli, tmp_path):
    cfg = tmp_path / "config.toml"  # SMBALANCE_CONFIG points here (conftest)
    assert sqlite_cli("config", "path").stdout.strip() == str(cfg)
    assert sqlite_cli("config", "set", "week_start", "Sun").exit_code == 0
    assert sqlite_cli("config", "set", "policy.floor", "30").exit_code == 0
    assert sqlite_cli("config", "get", "week_start").stdout == "sunday\n"
    assert read_config(cfg) == {"week_start": "sunday", "policy": {"floor": 30}}
    show = sqlite_cli("config", "show").stdout.splitlines()
    assert show[0] == f"# config file: {cfg}"
    assert "week_start = sunday  (from config file)" in show
    assert "policy.floor = 30  (from config file)" in show
    assert "policy.slide = 2  (default)" in show
    assert "timezone = Europe/London  (from SMBALANCE_TZ)" in show  # conftest sets it
    assert f"db = {sqlite_cli.db}  (from --db)" in show


@pytest.mark.parametrize(
    ("args", "env", "stdout", "origin"),
    [
        (["config", "get", "policy.floor"], None, "25\n", "(default)\n"),
        (["config", "get", "timezone"], None, "Europe/London\n", "(from SMBALANCE_TZ)\n"),
        (["--tz", "UTC", "config", "get", "timezone"], None, "UTC\n", "(from --tz)\n"),
        (["config", "get", "default_person"], None, "tester\n", "(default: your login name)\n"),
        (
            ["config", "get", "db"],
            {"SMBALANCE_DB": "postgresql://al:S3cret@h/x"},
            "postgresql://al:***@h/x\n",
            "(from SMBALANCE_DB)\n",
        ),
    ],
)
def test_config_get_prints_the_value_in_force_and_its_origin_on_stderr(args, env, stdout, origin):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app_for(args), args, env=env)
    assert (result.exit_code, result.stdout, result.stderr) == (0, stdout, origin)


def test_config_never_shows_a_password(sqlite_cli, tmp_path):
    url = "postgresql+psycopg://alice:p@ss/w0rd@db.example/team?password=S3cret"
    result = sqlite_cli("config", "set", "db", url)
    assert result.exit_code == 0 and read_config(tmp_path / "config.toml")["db"] == url
    outputs = [result, sqlite_cli("config", "get", "db"), sqlite_cli("config", "show")]
    for out in outputs:
        assert "w0rd" not in out.output and "S3cret" not in out.output


def test_config_set_says_when_another_source_overrides_the_file(sqlite_cli):
    result = sqlite_cli("config", "set", "timezone", "Asia/Tokyo")
    assert result.exit_code == 0
    assert "SMBALANCE_TZ overrides it: timezone is Europe/London for now" in result.stderr


def test_a_newline_in_db_keeps_every_config_command_working(sqlite_cli, tmp_path):
    assert sqlite_cli("config", "set", "db", "a.db\nb").exit_code == 0
    assert read_config(tmp_path / "config.toml") == {"db": "a.db\nb"}
    assert sqlite_cli("config", "set", "timezone", "UTC").exit_code == 0
    assert sqlite_cli("config", "get", "timezone").stdout == "Europe/London\n"
    show = sqlite_cli("config", "show")
    assert show.exit_code == 0 and "db = a.db\\nb  (from --db)" not in show.stdout
    shown = sqlite_cli.runner.invoke(app_for(["config", "show"]), ["config", "show"])
    assert "db = a.db\\nb  (from config file)" in shown.stdout  # one line, newline shown
    assert sqlite_cli("log", "sales", "1h").exit_code == 0  # --db wins


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
    assert_error(result, 2, fragment)  # judged from the command line
    assert cfg.read_bytes() == before


def test_a_config_with_a_bad_value_can_be_repaired_from_the_cli(sqlite_cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('week_start = "funday"\n[policy]\nmin_hours = inf\n')
    broken = sqlite_cli("report")
    assert broken.exit_code == 1 and "funday" in broken.stderr
    assert sqlite_cli("config", "path").stdout == f"{cfg}\n"
    got = sqlite_cli("config", "get", "week_start")
    assert_error(got, 1, "funday", "config set week_start")
    assert got.stdout == ""
    assert sqlite_cli("config", "get", "timezone").exit_code == 0  # the others still work
    show = sqlite_cli("config", "show")
    assert "week_start = funday  (from config file)" in show.stdout
    assert_error(show, 1, "and 1 more")
    assert sqlite_cli("config", "set", "week_start", "monday").exit_code == 0
    assert sqlite_cli("config", "set", "policy.min_hours", "2").exit_code == 0
    assert sqlite_cli("report").exit_code == 0


def test_week_start_from_config_moves_the_default_entries_week(sqlite_cli):
    # Sunday 2026-11-22 is in the current week only when weeks start on Sunday.
    sqlite_cli.people("alice")
    sqlite_cli("log", "sales", "1h", "--start", "2026-11-22 10:00", "--who", "alice")
    assert "alice" not in sqlite_cli("entries").stdout
    sqlite_cli("config", "set", "week_start", "sunday")
    assert "alice" in sqlite_cli("entries").stdout


def test_tz_flag_changes_how_times_are_read(sqlite_cli):
    sqlite_cli.people("alice")
    sqlite_cli(
        "--tz", "Asia/Tokyo", "log", "sales", "1h", "--start", "2026-11-27 09:00", "--who", "alice"
    )
    out = sqlite_cli("entries", "--format", "json").stdout
    assert '"start": "2026-11-27T00:00:00Z"' in out


@pytest.mark.parametrize("how", ["flag", "env"])
def test_unknown_timezone_on_the_command_line_is_a_usage_error(sqlite_cli, how):
    args = ["--tz", "Mars/Base", "entries"] if how == "flag" else ["entries"]
    env = {"SMBALANCE_TZ": "Mars/Base"} if how == "env" else None
    assert_error(sqlite_cli(*args, env=env), 2, "Mars/Base")


def test_timezone_case_is_forgiven(sqlite_cli):
    assert "timezone = Asia/Tokyo" in sqlite_cli("--tz", "asia/tokyo", "config", "show").stdout


@pytest.mark.parametrize(
    "owner",
    [
        "postgresql+psycopg://boss:S3cret@db.example/team",
        "postgresql+psycopg://boss@db.example/team?password=S3cret&sslmode=require",
        "postgresql+psycopg://db.example/team?user=boss&PASSWORD=S3cret",
    ],
)
def test_team_add_hands_the_member_a_url_without_the_owners_password(owner):
    from sqlalchemy.engine import make_url

    from smbalance.cli.team import member_url

    shown = member_url(make_url(owner), "alice")
    assert "S3cret" not in shown and "***" not in shown and "alice" in shown
    assert make_url(shown).username == "alice" and make_url(shown).host == "db.example"

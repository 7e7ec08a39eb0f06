"""Settings, resolved once per command: flag > environment > config file > default.

The config file is TOML, read as data (``tomllib``), never executed.  Writing it back
(`config set`) uses a tiny serializer for the few flat keys we own, so no extra
dependency is needed.  Stdlib only: this runs on every command's start-up path.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from smbalance.errors import ConfigError
from smbalance.periods import WEEKDAYS, parse_week_start

APP = "smbalance"
DEFAULT_MAX_ENTRY_HOURS = 12


@dataclass(frozen=True)
class PolicyConfig:
    """Thresholds of the balance policy (all percents, except hours and weeks)."""

    floor: float = 25
    commission_driven: float = 50
    overload: float = 20
    min_hours: float = 2
    trend_weeks: int = 4
    slide: float = 2


TOP_KEYS = ("timezone", "week_start", "default_person", "db", "max_entry_hours")
POLICY_KEYS = tuple(f"policy.{f.name}" for f in fields(PolicyConfig))
KNOWN_KEYS = TOP_KEYS + POLICY_KEYS


@dataclass(frozen=True)
class Settings:
    config_path: Path
    db: str | None  # a path or SQLAlchemy URL; None means the default store
    timezone: str
    week_start: int  # 0 = Monday
    default_person: str | None
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    # Longer entries (and timers) are almost always a typo or a forgotten timer.
    max_entry_hours: float = DEFAULT_MAX_ENTRY_HOURS

    @property
    def max_entry_seconds(self) -> int:
        return round(self.max_entry_hours * 3600)

    @property
    def who(self) -> str:
        """The person commands act for when `--who` is not given."""
        return self.default_person or login_name()


def user_config_dir() -> Path:
    from platformdirs import user_config_dir as _dir

    return Path(_dir(APP))


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _dir

    return Path(_dir(APP))


def default_config_path() -> Path:
    return user_config_dir() / "config.toml"


def default_db_path() -> Path:
    return user_data_dir() / "smbalance.db"


def login_name() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers and cron jobs
        name = ""
    return name.strip().lower()


def system_timezone() -> str:
    """The machine's IANA zone, found without importing pendulum."""
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env and is_timezone(tz_env):
        return tz_env
    try:
        target = os.path.realpath("/etc/localtime")
        match = re.search(r"zoneinfo/(.+)$", target)
        if match and is_timezone(match.group(1)):
            return match.group(1)
    except OSError:
        pass
    try:
        name = Path("/etc/timezone").read_text().strip()
        if is_timezone(name):
            return name
    except OSError:
        pass
    return "UTC"


def is_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def check_timezone(name: str) -> str:
    """The canonical IANA name (case is forgiven: europe/london), or ValueError."""
    from smbalance.timeparse import parse_timezone

    return parse_timezone(name)  # its ParseError is a ValueError


def read_config(path: Path) -> dict[str, Any]:
    """The config file as a dict; a missing file is an empty config."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    import tomllib  # only when there is a file to parse: most runs have none

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"config file {path} is not valid TOML ({exc}); fix or remove it"
        ) from None
    return data


def _validated(key: str, value: Any, origin: str) -> Any:
    """Check one setting's value; `origin` names where it came from for the message."""
    try:
        return validate_value(key, value)
    except ValueError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def validate_value(key: str, value: Any) -> Any:
    """Return the typed value of setting `key`, or raise ValueError saying what is wrong."""
    if key == "timezone":
        return check_timezone(str(value))
    if key == "week_start":
        return parse_week_start(str(value))
    if key == "default_person":
        from smbalance.domain import parse_name

        return parse_name(str(value))
    if key == "db":
        if not str(value).strip():
            raise ValueError("db must not be empty")
        return str(value)
    if key == "max_entry_hours":
        return _max_entry_hours(value)
    if key in POLICY_KEYS:
        return _policy_value(key, value)
    raise ValueError(f"unknown setting {key!r}; known: {', '.join(KNOWN_KEYS)}")


def _max_entry_hours(value: Any) -> float | int:
    try:
        if isinstance(value, bool):
            raise TypeError
        hours = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"max_entry_hours must be a number of hours, not {value!r}") from None
    if not 0 < hours <= 24 * 366:  # also NaN and infinity
        raise ValueError("max_entry_hours must be more than 0 and at most 8784 (a leap year)")
    return int(hours) if hours == int(hours) else hours


POLICY_MAX = 10_000  # above any sensible percent, hours in a period or points a week


def _policy_value(key: str, value: Any) -> float | int:
    try:
        if isinstance(value, bool):  # TOML `true` is not 1
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, not {value!r}") from None
    if not 0 <= number <= POLICY_MAX:  # also NaN and infinity
        raise ValueError(f"{key} must be a number from 0 to {POLICY_MAX}, not {value!r}")
    if key == "policy.trend_weeks":
        if number != int(number) or not 3 <= number <= 520:
            raise ValueError(f"{key} must be a whole number of weeks from 3 to 520")
        return int(number)
    if key in ("policy.floor", "policy.commission_driven", "policy.overload") and number > 100:
        raise ValueError(f"{key} is a percent: use a number from 0 to 100")
    return int(number) if number == int(number) else number


def config_file(
    config_path: str | Path | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Which config file is in force: --config, else SMBALANCE_CONFIG, else the default.

    Known without reading it, so `config path/get/set` work on a file that has an
    invalid value in it (and can repair it)."""
    env = os.environ if env is None else env
    return Path(config_path or env.get("SMBALANCE_CONFIG") or default_config_path())


def load_settings(
    *,
    config_path: str | Path | None = None,
    db: str | None = None,
    tz: str | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Resolve every setting from flags, environment, config file and defaults."""
    env = os.environ if env is None else env
    path = config_file(config_path, env)
    data = read_config(path)
    origin = f"config file {path}"

    if tz:
        timezone = _validated("timezone", tz, "--tz")
    elif env.get("SMBALANCE_TZ"):
        timezone = _validated("timezone", env["SMBALANCE_TZ"], "SMBALANCE_TZ")
    elif "timezone" in data:
        timezone = _validated("timezone", data["timezone"], origin)
    else:
        timezone = system_timezone()

    policy_data = data.get("policy", {})
    if not isinstance(policy_data, dict):
        raise ConfigError(f"{origin}: [policy] must be a table")
    for key in policy_data:
        if f"policy.{key}" not in POLICY_KEYS:
            known = ", ".join(k.removeprefix("policy.") for k in POLICY_KEYS)
            raise ConfigError(f"{origin}: unknown policy key {key!r}; known: {known}")
    policy = PolicyConfig(
        **{key: _validated(f"policy.{key}", value, origin) for key, value in policy_data.items()}
    )
    week_start = _validated("week_start", data["week_start"], origin) if "week_start" in data else 0
    person = data.get("default_person")
    max_hours = (
        _validated("max_entry_hours", data["max_entry_hours"], origin)
        if "max_entry_hours" in data
        else DEFAULT_MAX_ENTRY_HOURS
    )
    store = db or env.get("SMBALANCE_DB")
    if not store and "db" in data:
        store = _validated("db", data["db"], origin)
    return Settings(
        config_path=path,
        db=store,
        timezone=timezone,
        week_start=week_start,
        default_person=_validated("default_person", person, origin) if person else None,
        policy=policy,
        max_entry_hours=max_hours,
    )


def get_value(data: dict[str, Any], key: str) -> Any:
    if key not in KNOWN_KEYS:
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(KNOWN_KEYS)}")
    if key.startswith("policy."):
        return data.get("policy", {}).get(key.removeprefix("policy."))
    return data.get(key)


def set_value(path: Path, key: str, raw: str) -> Any:
    """Validate and write one setting, keeping the others; returns the stored value."""
    if key not in KNOWN_KEYS:
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(KNOWN_KEYS)}")
    try:
        validate_value(key, raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    data = read_config(path)
    value: Any = _policy_value(key, raw) if key in POLICY_KEYS else raw.strip()
    if key == "timezone":
        value = check_timezone(raw)  # the canonical spelling: Europe/London
    if key == "week_start":
        value = WEEKDAYS[parse_week_start(raw)]
    if key == "default_person":
        value = raw.strip().casefold()
    if key == "max_entry_hours":
        value = _max_entry_hours(raw)
    if key.startswith("policy."):
        data.setdefault("policy", {})[key.removeprefix("policy.")] = value
    else:
        data[key] = value
    write_config(path, data)
    return value


def write_config(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(dump_toml(data), encoding="utf-8")
    os.replace(tmp, path)


def dump_toml(data: dict[str, Any]) -> str:
    """Serialize our flat config (scalars plus one level of tables) as TOML."""
    lines = [
        f"{key} = {_toml_scalar(value)}"
        for key, value in data.items()
        if not isinstance(value, dict)
    ]
    for key, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"]
            lines += [f"{k} = {_toml_scalar(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'

"""Settings, resolved once per command: flag > environment > config file > default.

The config file is TOML, read as data (``tomllib``), never executed, and written back
(`config set`) by a real TOML writer (``tomli_w``).  This module is on every command's
start-up path, so it imports only the standard library at the top; ``tomllib`` when
there is a file, ``tomli_w`` when writing, ``platformdirs`` for default paths and
SQLAlchemy only to hide a password in a URL are imported where they are needed.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from smbalance.domain import PolicyConfig
from smbalance.errors import ConfigError
from smbalance.periods import WEEKDAYS, parse_week_start

APP = "smbalance"
DEFAULT_MAX_ENTRY_HOURS = 12


TOP_KEYS = ("timezone", "week_start", "default_person", "db", "max_entry_hours")
POLICY_KEYS = tuple(f"policy.{name}" for name in PolicyConfig._fields)
KNOWN_KEYS = TOP_KEYS + POLICY_KEYS


class Settings(NamedTuple):
    config_path: Path
    db: str | None  # a path or SQLAlchemy URL; None means the default store
    timezone: str
    week_start: int  # 0 = Monday
    default_person: str | None
    policy: PolicyConfig = PolicyConfig()  # immutable: one default serves every Settings
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
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8, smuggled in by the shell
            raise ValueError("db must be UTF-8 text; rename the file or its directory") from None
        if "://" in str(value):
            check_db_url(str(value))
        return str(value)
    if key == "max_entry_hours":
        return _max_entry_hours(value)
    if key in POLICY_KEYS:
        return _policy_value(key, value)
    raise ValueError(f"unknown setting {key!r}; known: {', '.join(KNOWN_KEYS)}")


# SQLAlchemy's own URL pattern (sqlalchemy.engine.url._parse_url), so the parts judged
# here are the parts it would use; stdlib only, so no driver is loaded to refuse a typo.
_URL = re.compile(
    r"""
    (?P<name>[\w+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:(?:\[(?P<ipv6host>[^/?]+)\]|(?P<ipv4host>[^/:?]+))?(?::(?P<port>[^/?]*))?)?
    (?:/(?P<database>[^?]*))?
    (?:\?(?P<query>.*))?
    """,
    re.X | re.S,
)
URL_EXAMPLE = "e.g. postgresql+psycopg://user@localhost:5432/smbalance or sqlite:///path/to/s.db"


def check_db_url(text: str) -> None:
    """Judge a database URL's syntax: ValueError names the bad part (never the password)."""
    match = _URL.fullmatch(text)
    if match is None:
        scheme = text.partition("://")[0]
        raise ValueError(f"{scheme!r} is not a database URL scheme; {URL_EXAMPLE}")
    host, port = match["ipv4host"], match["port"]
    if host is not None and host.startswith("["):
        written = host + ("" if port is None else f":{port}")
        raise ValueError(
            f"the IPv6 host {written!r} in the URL has no closing ']'; write it as "
            "postgresql+psycopg://user@[::1]:5432/smbalance"
        )
    if (
        port is not None
        and port != ""
        and not (re.fullmatch(r"[0-9]{1,5}", port) and 0 < int(port) < 65536)
    ):
        raise ValueError(
            f"the port {port!r} in the URL is not a number from 1 to 65535; {URL_EXAMPLE}"
        )


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


# Where a value in force comes from: a flag, an environment variable, the file, or not set.
FROM_FILE = "config file"
DEFAULT = "default"
FLAGS = {"timezone": ("--tz", "SMBALANCE_TZ"), "db": ("--db", "SMBALANCE_DB")}


class InForce(NamedTuple):  # not a dataclass: ~1 ms less on every command's start-up
    """One setting as it is in force: its value and where that comes from.

    `origin` is a flag (`--tz`), an environment variable (`SMBALANCE_TZ`), `FROM_FILE`
    or `DEFAULT`.  `problem` says why a written value cannot be used (then `value` is
    the value as written), so `config show` can list a broken file to repair it.
    """

    key: str
    value: Any
    origin: str
    problem: str | None = None


def settings_in_force(
    *,
    config_path: str | Path | None = None,
    db: str | None = None,
    tz: str | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Path, list[InForce]]:
    """Every setting with its value in force and where it comes from, in KNOWN_KEYS order.

    `db` and `tz` are the flags given on the command line (their environment variables
    are read here, so the two are told apart).  A setting whose value is invalid is
    returned with its `problem`, and a config file that cannot be read raises."""
    env = os.environ if env is None else env
    path = config_file(config_path, env)
    data = read_config(path)
    flags = {"timezone": tz, "db": db}
    policy = data.get("policy", {})
    found: list[InForce] = []
    if not isinstance(policy, dict):
        found.append(InForce("policy", policy, FROM_FILE, "[policy] must be a table"))
        policy = {}
    for key in KNOWN_KEYS:
        written = policy.get(key.removeprefix("policy.")) if key in POLICY_KEYS else data.get(key)
        flag, variable = FLAGS.get(key, (None, None))
        if flag and flags[key]:
            found.append(_checked(key, flags[key], flag))
        elif variable and env.get(variable):
            found.append(_checked(key, env[variable], variable))
        elif written is not None and not (key == "default_person" and written == ""):
            found.append(_checked(key, written, FROM_FILE))
        else:
            found.append(InForce(key, _default(key), DEFAULT))
    known = ", ".join(k.removeprefix("policy.") for k in POLICY_KEYS)
    found += [
        InForce(f"policy.{key}", value, FROM_FILE, f"unknown policy key {key!r}; known: {known}")
        for key, value in policy.items()
        if f"policy.{key}" not in POLICY_KEYS
    ]
    return path, found


def _checked(key: str, value: Any, origin: str) -> InForce:
    try:
        return InForce(key, validate_value(key, value), origin)
    except ValueError as exc:
        return InForce(key, value, origin, str(exc))


def _default(key: str) -> Any:
    if key == "timezone":
        return system_timezone()
    if key == "week_start":
        return 0
    if key == "max_entry_hours":
        return DEFAULT_MAX_ENTRY_HOURS
    if key in POLICY_KEYS:
        return getattr(PolicyConfig(), key.removeprefix("policy."))
    return None  # default_person (the login name) and db (the default store)


def origin_label(setting: InForce, path: Path) -> str:
    """Where a value comes from, as error messages name it."""
    return f"config file {path}" if setting.origin == FROM_FILE else setting.origin


def load_settings(
    *,
    config_path: str | Path | None = None,
    db: str | None = None,
    tz: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting from flags, environment, config file and defaults."""
    path, found = settings_in_force(config_path=config_path, db=db, tz=tz, env=env)
    for setting in found:
        if setting.problem:
            raise ConfigError(f"{origin_label(setting, path)}: {setting.problem}")
    value = {setting.key: setting.value for setting in found}
    return Settings(
        config_path=path,
        db=value["db"],
        timezone=value["timezone"],
        week_start=value["week_start"],
        default_person=value["default_person"],
        policy=PolicyConfig(**{k.removeprefix("policy."): value[k] for k in POLICY_KEYS}),
        max_entry_hours=value["max_entry_hours"],
    )


def shown_value(setting: InForce) -> str:
    """A setting's value as `config get`/`show` print it: a weekday by name, the store
    (its default included) with any password hidden, the login name for default_person."""
    value = setting.value
    if setting.problem:
        return hide_password(str(value))
    if setting.key == "week_start":
        return WEEKDAYS[value]
    if setting.key == "default_person" and value is None:
        return login_name()
    if setting.key == "db":
        return hide_password(str(value if value is not None else default_db_path()))
    return str(value)


def hide_password(text: str) -> str:
    """A database URL as it may be shown: the password (in the user info or any
    `password` query key) replaced by ***.  Output lands in terminals, logs and bug
    reports; the config file keeps the password.

    A plain path is returned as is without importing anything.  A URL that may carry a
    password is parsed by SQLAlchemy, as the store will parse it; when the password
    holds an unencoded `@` (which SQLAlchemy would take for the end of it), everything
    up to the last `@` before the query is user info and hidden.
    """
    scheme, sep, rest = text.partition("://")
    if not sep or ("@" not in rest and "password" not in rest.lower()):
        return text
    head, question, query = rest.partition("?")
    from sqlalchemy.engine import make_url

    try:
        url = make_url(text)
        parsed = "@" not in f"{url.host}{url.database}{url.port}"
    except (ValueError, TypeError):  # ArgumentError is a ValueError, so is a bad port
        parsed = False
    if parsed:
        shown = url.render_as_string(hide_password=True)
    elif "@" in rest:
        # Hide up to the last @ before the query (with a `?` in the password as well:
        # up to the last @ of all).
        userinfo, _, after = (head if "@" in head else rest).rpartition("@")
        if "@" in head:
            after += question + query
        shown = f"{scheme}://{userinfo.partition(':')[0]}:***@{after}"
    else:
        shown = text
    return re.sub(r"(?i)([?&][^=&]*password[^=&]*=)[^&]*", r"\1***", shown)


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
        policy = data.get("policy")
        if not isinstance(policy, dict):  # a hand-written `policy = 3` is replaced
            policy = data["policy"] = {}
        policy[key.removeprefix("policy.")] = value
    else:
        data[key] = value
    write_config(path, data)
    return value


def write_config(path: Path, data: dict[str, Any]) -> None:
    """Write the config file whole or not at all, 0600 in a 0700 directory (it may hold
    a database password), by a real TOML writer: any string a shell can pass, newlines
    and quotes included, comes back from `read_config` as it went in."""
    import tomli_w  # only when writing: reading needs the stdlib's tomllib alone

    _write_private(path, tomli_w.dumps(data).encode("utf-8"))


def _write_private(path: Path, content: bytes) -> None:
    """Replace `path` with `content` whole or not at all, 0600, in 0700 directories
    (`files.write_atomically`: a planted symlink is replaced, never followed)."""
    from smbalance.files import PRIVATE, private_dirs, write_atomically

    try:
        private_dirs(path.parent)
        with write_atomically(path, mode=PRIVATE, binary=True) as out:
            out.write(content)
    except OSError as exc:
        raise ConfigError(f"cannot write config file {path}: {exc.strerror or exc}") from None

"""Stores that are damaged by hand, and database URLs that are malformed (#14.9, #14.10):
one clean `Error:` line and the way forward, never "This is a bug"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_error

# ---- malformed URLs (#14.10) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("postgresql+psycopg://u@127.0.0.1:abc/db", "the port 'abc'"),
        ("postgresql+psycopg://u@[::1/db", "the IPv6 host '[::1'"),
        ("postgresql+psycopg://u@[::1:5432/db", "no closing ']'"),
        ("postgresql+psycopg://u@host:99999/db", "the port '99999'"),
        ("postgresql+psycopg://u:pa/ss@host:x5/db", "the port 'x5'"),
        ("://nothing", "not a database URL scheme"),
    ],
    ids=["port", "ipv6", "ipv6-port", "port-range", "slash-in-password", "no-scheme"],
)
def test_a_malformed_url_is_a_usage_error_naming_the_bad_part(url: str, part: str) -> None:
    from smbalance.cli.app import app

    for argv, env in (
        (["--db", url, "entries"], None),
        (["report"], {"SMBALANCE_DB": url}),
    ):
        result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
        line = assert_error(result, 2, part)
        assert "pa/ss" not in line and "This is a bug" not in line


def test_a_malformed_url_in_the_config_file_is_one_clean_error(tmp_path: Path) -> None:
    from smbalance.cli.app import app

    Path(os.environ["SMBALANCE_CONFIG"]).write_text(
        'db = "postgresql+psycopg://u:secret@127.0.0.1:abc/db"\n'
    )
    result = CliRunner().invoke(app, ["entries"], catch_exceptions=False)
    line = assert_error(result, 1, "the port 'abc'")
    assert "secret" not in line
    refused = CliRunner().invoke(app, ["config", "set", "db", "postgresql://u@[::1/x"])
    assert_error(refused, 2, "no closing ']'")

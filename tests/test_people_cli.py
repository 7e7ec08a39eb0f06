"""`smbalance people …` end to end, on both backends."""

from __future__ import annotations

import csv
import io
import json

import pytest


def people(cli):
    return json.loads(cli("people", "ls", "--format", "json").stdout)


def test_add_set_ls(cli):
    assert (
        cli(
            "people", "add", "Alice", "--role", "both", "--commission", "70", "--target", "30"
        ).exit_code
        == 0
    )
    assert cli("people", "add", "bob", "--role", "s").exit_code == 0
    assert people(cli) == [
        {"name": "alice", "role": "both", "commission": 70, "target": 30},
        {"name": "bob", "role": "sales", "commission": 0, "target": None},
    ]
    assert cli("people", "set", "alice", "--commission", "50%", "--default-target").exit_code == 0
    assert people(cli)[0] == {"name": "alice", "role": "both", "commission": 50, "target": None}
    table = cli("people", "ls").stdout
    assert "alice" in table and "25% (floor)" in table
    rows = list(csv.reader(io.StringIO(cli("people", "ls", "--format", "csv").stdout)))
    assert rows[0] == ["name", "role", "commission", "target"] and rows[2][1] == "sales"


def test_rename_keeps_entries(cli):
    cli.people("bob")
    cli("log", "sales", "1h", "--who", "bob")
    assert cli("people", "rename", "bob", "robert").exit_code == 0
    entries = json.loads(cli("entries", "--format", "json").stdout)
    assert [e["person"] for e in entries] == ["robert"]


def test_rm_refuses_with_entries_unless_forced(cli):
    cli.people("bob")
    cli("log", "sales", "1h", "--who", "bob")
    refused = cli("people", "rm", "bob")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert cli("people", "rm", "bob", "--force").exit_code == 0
    assert people(cli) == []
    assert cli("undo").exit_code == 0
    assert [p["name"] for p in people(cli)] == ["bob"]
    assert len(json.loads(cli("entries", "--format", "json").stdout)) == 1


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["add", "alice", "--role", "boss"], 2, "role"),
        (["add", "alice"], 2, "--role"),
        (["add", "alice", "--role", "both", "--commission", "150"], 2, "between 0 and 100"),
        (["add", "alice", "--role", "both", "--target", "-1"], 2, "between 0 and 100"),
        (["add", "has space", "--role", "both"], 2, "valid name"),
        (["add", "x" * 33, "--role", "both"], 2, "valid name"),
        (["set", "nobody", "--role", "sales"], 1, "no person named"),
        (["rename", "nobody", "someone"], 1, "no person named"),
        (["rm", "nobody"], 1, "no person named"),
        (["set", "alice", "--target", "5", "--default-target"], 2, "not both"),
        (["set", "alice"], 2, "nothing to change"),  # and nothing for undo to revert
        (["rename", "alice", "ALICE"], 2, "alice is already called alice"),
    ],
)
def test_people_errors(cli, args, code, fragment):
    result = cli("people", *args)
    assert result.exit_code == code, result.output
    assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_add_existing_is_refused(cli):
    cli("people", "add", "alice", "--role", "both")
    result = cli("people", "add", "alice", "--role", "sales")
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert people(cli)[0]["role"] == "both"

def test_log_then_entries_json(cli):
    cli.people("alice")
    result = cli("log", "sales", "1h30m", "--who", "alice")
    assert result.exit_code == 0, result.output
    out = cli("entries", "--format", "json")
    assert out.exit_code == 0
    import json

    rows = json.loads(out.stdout)
    assert [(r["person"], r["seconds"], r["start"], r["end"]) for r in rows] == [
        ("alice", 5400, "2026-11-27T12:35:00Z", "2026-11-27T14:05:00Z")
    ]

"""The docs cannot drift from the CLI: the reference is regenerated and compared, every
command's help has an example, every page in the nav exists, every `smbalance …` line
in the docs names real commands and options.  (`mkdocs build --strict` runs in the lint
step of `.ci/run`, with ruff, before the tests.)
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GENERATOR = ROOT / "scripts" / "gen_cli_reference.py"
FENCE = re.compile(r"^ *```(\w*)\n(.*?)^ *```", re.MULTILINE | re.DOTALL)
# `smbalance ` as a command: at the start, after a shell operator, or as a path's last part
INVOCATION = re.compile(r"(?:^|(?<=[\s;&|(/]))smbalance\s")


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()


def all_commands() -> list[tuple[Any, Any]]:
    root = GEN.root_command()
    return list(GEN.walk(root, GEN.make_context(root, GEN.PROG, None)))


def test_cli_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_check_mode_notices_a_stale_reference(tmp_path: Path) -> None:
    stale = tmp_path / "cli-reference.md"
    stale.write_text(GEN.render().replace("Record time already spent.", "Old text."))
    assert GEN.main(["--check", "--output", str(stale)]) == 1
    assert GEN.main(["--output", str(stale)]) == 0
    assert GEN.main(["--check", "--output", str(stale)]) == 0


@pytest.mark.parametrize(
    ("command", "ctx"), all_commands(), ids=lambda value: getattr(value, "command_path", "")
)
def test_every_command_has_help_and_leaf_commands_an_example(command: Any, ctx: Any) -> None:
    text = command.get_help(ctx)
    summary = command.get_short_help_str(200)
    assert summary.strip(), f"{ctx.command_path} has no help text"
    if not GEN.is_group(command):
        assert "Example" in text, f"{ctx.command_path} --help shows no example"
        example_lines = [line.strip() for line in text.splitlines()]
        assert any(line.startswith(ctx.command_path) for line in example_lines), (
            f"{ctx.command_path}: the example should show the command itself"
        )


def test_help_groups_commands_by_job() -> None:
    root = GEN.root_command()
    text = root.get_help(GEN.make_context(root, GEN.PROG, None))
    positions = [text.find(f"\n{title}:\n") for title in ("Tracking", "People", "Data")]
    assert all(p > 0 for p in positions) and positions == sorted(positions), text
    assert "\nOther:\n" not in text, "a command is missing from cli/app.py SECTIONS"


@pytest.mark.parametrize(
    ("command", "ctx"),
    [(c, x) for c, x in all_commands() if GEN.is_group(c)],
    ids=lambda value: getattr(value, "command_path", ""),
)
def test_command_lists_show_whole_one_line_summaries(command: Any, ctx: Any) -> None:
    listing = command.get_help(ctx).split("\nOptions:\n", 1)[1]
    cut = [line.strip() for line in listing.splitlines() if line.endswith("...")]
    assert not cut, f"summaries cut off in `{ctx.command_path} --help` (see cli/app.py): {cut}"


def test_summaries_name_listed_commands() -> None:
    from smbalance.cli.app import SECTIONS, SUMMARIES

    listed = {name for names in SECTIONS.values() for name in names}
    assert set(SUMMARIES) <= listed


def nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text.split("\nnav:\n", 1)[1]
    return re.findall(r":\s+(\S+\.md)\s*$", nav, re.MULTILINE)


def test_every_nav_page_exists_and_every_page_is_in_the_nav() -> None:
    pages = nav_pages()
    assert "index.md" in pages and "cli-reference.md" in pages
    missing = [p for p in pages if not (DOCS / p).is_file()]
    assert not missing, f"mkdocs.yml nav names missing pages: {missing}"
    on_disk = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert on_disk - set(pages) == set(), "pages missing from the nav"


# ---- documented command lines -------------------------------------------------------


def documented_invocations() -> list[tuple[str, str]]:
    """(page, command line) for every `smbalance …` line in a bash/console block."""
    found = []
    for page in sorted([ROOT / "README.md", *DOCS.rglob("*.md")]):
        if page.name == "cli-reference.md":
            continue
        for match in FENCE.finditer(page.read_text(encoding="utf-8")):
            if match.group(1) not in ("bash", "console", "cron"):
                continue
            text = match.group(2).replace("\\\n", " ")
            for line in text.splitlines():
                line = line.strip().removeprefix("$ ")
                call = INVOCATION.search(line)
                if call and not line.startswith(("#", "python3")):
                    found.append((page.name, line[call.start() :]))
    return found


def words_of(line: str) -> list[str]:
    """The words of the first smbalance invocation on a shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = []
    for word in lexer:
        if word and set(word) <= set("|&;<>"):
            break
        words.append(word)
    return words[1:]  # without "smbalance"


def check_invocation(words: list[str]) -> None:
    """Walk the command tree as Click would; fail on an unknown command or option."""
    root = GEN.root_command()
    command, ctx = root, GEN.make_context(root, GEN.PROG, None)
    pending = list(words)
    while pending:
        word = pending.pop(0)
        if word in ("--help", "-h"):
            return
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            param = next((p for p in command.params if name in p.opts + p.secondary_opts), None)
            if name in ("--install-completion", "--show-completion"):
                return
            assert param is not None, f"{ctx.command_path} has no option {name}"
            if not param.is_flag and "=" not in word and not getattr(param, "count", False):
                pending.pop(0)  # the option's value
            continue
        if GEN.is_group(command):
            sub = command.get_command(ctx, word)
            assert sub is not None, f"{ctx.command_path} has no command {word!r}"
            command, ctx = sub, GEN.make_context(sub, word, ctx)


@pytest.mark.parametrize(
    ("page", "line"), documented_invocations(), ids=lambda v: v if "smbalance" in v else ""
)
def test_documented_commands_and_options_exist(page: str, line: str) -> None:
    check_invocation(words_of(line))


def test_documented_invocations_are_found() -> None:
    pages = {page for page, _ in documented_invocations()}
    assert {"README.md", "tutorial.md", "policy.md", "weekly-cron-report.md"} <= pages

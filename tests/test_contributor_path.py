"""The contributor's path stays true: one test command for README, CI and developers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_COMMAND = 'pip install -e ".[test]" && python -m pytest'
DEMO_COMMAND = "pip install -e . && eerlijkheid demo"


def _quick_starts() -> list[list[str]]:
    """The first bash block of each language section of the README, as lines."""
    text = (ROOT / "README.md").read_text("utf-8")
    nl, en = text.split("\n## English\n")
    blocks = []
    for section in (nl, en):
        block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
        assert block is not None
        blocks.append(block.group(1).strip().splitlines())
    return blocks


def test_readme_quick_start_is_exactly_two_commands():
    for lines in _quick_starts():
        assert lines == [DEMO_COMMAND, TEST_COMMAND]


def test_ci_runs_the_readme_test_command_verbatim():
    lines = (ROOT / ".ci/run").read_text("utf-8").splitlines()
    assert TEST_COMMAND in lines
    # The fast gates come before the minutes-long suite.
    gates = [lines.index(gate) for gate in ("ruff check .", "ruff format --check .", "mypy")]
    assert max(gates) < lines.index(TEST_COMMAND)


def test_changelog_has_a_finding_semantics_section():
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert "\n### Finding semantics\n" in unreleased


def test_pre_commit_runs_the_installed_gates():
    text = (ROOT / ".pre-commit-config.yaml").read_text("utf-8")
    assert "repo: local" in text
    assert "https://" not in text
    for hook in ("id: ruff", "id: ruff-format", "id: mypy"):
        assert hook in text

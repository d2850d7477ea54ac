"""The documentation in docs/ stays true: generated pages are fresh, and every example runs.

* The pages generated from the package (finding codes, the toets mapping, the command
  line reference, the metric table) must match what ``scripts/gen_docs.py`` makes now
  from the registry, the catalogue, the click commands and the metric registry.
* Every code example on every page runs, page by page in a fresh folder, in page order:

  - ``python`` blocks are executed in one namespace per page;
  - ``pycon`` blocks are run as doctests in that namespace (their output is checked);
  - a block with ``title="path"`` (``toml``, ``yaml``, ``python``) is written to that path
    first, so later commands can use it; a titled ``python`` file is executed in its own
    namespace and its ``test_*`` functions are called;
  - in ``bash`` blocks and in ``yaml`` CI snippets, every ``eerlijkheid ...`` command runs
    through the real command line (in-process) and must end with exit code 0, or with the
    code its comment names (``# → exitcode 1``); other shell lines must be on a short list
    of commands that are not run here (``pip install``, ``python -m pytest``).

The strict site build (``mkdocs build --strict``) runs in CI (.ci/run); it needs the
``docs`` extra and is not part of this file.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from eerlijkheid.cli import main
from eerlijkheid.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GENERATOR = ROOT / "scripts" / "gen_docs.py"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^`]*)$")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')
_EXIT = re.compile(r"#\s*→\s*exitcode\s+(?P<code>\d+)")
_YAML_COMMAND = re.compile(r"^\s*(?:-\s+)?(?:run:\s+)?(?P<command>eerlijkheid\s.*)$")
_NOT_RUN = ("pip install", "python -m pytest")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Block:
    language: str
    title: str | None
    code: str
    line: int


def _blocks(text: str) -> Iterator[Block]:
    """Fenced code blocks of a Markdown page (also indented ones, e.g. in admonitions)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        body: list[str] = []
        start = i + 1
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            line = lines[i]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1
        language = info.split()[0] if info else ""
        title = _TITLE.search(info)
        yield Block(language, title["title"] if title else None, "\n".join(body) + "\n", start)


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _pages_with_examples() -> list[Path]:
    runnable = {"python", "py", "pycon", "bash", "sh", "shell", "yaml", "yml", "toml"}
    return [p for p in _pages() if any(b.language in runnable for b in _blocks(p.read_text()))]


def _shell_lines(code: str) -> Iterator[str]:
    joined = code.replace("\\\n", " ")
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _run_cli(line: str, where: str) -> None:
    expected = _EXIT.search(line)
    want = int(expected["code"]) if expected else 0
    argv = shlex.split(os.path.expandvars(line), comments=True)
    assert argv[0] == "eerlijkheid"
    try:
        main(argv[1:])
    except SystemExit as exc:
        got = exc.code if isinstance(exc.code, int) else 1
    else:  # pragma: no cover - main always exits
        got = 0
    assert got == want, f"{where}: `{line}` ended with exit code {got}, the page says {want}"


def _run_page(page: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    rel = page.relative_to(ROOT)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    for block in _blocks(page.read_text("utf-8")):
        where = f"{rel}:{block.line}"
        if block.title is not None:
            target = Path(block.title)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code, encoding="utf-8")
        if block.language in ("python", "py"):
            if block.title is not None:  # a file of its own, e.g. a test module
                module: dict[str, Any] = {"__name__": Path(block.title).stem}
                exec(compile(block.code, where, "exec"), module)
                for name, func in sorted(module.items()):
                    if name.startswith("test_") and callable(func):
                        func()
            else:
                exec(compile(block.code, where, "exec"), namespace)
        elif block.language == "pycon":
            test = doctest.DocTestParser().get_doctest(
                block.code, namespace, where, str(rel), block.line
            )
            result = runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy of the namespace
            assert result.failed == 0, f"{where}: doctest failed (see the output above)"
        elif block.language in ("bash", "sh", "shell"):
            for line in _shell_lines(block.code):
                if line.startswith("eerlijkheid "):
                    _run_cli(line, where)
                else:
                    assert line.startswith(_NOT_RUN), (
                        f"{where}: shell line `{line}` is neither an eerlijkheid command nor "
                        f"one of {_NOT_RUN}; make it runnable or extend the list in this test"
                    )
        elif block.language in ("yaml", "yml"):
            for raw in block.code.splitlines():
                match = _YAML_COMMAND.match(raw)
                if match:
                    _run_cli(match["command"].strip(), where)


def test_generated_pages_are_up_to_date() -> None:
    problems = _generator().check()
    assert not problems, (
        "The generated documentation pages are out of date:\n  "
        + "\n  ".join(problems)
        + "\nRegenerate them with: python scripts/gen_docs.py"
    )


def test_every_code_has_a_page_and_the_index_links_it() -> None:
    gen = _generator()
    from eerlijkheid.findings import CODES

    index = (DOCS / "bevindingen" / "index.md").read_text("utf-8")
    for code in CODES:
        assert (DOCS / "bevindingen" / f"{code}.md").is_file(), code
        assert f"]({code}.md)" in index, code
    toets = (DOCS / "toets.md").read_text("utf-8")
    from eerlijkheid.toets import load_catalogue

    catalogue = load_catalogue()
    for part in catalogue.parts:
        assert f"{{#{part.id}}}" in toets, part.id
        if not part.title_verified:  # never shown as an official title
            assert part.label("nl") in toets
    assert gen.REGENERATE == "python scripts/gen_docs.py"


def test_generated_metric_table_matches_the_registry() -> None:
    """An independent reading of two rows: formulas written out by hand from the masks."""
    text = (DOCS / "maten.md").read_text("utf-8")
    assert "| trefkans (precisie) (`precision`) | `TP / (TP + FP)` | ja | lager |" in text
    assert "| selectiepercentage (`selection_rate`) | `S / n` | nee | hoger | lager |" in text
    from eerlijkheid.metrics import METRICS

    for name in METRICS:
        assert f"(`{name}`)" in text, name


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text("utf-8")
    listed = set(re.findall(r"^\s+-\s+(?:[^:\n]+:\s+)?([\w./-]+\.md)\s*$", nav, flags=re.M))
    for path in listed:
        assert (DOCS / path).is_file(), f"mkdocs.yml lists {path}, which does not exist"
    for page in _pages():
        rel = page.relative_to(DOCS).as_posix()
        if re.fullmatch(r"bevindingen/EE\d{3}\.md", rel):
            continue  # linked from bevindingen/index.md
        assert rel in listed, f"docs/{rel} is not in the nav of mkdocs.yml"


@pytest.mark.parametrize(
    "page", _pages_with_examples(), ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_code_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if "from pyspark" in page.read_text("utf-8"):
        request.getfixturevalue("require_pyspark")  # skipped unless PySpark is chosen
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step-summary.md"))
    monkeypatch.delenv("EERLIJKHEID_LANG", raising=False)
    try:
        _run_page(page)
    finally:
        set_language(None)


def test_block_parser_reads_titles_indents_and_exit_codes() -> None:
    text = (
        "intro\n\n"
        '```toml title="eerlijkheid.toml"\n[roles]\ndecision = "x"\n```\n\n'
        "!!! note\n\n    ```bash\n    eerlijkheid check  # → exitcode 1\n    ```\n"
    )
    blocks = list(_blocks(text))
    assert [(b.language, b.title) for b in blocks] == [
        ("toml", "eerlijkheid.toml"),
        ("bash", None),
    ]
    assert blocks[0].code == '[roles]\ndecision = "x"\n'
    (line,) = _shell_lines(blocks[1].code)
    match = _EXIT.search(line)
    assert match is not None
    assert match["code"] == "1"

"""The house rules of ontwerp.md, enforced: layers, and the public face."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import eerlijkheid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_hold():
    """import-linter: data flows one way; only ingest imports narwhals; pure layers do no I/O."""
    exe = shutil.which("lint-imports")
    cmd = [exe] if exe else [sys.executable, "-m", "importlinter.cli"]
    result = subprocess.run(
        [*cmd, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert "KEPT" in result.stdout


def _top_level_modules() -> set[str]:
    """Every top-level module and package of ``src/eerlijkheid`` (``__init__`` aside)."""
    package = ROOT / "src/eerlijkheid"
    found = {f"eerlijkheid.{path.stem}" for path in package.glob("*.py") if path.stem != "__init__"}
    found |= {
        f"eerlijkheid.{path.name}"
        for path in package.iterdir()
        if path.is_dir() and (path / "__init__.py").is_file()
    }
    return found


def test_narwhals_contract_lists_every_package_but_ingest():
    """A new module or package cannot slip past "Only ingest touches narwhals"."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["name"] == "Only ingest touches narwhals"]
    assert contract["forbidden_modules"] == ["narwhals"]
    listed = set(contract["source_modules"])
    modules = _top_level_modules()
    assert "eerlijkheid.ingest" in modules
    assert "eerlijkheid.ingest" not in listed
    assert modules - {"eerlijkheid.ingest"} == listed, (
        "add the new module to (or drop the old one from) the narwhals contract in "
        "pyproject.toml: missing "
        f"{sorted(modules - listed - {'eerlijkheid.ingest'})}, stale {sorted(listed - modules)}"
    )


def test_package_init_only_reexports():
    """``__init__`` re-exports into a literal ``__all__`` and holds nothing else."""
    tree = ast.parse((ROOT / "src/eerlijkheid/__init__.py").read_text("utf-8"))
    for node in tree.body:
        assert isinstance(node, (ast.ImportFrom, ast.Assign, ast.Expr)), ast.dump(node)
    exported = set(eerlijkheid.__all__)
    assert all(hasattr(eerlijkheid, name) for name in exported)


def test_py_typed_is_shipped():
    assert (ROOT / "src/eerlijkheid/py.typed").is_file()

"""The house rules of ontwerp.md, enforced: layers, and the public face."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import eerlijkheid

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


def test_package_init_only_reexports():
    """``__init__`` re-exports into a literal ``__all__`` and holds nothing else."""
    tree = ast.parse((ROOT / "src/eerlijkheid/__init__.py").read_text("utf-8"))
    for node in tree.body:
        assert isinstance(node, (ast.ImportFrom, ast.Assign, ast.Expr)), ast.dump(node)
    exported = set(eerlijkheid.__all__)
    assert all(hasattr(eerlijkheid, name) for name in exported)


def test_py_typed_is_shipped():
    assert (ROOT / "src/eerlijkheid/py.typed").is_file()

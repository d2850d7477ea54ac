"""Runs the readers' bad-input catalogue (``tests/bad_inputs_readers.py``).

Every case through the Python API; cases with ``cli`` also through the real
``eerlijkheid audit`` command in a subprocess (exit code, one line, no traceback).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bad_inputs_readers import CASES, BadInput
from eerlijkheid.configfile import load_spec
from eerlijkheid.exceptions import EerlijkheidError, EerlijkheidWarning

SRC = Path(__file__).resolve().parents[1] / "src"


def _build(case: BadInput, folder: Path) -> object:
    return case.build(folder)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_api(case: BadInput, tmp_path: Path) -> None:
    data = _build(case, tmp_path)
    with warnings.catch_warnings():
        # e.g. counts that are all multiples of ten; not what these cases check
        warnings.simplefilter("ignore", EerlijkheidWarning)
        if case.error is None:
            result = case.run(data)
            assert case.check is not None, "a success case must check its result"
            case.check(result)
            return
        with pytest.raises(case.error) as info:
            case.run(data)
    assert isinstance(info.value, EerlijkheidError)
    text = str(info.value)
    assert case.fragment in text
    assert "\n" not in text


CLI_CASES = [case for case in CASES if case.cli is not None]

# Runs ``eerlijkheid audit`` for every case in one fresh interpreter (an interpreter per
# case costs seconds each): the command's own entry point, its exit code and stderr.
DRIVER = """
import contextlib, io, json, sys, traceback
from eerlijkheid.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        except BaseException:
            traceback.print_exc()
            code = -1
    results.append([code, err.getvalue()])
print(json.dumps(results))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def test_cli(tmp_path: Path) -> None:
    argvs: list[list[str]] = []
    outputs: list[Path] = []
    for number, case in enumerate(CLI_CASES):
        folder = tmp_path / str(number)
        folder.mkdir()
        data = _build(case, folder)
        assert isinstance(data, Path), case.id
        assert case.cli is not None
        outputs.append(folder / "uit.json")
        argvs.append(["audit", str(data), *case.cli, "-o", str(outputs[-1])])
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(argvs)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=True,
        timeout=600,
    )
    results = json.loads(done.stdout.splitlines()[-1])
    for case, output, (code, stderr) in zip(CLI_CASES, outputs, results, strict=True):
        assert code in case.exit_codes, (case.id, stderr)
        assert "Traceback" not in stderr, (case.id, stderr)
        if case.error is not None:
            assert any(case.fragment in line for line in stderr.splitlines()), (case.id, stderr)
        else:
            assert output.exists(), case.id


def test_cli_real_command(tmp_path: Path) -> None:
    """One case through ``python -m eerlijkheid`` itself: exit 2, one line, no traceback."""
    data = tmp_path / "wrap.csv"
    data.write_bytes(b"g;d;n\na;1;9223372036854775807\na;0;9223372036854775807\nb;0;5\n")
    argv = ["audit", str(data), "--decision", "d", "--groups", "g", "--count", "n"]
    done = subprocess.run(
        [sys.executable, "-m", "eerlijkheid", *argv, "-o", str(tmp_path / "uit.json")],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "9.223.372.036.854.775.807" in line]
    assert len(errors) == 1
    assert "Aantallenkolom 'n'" in errors[0]


def test_toml_with_bom_is_read(tmp_path: Path) -> None:
    """Notepad writes a UTF-8 BOM; TOML forbids it, the reader strips it."""
    path = tmp_path / "eerlijkheid.toml"
    path.write_bytes("\ufeff[roles]\ndecision = 'd'\ngroups = ['g', 'h']\n".encode())
    spec = load_spec(path)
    assert spec.roles.decision == "d"
    assert spec.roles.groups == ("g", "h")

"""The command line: exit codes like a linter, one-line errors, every command and format.

0 — nothing at or above the bar; 1 — findings fail the gate; 2 — usage, config or data error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from eerlijkheid.cli import main
from eerlijkheid.datasets import welfare_reexamination


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    """A municipal CSV export: semicolons, decimal commas, ja/nee."""
    folder = tmp_path_factory.mktemp("data")
    frame = welfare_reexamination(n=6_000, seed=5)
    frame = frame.assign(
        geselecteerd=frame["geselecteerd"].map({True: "ja", False: "nee"}),
        aselect=frame["aselect"].map({True: "j", False: "n"}),
    )
    path = folder / "extract.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    return path


@pytest.fixture(scope="module")
def fair(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fair")
    path = folder / "fair.csv"
    welfare_reexamination(n=6_000, seed=6, bias=False).to_csv(path, index=False)
    return path


ROLES = [
    "--decision",
    "geselecteerd",
    "--groups",
    "migratieachtergrond,geslacht",
    "--random-sample",
    "aselect",
    "--reference",
    "migratieachtergrond=geen",
    "--order",
    "1",
]


def test_demo_writes_the_html_report(tmp_path, capsys):
    out = tmp_path / "rapport.html"
    assert run(["demo", "--output", str(out)]) == 0
    assert "Rapport geschreven" in capsys.readouterr().out
    text = out.read_text("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "niet-westers" in text


def test_demo_is_deterministic_and_in_english_on_request(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert run(["--taal", "en", "demo", "-o", str(a)]) == 0
    assert run(["--taal", "en", "demo", "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_check_exit_codes(extract, fair, capsys):
    assert run(["check", str(extract), *ROLES, "--fail-on", "high"]) == 1
    out = capsys.readouterr().out
    assert "EE201" in out and "niet-westers" in out
    assert run(["check", str(extract), *ROLES, "--fail-on", "high", "--exit-zero"]) == 0
    assert run(["check", str(fair), *ROLES, "--fail-on", "high"]) == 0


def test_check_baseline_new_unchanged_resolved_stale(extract, fair, tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    assert (
        run(
            [
                "check",
                str(extract),
                *ROLES,
                "--fail-on",
                "medium",
                "--write-baseline",
                str(baseline),
                "--exit-zero",
            ]
        )
        == 0
    )
    entries = json.loads(baseline.read_text("utf-8"))["findings"]
    assert entries and all(len(e["fingerprint"]) == 16 for e in entries)
    capsys.readouterr()
    # Same data against its own baseline: everything unchanged, the gate passes.
    assert (
        run(
            [
                "check",
                str(extract),
                *ROLES,
                "--fail-on",
                "medium",
                "--baseline",
                str(baseline),
                "--format",
                "json",
            ]
        )
        == 0
    )
    capsys.readouterr()
    # Fair data: the baseline findings are resolved, nothing new.
    assert (
        run(["check", str(fair), *ROLES, "--fail-on", "medium", "--baseline", str(baseline)]) == 0
    )
    # A baseline entry for an attribute no longer audited is stale.
    data = json.loads(baseline.read_text("utf-8"))
    data["findings"].append(
        {
            **entries[0],
            "fingerprint": "0" * 16,
            "subject": {**entries[0]["subject"], "attributes": ["wijk"]},
        }
    )
    baseline.write_text(json.dumps(data), "utf-8")
    capsys.readouterr()
    assert (
        run(
            [
                "check",
                str(fair),
                *ROLES,
                "--fail-on",
                "medium",
                "--baseline",
                str(baseline),
                "--format",
                "markdown",
            ]
        )
        == 0
    )
    # New findings not in an (empty) baseline fail.
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"schema_version": 1, "findings": []}), "utf-8")
    assert run(["check", str(extract), *ROLES, "--fail-on", "high", "--baseline", str(empty)]) == 1


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "markdown"])
def test_check_formats(extract, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    assert (
        run(
            [
                "check",
                str(extract),
                *ROLES,
                "--fail-on",
                "high",
                "--format",
                fmt,
                "--output",
                str(out),
                "--exit-zero",
            ]
        )
        == 0
    )
    text = out.read_text("utf-8")
    assert "EE201" in text
    if fmt == "json":
        assert json.loads(text)["schema_version"] == 1


def test_audit_writes_outputs_by_suffix(extract, tmp_path):
    html, js, md = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.md"
    assert run(["audit", str(extract), *ROLES, "-o", str(html), "-o", str(js), "-o", str(md)]) == 0
    assert html.read_text("utf-8").lower().lstrip().startswith("<!doctype html")
    assert json.loads(js.read_text("utf-8"))["provenance"]["rows"] == 6_000
    assert "EE201" in md.read_text("utf-8")


def test_audit_with_a_config_file(extract, tmp_path):
    config = tmp_path / "eerlijkheid.toml"
    config.write_text(
        f'[data]\npath = "{extract.as_posix()}"\n[roles]\ndecision = "geselecteerd"\n'
        'groups = ["migratieachtergrond"]\nrandom_sample = "aselect"\n'
        '[reference]\nmigratieachtergrond = "geen"\n',
        "utf-8",
    )
    out = tmp_path / "r.json"
    assert run(["audit", "--config", str(config), "-o", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))["roles"]["groups"] == ["migratieachtergrond"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["check", "missing.csv", "--decision", "d", "--groups", "g"], "missing.csv"),
        (["check", "{extract}", "--decision", "geselecteerd", "--groups", "herkomst"], "herkomst"),
        (
            ["check", "{extract}", "--decision", "geslacht", "--groups", "migratieachtergrond"],
            "geslacht",
        ),
        (["check", "{extract}", "--config", "{broken}"], "broken.toml"),
        (["check", "{extract}"], "--decision"),
        (["explain", "EE999"], "EE999"),
        (["check", "{extract}", *ROLES, "--fail-on", "severe"], "severe"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, fragment, extract, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no eerlijkheid.toml to discover
    broken = tmp_path / "broken.toml"
    broken.write_text("[roles\ndecision = ", "utf-8")
    argv = [a.replace("{extract}", str(extract)).replace("{broken}", str(broken)) for a in argv]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err
    assert (
        len(
            [
                line
                for line in err.splitlines()
                if line.startswith(("fout", "error", "Error", "Usage"))
            ]
        )
        >= 1
    )


def test_explain_toets_plan(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(["explain", "EE202"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("EE202 selection-above-random-sample")
    assert run(["--taal", "en", "explain", "ee101"]) == 0
    assert "What to do" in capsys.readouterr().out
    assert run(["toets"]) == 0
    out = capsys.readouterr().out
    assert "Bepalen van het onderzoeksproces" in out and "werktitel" in out
    assert run(["plan", "--decision", "d", "--groups", "g"]) == 0
    out = capsys.readouterr().out
    assert "[nee]" in out and "[ja ]" in out


def test_small_cells_never_leave_the_cli(tmp_path):
    frame = pd.DataFrame(
        {"g": ["groot"] * 300 + ["klein"] * 7, "d": [1, 0] * 150 + [1, 1, 1, 0, 0, 0, 0]}
    )
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    for suffix in ("html", "json", "md", "txt"):
        out = tmp_path / f"r.{suffix}"
        assert (
            run(
                [
                    "audit",
                    str(data),
                    "--decision",
                    "d",
                    "--groups",
                    "g",
                    "--reference",
                    "g=groot",
                    "-o",
                    str(out),
                ]
            )
            == 0
        )
        text = out.read_text("utf-8")
        for line in text.splitlines():
            if "klein" in line:
                assert "42,9" not in line and "42.9" not in line
                assert "3/7" not in line and '"group_denominator": 7' not in line


def test_console_script(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "eerlijkheid", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "check" in result.stdout


def test_process_roles_as_options(tmp_path):
    data = tmp_path / "proces.csv"
    welfare_reexamination(n=8_000, seed=9).to_csv(data, index=False)
    out = tmp_path / "r.json"
    assert (
        run(
            [
                "audit",
                str(data),
                "--decision",
                "geselecteerd",
                "--groups",
                "migratieachtergrond",
                "--stages",
                "geselecteerd_model",
                "--handler",
                "team",
                "--score",
                "risicoscore",
                "--outcome",
                "onrechtmatig",
                "--random-sample",
                "aselect",
                "--reference",
                "migratieachtergrond=geen",
                "-o",
                str(out),
                "-o",
                str(tmp_path / "r.html"),
            ]
        )
        == 0
    )
    result = json.loads(out.read_text("utf-8"))
    assert result["chain"]["shape"] == "funnel"
    assert result["roles"]["handler"] == "team" and result["roles"]["score"] == "risicoscore"
    assert 'id="chain"' in (tmp_path / "r.html").read_text("utf-8")

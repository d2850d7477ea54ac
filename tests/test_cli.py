"""The command line: exit codes like a linter, one-line errors, every command and format.

0 — nothing at or above the bar; 1 — findings fail the gate; 2 — usage, config or data error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_inputs_cli import (
    ADVICE,
    CASES,
    INJECTION,
    ONE_LINE,
    OVERWRITE,
    REFUSED,
    SRC,
    WARNING,
    Case,
    first_error_line,
    make_workspace,
    run_all,
)
from eerlijkheid import audit
from eerlijkheid.cli import main
from eerlijkheid.config import AuditConfig
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.gate import BaselineEntry, dump_baseline, load_baseline
from eerlijkheid.i18n import environment_problem, get_language, set_language


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


# ------------------------------------------------- issue 14: the bad-input catalogue


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, Any]]:
    """Run the whole catalogue once (in parallel); the cases below check one run each."""
    root = make_workspace(tmp_path_factory.mktemp("bad-inputs"))
    originals = {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    }
    return root, originals, run_all(CASES, root)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_catalogue(case: Case, bad_runs) -> None:
    """Each case of tests/bad_inputs_cli.py keeps its promise through the real command."""
    root, originals, runs = bad_runs
    result = runs[case.id]
    assert result.returncode in case.exit_codes, (case.promise, result.stderr)
    assert "Traceback" not in result.stderr, case.promise
    if result.returncode == 2:
        line = first_error_line(result.stderr)
        assert case.first_line in line, (case.promise, result.stderr)
    for fragment in case.stderr:
        assert fragment in result.stderr, (case.promise, fragment, result.stderr)
    for fragment in case.absent:
        assert fragment not in result.stderr, (case.promise, fragment, result.stderr)
    for name in case.unchanged:
        assert (root / name).read_bytes() == originals[name], (case.promise, name)


def test_every_promise_has_a_case_and_the_docs_list_them() -> None:
    promises = {OVERWRITE, ONE_LINE, REFUSED, ADVICE, WARNING, INJECTION}
    assert {c.promise for c in CASES} == promises
    assert len({c.id for c in CASES}) == len(CASES)
    docs = (Path(__file__).resolve().parents[1] / "docs" / "ci-poort.md").read_text("utf-8")
    assert "tests/bad_inputs_cli.py" in docs
    for promise in promises:
        assert promise in docs, promise


# Labels with control characters (ANSI escapes, bell, CR/LF, tab, NUL), quotes, separators
# and non-ASCII letters; the group column holds a few of them, the decision stays valid.
_LABEL = st.lists(
    st.one_of(
        st.sampled_from(["\x1b[31m", "\x07", "\r", "\n", "\t", "\x00", '"', ";", ",", "|", " "]),
        st.characters(min_codepoint=32, max_codepoint=0x17F),
    ),
    max_size=6,
).map("".join)


@st.composite
def _csv_files(draw: st.DrawFn) -> tuple[bytes, int | None]:
    """A CSV in a random dialect (and its number of data rows), or random bytes (None)."""
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter: any bytes at all
        return draw(st.binary(max_size=300)), None
    labels = ["groep a", "groep b", *draw(st.lists(_LABEL, max_size=3))]
    # Two plain groups with both decisions, so that most files get audited and counted.
    rows = [("groep a", True), ("groep a", False), ("groep b", True), ("groep b", False)]
    rows += draw(st.lists(st.tuples(st.sampled_from(labels), st.booleans()), max_size=36))
    rows = draw(st.permutations(rows))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    yes, no = draw(st.sampled_from([("1", "0"), ("ja", "nee"), ("True", "False")]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=sep,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(["g", "d"])
    writer.writerows((label, yes if chosen else no) for label, chosen in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    try:
        return buffer.getvalue().encode(encoding), len(rows)
    except UnicodeEncodeError:
        return buffer.getvalue().encode("utf-8"), len(rows)


_FUZZ_ROLES = ("--decision", "d", "--groups", "g", "--order", "1", "--format", "json")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_csv_files())
def test_cli_fuzz_never_loses_a_row(file: tuple[bytes, int | None]) -> None:
    """Issue 14: any file → exit 0/1/2, no traceback, the input unchanged, every row counted."""
    content, rows = file
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder, "data.csv")
        data.write_bytes(content)
        env = {k: v for k, v in os.environ.items() if k != "EERLIJKHEID_LANG"}
        env["PYTHONPATH"] = str(SRC)
        result = subprocess.run(
            [sys.executable, "-m", "eerlijkheid", "check", "data.csv", *_FUZZ_ROLES],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode in (0, 1, 2), result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert data.read_bytes() == content
        if result.returncode in (0, 1) and rows is not None:
            assert json.loads(result.stdout)["provenance"]["rows"] == rows, result.stderr


# ------------------------------------------------ issue 14: in-process unit checks


def test_sep_and_encoding_reach_the_reader_from_options_and_config(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = "".join(f"{g}:{int(i % 3 == 0)}\n" for i, g in enumerate(["één", "twee"] * 20))
    data = tmp_path / "dubbelepunt.txt"
    data.write_bytes(("groep:d\n" + rows).encode("latin-1"))
    roles = ["--decision", "d", "--groups", "groep", "--format", "json", "--exit-zero"]
    assert run(["check", str(data), *roles]) == 2  # the colon is not sniffed
    capsys.readouterr()
    assert run(["check", str(data), *roles, "--sep", ":", "--encoding", "latin-1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {r["group"][0] for r in result["rates"]} == {"één", "twee"}
    config = tmp_path / "eerlijkheid.toml"
    config.write_text(
        f'[data]\npath = "{data.name}"\nsep = ":"\nencoding = "latin-1"\n'
        '[roles]\ndecision = "d"\ngroups = ["groep"]\n',
        "utf-8",
    )
    assert run(["check", "--format", "json", "--exit-zero"]) == 0
    out, err = capsys.readouterr()
    assert {r["group"][0] for r in json.loads(out)["rates"]} == {"één", "twee"}
    assert f"configuratie: {config}" in err  # said on stderr, the JSON on stdout stays clean


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b'{"schema_version": 1, "findings": {}}', "findings moet array zijn, niet object"),
        (b'{"schema_version": 2, "findings": []}', "schema_version is 2"),
        (b'{"schema_version": true, "findings": []}', "schema_version is true"),
        (b'{"findings": []}', "schema_version is null"),
        (b'{"schema_version": 1}', "findings ontbreekt"),
        (b'{"schema_version": 1, "findings": [], "extra": 1}', "onbekende sleutel 'extra'"),
        (b'{"schema_version": 1, "findings": [3]}', "findings[0] moet object zijn"),
        (
            b'{"schema_version": 1, "findings": [{"fingerprint": "f", "code": "EE101"}]}',
            "findings[0].severity ontbreekt",
        ),
        (
            b'{"schema_version": 1, "findings": [{"fingerprint": "f", "code": "EE101",'
            b' "severity": "high", "certainty": "zeker"}]}',
            "findings[0].certainty is 'zeker'",
        ),
        (
            b'{"schema_version": 1, "findings": [{"fingerprint": 1, "code": "EE101",'
            b' "severity": "high", "certainty": "established"}]}',
            "findings[0].fingerprint moet string zijn, niet number",
        ),
        (b"{", "geen geldige JSON"),
        (b"\xef\xbb\xbf\xff", "geen UTF-8-tekst (byte 3)"),
    ],
)
def test_a_bad_baseline_is_one_line_naming_the_file_and_the_key(text, fragment):
    with pytest.raises(ConfigError) as info:
        load_baseline(text, source="b.json")
    message = str(info.value)
    assert message.startswith("b.json is geen geldig baselinebestand")
    assert fragment in message
    assert "\n" not in message


def test_a_written_baseline_reads_back():
    entries = (BaselineEntry("f1", "EE201", "high", "not-applicable", {"attributes": ["g"]}),)
    assert load_baseline(dump_baseline(entries).encode("utf-8")) == entries


def test_the_language_variable_is_checked_by_name(monkeypatch):
    monkeypatch.setenv("EERLIJKHEID_LANG", "fr")
    problem = environment_problem()
    assert problem is not None and "EERLIJKHEID_LANG" in problem and "'fr'" in problem
    with pytest.raises(ValueError, match="EERLIJKHEID_LANG"):
        get_language()
    set_language("en")  # an explicit choice does not read the variable
    try:
        assert get_language() == "en"
    finally:
        set_language(None)
    monkeypatch.setenv("EERLIJKHEID_LANG", "")
    assert environment_problem() is None and get_language() == "nl"


def test_an_unknown_declared_ground_suggests_the_nearest():
    frame = pd.DataFrame({"g": ["a", "b"] * 20, "d": [0, 1, 1, 0] * 10})
    with pytest.raises(ConfigError, match=r"'nationalty'.*Bedoelde u 'nationality'\?"):
        audit(
            frame,
            decision="d",
            groups="g",
            config=AuditConfig(declared_grounds={"kenmerk": "nationalty"}),
        )

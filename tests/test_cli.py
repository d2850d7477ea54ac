"""The command line: the demo writes a report; usage errors exit with code 2."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from eerlijkheid import count_table, disparities, group_metrics
from eerlijkheid.cli import main
from eerlijkheid.report import render_rates_markdown


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_demo_writes_a_dutch_report(tmp_path, capsys):
    out = tmp_path / "rapport.md"
    assert run(["demo", "--output", str(out)]) == 0
    assert "Rapport geschreven" in capsys.readouterr().out
    text = out.read_text("utf-8")
    assert text.startswith("# Demo-audit")
    assert "Verschillen met de referentiegroep" in text
    # The injected disparity (niet-westers vs geen in the manual step) is visible.
    row = next(line for line in text.splitlines() if "| niet-westers | geen |" in line)
    ratio = float(row.split("|")[4].strip().replace(",", "."))
    assert ratio > 1.5


def test_demo_in_english_and_deterministic(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    assert run(["--taal", "en", "demo", "-o", str(a)]) == 0
    assert run(["--taal", "en", "demo", "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert "Disparities against the reference group" in a.read_text("utf-8")


def test_usage_error_exits_2(capsys):
    assert run(["demo", "--bogus"]) == 2
    assert run(["nonexistent-command"]) == 2


def test_console_script_is_installed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "eerlijkheid", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_small_cells_never_show_their_count_or_rate():
    rows = pd.DataFrame(
        {"g": ["groot"] * 200 + ["klein"] * 7, "d": [1, 0] * 100 + [1, 1, 1, 0, 0, 0, 0]}
    )
    table = count_table(rows, decision="d", groups="g")
    rates = group_metrics(table, metrics=["selection_rate"])
    text = render_rates_markdown("t", rates, disparities(table), language="nl")
    klein = [line for line in text.splitlines() if "klein" in line]
    assert klein, text
    for line in klein:
        assert "onderdrukt" in line
        assert not re.search(r"\b7\b|\b3\b|42,9|42\.9", line), line
    assert "| groot | 200 | 50,0% |" in text


@pytest.mark.parametrize("label", ["<script>", "a|b", "*x*"])
def test_user_labels_are_escaped_in_markdown(label):
    rows = pd.DataFrame({"g": [label] * 20 + ["b"] * 20, "d": [1, 0] * 20})
    table = count_table(rows, decision="d", groups="g")
    text = render_rates_markdown(
        "t", group_metrics(table, metrics=["selection_rate"]), disparities(table), language="en"
    )
    assert f"| {label} |" not in text

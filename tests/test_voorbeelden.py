"""Every example in voorbeelden/ runs, in a subprocess, and produces what it promises.

The scripts start at once (one subprocess each, plus a pytest run of the CI example's test
file) and each test waits for its own.  The checks are on the files written, the exit
codes the examples document, and key figures — recomputed here by hand from the published
counts or the datasets' documented truth, not copied from a run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pyarrow.parquet as pq
import pytest

from eerlijkheid.datasets import address_checks_truth, wmo_allocation

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "voorbeelden"
SHARED = ROOT.parent / "shared" / "cases-raw" / "duo-cub"
TIMEOUT = 300

SCRIPTS = {
    "datateam_csv": ["datateam_csv.py"],
    "auditor_cli": ["auditor_cli.py"],
    "ci_poort": ["ci_poort/poort.py"],
    "duo_casus": ["duo_casus.py"],
    "grote_data": ["grote_data.py"],
    "grote_data_polars": ["grote_data.py", "--engine", "polars", "--rijen", "30000"],
    "proxy_zonder_groep": ["proxy_zonder_groep.py"],
}


@dataclass
class Run:
    """A started example; ``result()`` waits for it once."""

    process: subprocess.Popen[str]
    folder: Path
    _output: tuple[int, str, str] | None = field(default=None, init=False)

    def result(self) -> tuple[int, str, str]:
        if self._output is None:
            stdout, stderr = self.process.communicate(timeout=TIMEOUT)
            self._output = (self.process.returncode, stdout, stderr)
        return self._output


def _start(command: list[str], folder: Path, cwd: Path) -> Run:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("EERLIJKHEID_LANG", None)  # the examples speak Dutch, the default
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    return Run(process, folder)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    started: dict[str, Run] = {}
    for name, (script, *extra) in SCRIPTS.items():
        folder = tmp_path_factory.mktemp(name)
        command = [sys.executable, str(EXAMPLES / script), str(folder), *extra]
        # Run from an unrelated folder: the examples must not depend on the working dir.
        started[name] = _start(command, folder, cwd=folder)
    folder = tmp_path_factory.mktemp("ci_pytest")
    started["ci_pytest"] = _start(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(EXAMPLES / "ci_poort" / "test_eerlijk.py"),
        ],
        folder,
        cwd=ROOT,
    )
    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.communicate()


def _succeeded(run: Run) -> str:
    code, stdout, stderr = run.result()
    assert code == 0, f"exit code {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    return stdout


# --- 1. the data team's script --------------------------------------------------------------


def test_datateam_csv(runs: dict[str, Run]) -> None:
    stdout = _succeeded(runs["datateam_csv"])
    folder = runs["datateam_csv"].folder
    for name in ("export_wmo_2025.csv", "rapport.html", "rapport.json", "tabel.csv"):
        assert (folder / name).stat().st_size > 0, name
    # The export uses Dutch conventions: ';', decimal commas, Windows-1252 (the euro sign
    # is byte 0x80 there, which is not valid UTF-8).
    raw = (folder / "export_wmo_2025.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = raw.decode("cp1252").splitlines()[0]
    assert header.split(";")[9] == "eigen_bijdrage_€"
    # It holds exactly the documented dataset, read back with plain pandas.
    exported = pd.read_csv(folder / "export_wmo_2025.csv", sep=";", decimal=",", encoding="cp1252")
    expected = wmo_allocation(10_000, seed=2026).rename(
        columns={"eigen_bijdrage": "eigen_bijdrage_€"}
    )
    assert exported.shape == expected.shape
    pd.testing.assert_series_equal(
        exported["eigen_bijdrage_€"], expected["eigen_bijdrage_€"], check_dtype=False
    )
    assert (exported["toegekend"] == expected["toegekend"]).all()
    assert "Ingelezen: 10.000 aanvragen, 11 kolommen" in stdout
    assert "eigen bijdrage is een getal: float64" in stdout
    # The key figures: the strict team and the disparity at equal need.
    match = re.search(r"In wijkteam B krijgt groep niet-westers (\d),(\d\d)× zo vaak steun", stdout)
    assert match is not None, stdout
    assert abs(float(f"{match[1]}.{match[2]}") - 0.5) < 0.15
    assert "Het verschil naar leeftijd verdwijnt" in stdout
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    found = {(f["code"], tuple(f["subject"]["group"])) for f in report["findings"]}
    assert ("EE201", ("niet-westers",)) in found
    assert ("EE511", ("niet-westers",)) in found
    assert not any(code == "EE511" and group[:1] == ("18-44",) for code, group in found)
    assert (folder / "rapport.html").read_text(encoding="utf-8").lstrip().startswith("<!")
    table = pd.read_csv(folder / "tabel.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert {"metric", "group", "ratio", "ratio_low", "ratio_high"} <= set(table.columns)


# --- 2. the auditor's command-line run ------------------------------------------------------


def test_auditor_cli(runs: dict[str, Run]) -> None:
    stdout = _succeeded(runs["auditor_cli"])
    folder = runs["auditor_cli"].folder
    for name in (
        "adrescontroles_2025.csv",
        "eerlijkheid.toml",
        "onderzoeksplan.txt",
        "rapport.html",
        "rapport.json",
        "rapport.md",
    ):
        assert (folder / name).stat().st_size > 0, name
    assert stdout.count("[exitcode 0]") == 3
    assert "$ eerlijkheid plan --config eerlijkheid.toml" in stdout
    assert "EE202 selection-above-random-sample" in stdout  # explain
    plan = (folder / "onderzoeksplan.txt").read_text(encoding="utf-8")
    assert "[ja ] deel-3  Is het profiel geschikt?" in plan
    assert "[nee]" in plan
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    subjects = {(f["code"], tuple(f["subject"]["group"])) for f in report["findings"]}
    assert ("EE201", ("niet-westers",)) in subjects
    assert ("EE202", ("niet-westers",)) in subjects
    unrelated = {f["subject"]["column"] for f in report["findings"] if f["code"] == "EE523"}
    assert "postcodegebied" in unrelated  # the proxy does not predict violations
    assert "EE201" in (folder / "rapport.md").read_text(encoding="utf-8")


# --- 3. the CI gate --------------------------------------------------------------------------


def test_ci_gate(runs: dict[str, Run]) -> None:
    stdout = _succeeded(runs["ci_poort"])
    folder = runs["ci_poort"].folder
    summary = stdout[stdout.index("Samenvatting") :]
    assert re.findall(r"exitcode (\d)", summary) == ["0", "0", "1", "2"]
    baseline = json.loads((folder / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["schema_version"] == 1
    assert baseline["findings"] == []  # model v1 has no blocking finding
    junit = ElementTree.parse(folder / "junit_v2.xml").getroot()
    assert int(junit.get("failures", "0")) > 0
    failing = [
        case.get("name", "") for case in junit.iter("testcase") if case.find("failure") is not None
    ]
    assert any(name.startswith("EE201 migratieachtergrond=niet-westers") for name in failing)
    assert "Kolom 'bestaat_niet'" in stdout  # the data error behind exit code 2


def test_ci_pytest_file(runs: dict[str, Run]) -> None:
    stdout = _succeeded(runs["ci_pytest"])
    assert re.search(r"\b2 passed\b", stdout), stdout


# --- 4. DUO -----------------------------------------------------------------------------------


def _published_2014() -> dict[str, tuple[int, int, int, int]]:
    """Hand calculation of the 2014 figures from the example's own stated counts."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        import duo_casus
    finally:
        sys.path.remove(str(EXAMPLES))
    cells = duo_casus.PUBLISHED
    out: dict[str, tuple[int, int, int, int]] = {}
    for name, categories in (("hoog", (1, 2)), ("alle", (1, 2, 3, 4, 5, 6))):
        ne_sel = sum(cells[(2014, k)][0][0] for k in categories)
        ne_all = sum(sum(cells[(2014, k)][0]) for k in categories)
        nl_sel = sum(cells[(2014, k)][1][0] for k in categories)
        nl_all = sum(sum(cells[(2014, k)][1]) for k in categories)
        out[name] = (ne_sel, ne_all, nl_sel, nl_all)
    return out


@pytest.mark.usefixtures("shared_cases")
def test_duo_counts_are_the_published_cbs_cells() -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import duo_casus
    finally:
        sys.path.remove(str(EXAMPLES))
    for year, filename in (
        (2014, "table1_population_2014.csv"),
        (2019, "table2_population_2019.csv"),
    ):
        table = pd.read_csv(SHARED / filename).set_index("category")
        for category in range(1, 7):
            stated = duo_casus.PUBLISHED[(year, category)]
            for answer, position in (("yes", 0), ("no", 1)):
                row = table.loc[f"Risk category {category} & Selected for control: {answer}"]
                assert stated[0][position] == row["origin_outside_europe"]
                assert stated[1][position] == row["born_nl_x_origin_nl"]


def test_duo_casus(runs: dict[str, Run]) -> None:
    stdout = _succeeded(runs["duo_casus"])
    folder = runs["duo_casus"].folder
    figures = _published_2014()
    ne_sel, ne_all, nl_sel, nl_all = figures["alle"]
    assert (ne_sel, ne_all, nl_sel, nl_all) == (2_000, 54_800, 1_050, 178_210)
    assert round((ne_sel / ne_all) / (nl_sel / nl_all), 1) == 6.2  # published 6.2
    high = figures["hoog"]
    assert round((high[0] / high[1]) / (high[2] / high[3]), 1) == 5.5  # published 5.5
    assert "Stap 'risico hoog': 15.390/54.800 tegen 25.280/178.210: 2,0×" in stdout
    assert "Stap 'geselecteerd' (ruw): 2.000/54.800 tegen 1.050/178.210: 6,2×" in stdout
    assert "Binnen hoog risico: 1.780/15.390 tegen 530/25.280: 5,5×" in stdout
    assert stdout.count("Het verschil ontstaat vooral in stap: geselecteerd") == 2
    section_2019 = stdout[stdout.index("=== DUO 2019 ===") :]
    assert ": 0,9×" in section_2019  # the risk model: no disparity in 2019
    for year in (2014, 2019):
        report = json.loads((folder / f"rapport_duo_{year}.json").read_text(encoding="utf-8"))
        (step,) = [f for f in report["findings"] if f["code"] == "EE501"]
        assert step["subject"]["stage"] == "geselecteerd"
        assert step["subject"]["group"] == ["buiten Europa"]
        assert any(f["code"] == "EE403" for f in report["findings"])  # rounded counts
        assert (folder / f"rapport_duo_{year}.html").stat().st_size > 0


# --- 5. large data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "engine"),
    [("grote_data", 100_000, "duckdb"), ("grote_data_polars", 30_000, "polars")],
)
def test_grote_data(runs: dict[str, Run], name: str, rows: int, engine: str) -> None:
    stdout = _succeeded(runs[name])
    folder = runs[name].folder
    assert pq.ParquetFile(folder / "adrescontroles.parquet").metadata.num_rows == rows
    assert f"Audit met {engine}: {rows:,} rijen".replace(",", ".") in stdout
    match = re.search(r"\(95%-interval (\d),(\d+)–(\d),(\d+)\)", stdout)
    assert match is not None, stdout
    low, high = float(f"{match[1]}.{match[2]}"), float(f"{match[3]}.{match[4]}")
    assert low > 1.0  # the proxy's disparity is found
    if rows >= 100_000:
        assert low <= address_checks_truth().flag_ratio <= high
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    assert report["provenance"]["rows"] == rows


# --- the README lists every example -----------------------------------------------------------


def test_proxy_zonder_groep(runs: dict[str, Run]) -> None:
    """Composition estimate against the rates pandas computes from the rows it never used."""
    code, stdout, stderr = runs["proxy_zonder_groep"].result()
    assert code == 0, stderr
    folder = runs["proxy_zonder_groep"].folder
    summary = json.loads((folder / "samenvatting.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "selecties_en_samenstelling.csv", sep=";", decimal=",")
    assert len(table) == 8 and table["zaken"].sum() == 20_000
    from eerlijkheid.datasets import address_checks

    frame = address_checks(n=20_000, seed=0)
    known = frame[frame["migratieachtergrond"].notna()]
    actual = known["gecontroleerd"].eq("ja").groupby(known["migratieachtergrond"]).mean()
    for group, record in summary["composition"].items():
        assert record["lower_bound"] <= actual[group] <= record["upper_bound"]
        # homogeneity holds in this generator (selection depends on area, not on origin)
        assert abs(record["rate"] - actual[group]) < 0.01, group
    assert summary["findings"] == ["EE601", "EE603"]
    (proxy,) = summary["proxy_findings"]
    assert proxy == {"code": "EE601", "column": "postcodegebied", "group": ["niet-westers"]}
    assert "zonder aanname tussen" in stdout


def test_readme_lists_every_example() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    scripts = [*sorted(EXAMPLES.glob("*.py")), EXAMPLES / "ci_poort" / "poort.py"]
    for script in scripts:
        assert script.name in readme, script.name
        assert any(script.name == command[0].split("/")[-1] for command in SCRIPTS.values())
    assert "## English" in readme
    assert "test_eerlijk.py" in readme
    assert (EXAMPLES / ".gitignore").read_text(encoding="utf-8").split() == ["uitvoer/"]

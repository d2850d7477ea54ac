"""Voorbeeld 3 — de CI-poort van een modelrepository: ``eerlijkheid check`` met een baseline.

Een team onderhoudt een risicomodel (``risicomodel.py``).  Bij elke wijziging draait de
CI-pijplijn het model op een vaste synthetische cohort en laat ``eerlijkheid check`` de
selecties keuren, zoals een linter:

* exitcode 0: niets haalt de lat (of alleen bevindingen die al in de baseline staan);
* exitcode 1: nieuwe of verslechterde bevindingen — de build faalt;
* exitcode 2: een fout in gebruik, configuratie of data.

Dit script speelt vier runs na:

1. model v1, eerste keer: ``--write-baseline`` legt de geaccepteerde stand vast (exit 0);
2. model v1 opnieuw, tegen de baseline (exit 0);
3. model v2 (met taalvaardigheid, getraind op scheve historische controles), tegen de
   baseline: nieuwe bevindingen, exit 1; het rapport als JUnit-XML voor de CI;
4. een verkeerde kolomnaam: exit 2.

In een echte pijplijn (bijvoorbeeld GitHub Actions) is het één stap::

    python risicomodel_scoren.py > selecties.csv
    eerlijkheid check selecties.csv --config eerlijkheid.toml --baseline baseline.json \\
        --format github

Daarnaast staat in ``test_eerlijk.py`` dezelfde eis als pytest-test, met
``eerlijkheid.testing.assert_no_findings``.

Gebruik::

    python voorbeelden/ci_poort/poort.py [uitvoermap]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import risicomodel  # noqa: E402

CONFIG = HERE / "eerlijkheid.toml"


def output_dir(argv: list[str]) -> Path:
    default = HERE.parent / "uitvoer" / "ci_poort"
    folder = Path(argv[1]) if len(argv) > 1 else default
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check(arguments: list[str], folder: Path) -> int:
    """Draai ``eerlijkheid check`` en toon de uitvoer en de exitcode."""
    command = [sys.executable, "-m", "eerlijkheid", "check", *arguments]
    print(f"\n$ eerlijkheid check {' '.join(arguments)}")
    completed = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, encoding="utf-8", check=False
    )
    for stream in (completed.stdout, completed.stderr):
        if stream.strip():
            print(stream.rstrip())
    print(f"[exitcode {completed.returncode}]")
    return completed.returncode


def main(argv: list[str]) -> int:
    folder = output_dir(argv)
    for version in ("v1", "v2"):
        selections = risicomodel.selections(version)
        selections.to_csv(folder / f"selecties_{version}.csv", sep=";", index=False)
    print(f"Selecties van model v1 en v2 geschreven in {folder}")
    config = ["--config", str(CONFIG)]
    v1_inputs = ["--inputs", ",".join(risicomodel.FEATURES["v1"])]
    v2_inputs = ["--inputs", ",".join(risicomodel.FEATURES["v2"])]

    codes = {
        "eerste run v1, baseline schrijven": check(
            ["selecties_v1.csv", *config, *v1_inputs, "--write-baseline", "baseline.json"],
            folder,
        ),
        "v1 tegen de baseline": check(
            ["selecties_v1.csv", *config, *v1_inputs, "--baseline", "baseline.json"], folder
        ),
        "v2 tegen de baseline": check(
            [
                "selecties_v2.csv",
                *config,
                *v2_inputs,
                "--baseline",
                "baseline.json",
                "--format",
                "junit",
                "-o",
                "junit_v2.xml",
            ],
            folder,
        ),
        "verkeerde kolom": check(
            ["selecties_v1.csv", *config, "--decision", "bestaat_niet"], folder
        ),
    }
    junit = ElementTree.parse(folder / "junit_v2.xml").getroot()
    print(f"\njunit_v2.xml: {junit.get('failures')} van {junit.get('tests')} testgevallen falen:")
    for case in junit.iter("testcase"):
        if case.find("failure") is not None:
            print(f"  {case.get('name')}")
    print("\nSamenvatting (verwacht: 0, 0, 1, 2):")
    for name, code in codes.items():
        print(f"  {name}: exitcode {code}")
    expected = [0, 0, 1, 2]
    return 0 if list(codes.values()) == expected else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

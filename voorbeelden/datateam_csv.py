"""Voorbeeld 1 — het script van een datateam: CSV-export inlezen, auditen, rapporteren.

Een gemeente exporteert de Wmo-aanvragen van een jaar uit het zaaksysteem als CSV met
Nederlandse conventies (puntkomma als scheidingsteken, decimale komma's, Windows-1252).
Dit script maakt zo'n export van de ingebouwde synthetische data, leest hem in met
``read_table``, voert de audit uit, toont de tabel en de bevindingen en schrijft het
HTML- en JSON-rapport.

Gebruik::

    python voorbeelden/datateam_csv.py [uitvoermap]

Zonder uitvoermap komt alles in ``voorbeelden/uitvoer/datateam_csv/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import eerlijkheid as ee
from eerlijkheid.datasets import wmo_allocation
from eerlijkheid.report import render_html, render_json


def output_dir(argv: list[str]) -> Path:
    default = Path(__file__).resolve().parent / "uitvoer" / "datateam_csv"
    folder = Path(argv[1]) if len(argv) > 1 else default
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dutch(number: float) -> str:
    """Twee decimalen met een decimale komma."""
    return f"{number:.2f}".replace(".", ",")


def count(number: int) -> str:
    """Een aantal met punten als duizendtallen."""
    return f"{number:,}".replace(",", ".")


def write_export(folder: Path) -> Path:
    """Schrijf een export zoals een zaaksysteem die maakt: ';', decimale komma, cp1252."""
    data = wmo_allocation(10_000, seed=2026)
    # In de export heet de kolom met het euroteken; € bestaat in cp1252, niet in latin-1.
    data = data.rename(columns={"eigen_bijdrage": "eigen_bijdrage_€"})
    path = folder / "export_wmo_2025.csv"
    data.to_csv(path, sep=";", decimal=",", encoding="cp1252", index=False)
    return path


def main(argv: list[str]) -> int:
    folder = output_dir(argv)
    export = write_export(folder)
    print(f"Export geschreven: {export.name} ({count(export.stat().st_size)} bytes, cp1252)")

    # 1. Inlezen: scheidingsteken, decimale komma en codering worden herkend.
    data = ee.read_table(export)
    print(f"Ingelezen: {count(len(data))} aanvragen, {data.shape[1]} kolommen")
    print(f"  eigen bijdrage is een getal: {data['eigen_bijdrage_€'].dtype}")

    # 2. De audit.  Toekennen is een gunstige beslissing (favourable=True): minder vaak
    #    toegekend is het nadeel.  De urgentiescore is de legitieme factor: bij gelijke
    #    urgentie hoort de kans gelijk te zijn.  Het team is de behandelaar.
    result = ee.audit(
        data,
        decision="toegekend",
        groups=["migratieachtergrond", "geslacht", "leeftijdsgroep"],
        score="urgentiescore",
        handler="team",
        reference={"migratieachtergrond": "geen", "leeftijdsgroep": "65-79"},
        config=ee.AuditConfig(favourable=True, order=1),
    )

    # 3. De tabel: elke vergelijking met referentiegroep, interval en aantallen.
    table = result.table()
    columns = ["attributes", "group", "reference", "group_value", "reference_value", "ratio"]
    columns += ["ratio_low", "ratio_high", "pvalue_adjusted"]
    shown = table[table["metric"] == "selection_rate"][columns]
    with pd.option_context("display.width", 120, "display.precision", 3):
        print("\nToekenningspercentage per groep tegen de referentiegroep:")
        print(shown.to_string(index=False))
    table.to_csv(folder / "tabel.csv", sep=";", decimal=",", index=False, encoding="utf-8-sig")

    # 4. De bevindingen, ernstigste eerst.
    print(f"\n{len(result.findings)} bevindingen:")
    for finding in result.findings:
        print(f"  {finding.code} [{finding.severity}/{finding.certainty}] {finding.message}")

    # De kern: bij gelijke urgentie krijgt een groep minder vaak steun, en één team
    # behandelt groepen verschillend.
    discretion = result.discretion
    if discretion is not None:
        print("\nBij gelijke urgentie (Mantel–Haenszel), per groep:")
        for equal in discretion.equal_risk:
            verdict = "verschil" if equal.material else "geen wezenlijk verschil"
            print(
                f"  {equal.attribute} = {equal.group[0]} tegen {equal.reference[0]}: "
                f"ruw {dutch(equal.crude.ratio)}×, bij gelijke urgentie "
                f"{dutch(equal.rate_ratio)}× ({verdict})"
            )
        print("  Het verschil naar leeftijd verdwijnt: de urgentie verklaart het.")
        for comparison in discretion.handler_groups:
            if comparison.material:
                print(
                    f"\nIn {comparison.handler} krijgt groep {comparison.group[0]} "
                    f"{dutch(comparison.rate_ratio)}× zo vaak steun als "
                    f"{comparison.reference[0]} bij gelijke urgentie."
                )

    # 5. De rapporten.  Kleine aantallen (< 10) zijn onderdrukt: publiceerbaar.
    (folder / "rapport.html").write_text(render_html(result), encoding="utf-8")
    (folder / "rapport.json").write_text(render_json(result), encoding="utf-8")
    print(f"\nRapporten geschreven in {folder}: rapport.html, rapport.json, tabel.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

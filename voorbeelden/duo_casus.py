"""Voorbeeld 4 — de DUO-casus uit de gepubliceerde tellingen: waar ontstond het verschil?

DUO controleerde van 2012 tot 2023 of studenten met een uitwonendenbeurs echt uitwonend
waren.  Een risicomodel deelde studenten in risicocategorieën in; medewerkers kozen daarna
wie een huisbezoek kreeg.  In 2024 publiceerde Algorithm Audit (NGO-Algorithm-Audit/DUO-CUB,
addendum 2024) tabellen van het CBS over dit proces, per herkomstgroep.  De tellingen
hieronder komen uit die tabellen (door het CBS afgerond op tientallen); ze staan hier als
gepubliceerde feiten, met bron:

    Bron: CBS-tabellen bij Algorithm Audit, "DUO control process biased" (addendum 2024),
    repository NGO-Algorithm-Audit/DUO-CUB, bestand DUO_CUB_Netherlands_Statistics.xlsx,
    tabel 1 (populatie 2014) en tabel 2 (populatie 2019); rijen "Risk category k &
    Selected for control: yes/no", kolommen origin_outside_europe (migratieachtergrond
    buiten Europa) en born_nl_x_origin_nl (Nederlandse herkomst).

Gepubliceerd (2014): hoog risico 15.400/54.820 tegen 25.280/178.200 (2,0×); geselecteerd
voor controle 2.010/54.820 tegen 1.050/178.200 (6,2×); binnen de hoogste risicocategorieën
nog 5,5×.  In 2019 liet het risicomodel geen verschil zien (0,9×), de selectie wel (3,6×).
Gevolg: excuses van het kabinet (maart 2024) en een herstelregeling van € 61 miljoen.

De audit krijgt de tellingen als vooraf getelde tabel (``count=``, ``rounded=True``) met de
processtap "risico hoog" (categorie 1-2; 3-5 is laag; 6 onbekend) vóór de selectie, en
wijst de stap aan waar het verschil ontstaat.

Gebruik::

    python voorbeelden/duo_casus.py [uitvoermap]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import eerlijkheid as ee
from eerlijkheid.report import render_html, render_json

OUTSIDE_EUROPE = "buiten Europa"
DUTCH = "Nederlandse herkomst"

# (jaar, risicocategorie) -> (geselecteerd, niet geselecteerd) per groep:
# ((buiten Europa ja, nee), (Nederlandse herkomst ja, nee)).  CBS, afgerond op tientallen.
PUBLISHED: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {
    (2014, 1): ((1460, 5810), (390, 8280)),
    (2014, 2): ((320, 7800), (140, 16470)),
    (2014, 3): ((50, 4620), (70, 15050)),
    (2014, 4): ((60, 8520), (220, 53910)),
    (2014, 5): ((30, 13090), (180, 67120)),
    (2014, 6): ((80, 12960), (50, 16330)),
    (2019, 1): ((500, 2610), (200, 3900)),
    (2019, 2): ((70, 2410), (40, 4330)),
    (2019, 3): ((20, 1320), (10, 2890)),
    (2019, 4): ((10, 2450), (10, 7700)),
    (2019, 5): ((10, 2220), (0, 6150)),
    (2019, 6): ((30, 7940), (10, 2670)),
}


def output_dir(argv: list[str]) -> Path:
    default = Path(__file__).resolve().parent / "uitvoer" / "duo_casus"
    folder = Path(argv[1]) if len(argv) > 1 else default
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cells(year: int) -> pd.DataFrame:
    """De gepubliceerde tellingen van één jaar als vooraf getelde tabel."""
    rows = []
    for (table_year, category), by_group in PUBLISHED.items():
        if table_year != year:
            continue
        high = "ja" if category <= 2 else "nee" if category <= 5 else None
        for group, (selected, not_selected) in zip((OUTSIDE_EUROPE, DUTCH), by_group, strict=True):
            for decision, count in (("ja", selected), ("nee", not_selected)):
                rows.append(
                    {
                        "herkomst": group,
                        "risico_hoog": high,
                        "geselecteerd": decision,
                        "aantal": count,
                    }
                )
    return pd.DataFrame(rows)


def dutch(number: float, digits: int = 1) -> str:
    """Een getal met decimale komma."""
    return f"{number:.{digits}f}".replace(".", ",")


def count(number: int) -> str:
    """Een aantal met punten als duizendtallen: 54.820."""
    return f"{number:,}".replace(",", ".")


def group_part(comparison: ee.Disparity) -> str:
    """'geselecteerd/totaal' van de groep."""
    return f"{count(comparison.group_numerator)}/{count(comparison.group_denominator)}"


def reference_part(comparison: ee.Disparity) -> str:
    """'geselecteerd/totaal' van de referentiegroep."""
    return f"{count(comparison.reference_numerator)}/{count(comparison.reference_denominator)}"


def main(argv: list[str]) -> int:
    folder = output_dir(argv)
    for year in (2014, 2019):
        table = cells(year)
        table.to_csv(folder / f"duo_{year}_tellingen.csv", sep=";", index=False)
        result = ee.audit(
            table,
            decision="geselecteerd",
            groups="herkomst",
            stages=["risico_hoog"],
            count="aantal",
            rounded=True,
            reference={"herkomst": DUTCH},
        )
        chain = result.chain
        assert chain is not None
        print(f"\n=== DUO {year} ===")
        print(f"Vorm van het proces: {chain.shape} ({chain.shape_reason})")
        (risk,) = chain.step("risico_hoog").crude
        print(
            f"Stap 'risico hoog': {group_part(risk)} tegen "
            f"{reference_part(risk)}: "
            f"{dutch(risk.ratio)}×"
        )
        selection = chain.step("geselecteerd")
        (crude,) = selection.crude
        print(
            f"Stap 'geselecteerd' (ruw): {group_part(crude)}"
            f" tegen {reference_part(crude)}: "
            f"{dutch(crude.ratio)}×"
        )
        (equal_risk,) = selection.stratified
        within = dict(zip(equal_risk.levels, equal_risk.within, strict=True))
        high = within[("1",)]  # stap-waarden ja/nee worden 1/0
        print(
            f"Binnen hoog risico: {group_part(high)} tegen "
            f"{reference_part(high)}: "
            f"{dutch(high.ratio)}×; bij gelijk risico (Mantel–Haenszel) "
            f"{dutch(equal_risk.rate_ratio)}×"
        )
        (attribution,) = chain.attributions
        print(f"Het verschil ontstaat vooral in stap: {attribution.adding_step}")
        for finding in result.findings:
            if finding.code in ("EE501", "EE502", "EE403"):
                print(
                    f"  {finding.code} [{finding.severity}/{finding.certainty}] {finding.message}"
                )
        (folder / f"rapport_duo_{year}.html").write_text(render_html(result), encoding="utf-8")
        (folder / f"rapport_duo_{year}.json").write_text(render_json(result), encoding="utf-8")
    print(
        "\nNoot: de cellen zijn elk op tientallen afgerond, dus hun som wijkt iets af van de"
        " gepubliceerde totalen (2014: 15.390/54.800 in plaats van 15.400/54.820; 2019:"
        " 270 in plaats van 260 selecties met Nederlandse herkomst, vandaar 3,4× naast de"
        " gepubliceerde 3,6×).  De audit meldt dat met EE403."
    )
    print(f"\nRapporten geschreven in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

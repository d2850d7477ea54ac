"""Indirect onderscheid zonder gegevens over afkomst: postcode als proxy.

Een gemeente controleert adressen met een puntenprofiel dat wonen in postcodegebieden
3016-3018 zwaarder laat wegen. De gemeente registreert geen migratieachtergrond. Kan zij
toch nagaan of het profiel mensen met een niet-westerse migratieachtergrond vaker treft?

1. Zonder groepsgegevens: de selecties per postcodegebied, gecombineerd met de
   samenstelling van de bevolking per gebied (zoals het CBS die publiceert), geven per
   groep een geschat selectiepercentage. Onder de aanname dat het percentage binnen een
   gebied niet van de groep afhangt krijgt u een schatting met interval; zonder die aanname
   alleen grenzen (Duncan-Davis). Bevinding EE603.
2. Met groepsgegevens (bijvoorbeeld in een afgeschermde onderzoeksomgeving): hoe sterk
   voorspelt elk kenmerk van het profiel de groep? Bevinding EE601.

De data is synthetisch (`eerlijkheid.datasets.address_checks`) met een bekende waarheid,
zodat het script de schatting naast de echte waarde kan zetten.

Gebruik: ``python voorbeelden/proxy_zonder_groep.py [uitvoermap]``.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import eerlijkheid as ee
from eerlijkheid.analyses import composition_from_frame
from eerlijkheid.datasets import address_checks, address_checks_truth
from eerlijkheid.findings import proxy_findings


def pct(value: float) -> str:
    """Format a share as a Dutch percentage (decimal comma)."""
    return f"{value:.1%}".replace(".", ",")


def main(output: Path) -> None:
    """Run both steps and write ``samenvatting.json`` to ``output``."""
    output.mkdir(parents=True, exist_ok=True)
    frame = address_checks(n=20_000, seed=0)
    truth = address_checks_truth()
    selected = frame["gecontroleerd"].eq("ja")

    # Stap 1: wat de gemeente wel heeft -- selecties per gebied -- plus CBS-aandelen.
    per_area = (
        frame.assign(geselecteerd=selected.astype(int))
        .groupby("postcodegebied")
        .agg(zaken=("geselecteerd", "size"), geselecteerd=("geselecteerd", "sum"))
        .reset_index()
    )
    groups = ("geen", "westers", "niet-westers")
    for group in groups:
        per_area[group] = [truth.area_composition[a][group] for a in per_area["postcodegebied"]]
    per_area.to_csv(output / "selecties_en_samenstelling.csv", sep=";", decimal=",", index=False)

    evidence = composition_from_frame(
        per_area,
        category="postcodegebied",
        cases="zaken",
        selected="geselecteerd",
        shares=list(groups),
        attribute="migratieachtergrond",
        reference="geen",
    )
    print("Stap 1 - zonder migratieachtergrond per zaak, uit de samenstelling per gebied:")
    for rate in evidence.rates:
        print(
            f"  {rate.group:>13}: geschat {pct(rate.rate)} "
            f"(95%-interval {pct(rate.interval.low)}-{pct(rate.interval.high)}); "
            f"zonder aanname tussen {pct(rate.lower_bound)} en {pct(rate.upper_bound)}"
        )
    known = frame[frame["migratieachtergrond"].notna()]
    actual = known["gecontroleerd"].eq("ja").groupby(known["migratieachtergrond"]).mean()
    print("  werkelijk (alleen in deze synthetische data bekend): ", end="")
    print(", ".join(f"{g} {pct(actual[g])}" for g in groups))
    findings = proxy_findings(composition=evidence, language="nl")
    for f in findings:
        print(f"  {f.code} [{f.severity}/{f.certainty}] {f.message}")

    # Stap 2: met de groep per zaak: welke invoer staat voor de grond?
    proxies = ee.proxy_strength(
        frame,
        protected="migratieachtergrond",
        features=["postcodegebied", "aantal_inschrijvingen"],
        seed=0,
    )
    print("\nStap 2 - met de groep per zaak: hoe sterk voorspelt elk kenmerk de groep?")
    for p in proxies.ranking():
        v = "" if math.isnan(p.cramers_v) else f"; Cramérs V {p.cramers_v:.2f}".replace(".", ",")
        auc = f"{p.strength:.2f}".replace(".", ",")
        print(
            f"  {p.rank}. {p.feature}: sterkst voor groep {p.strongest_group} "
            f"(gekruisvalideerde AUC {auc}{v})"
        )
    proxy = proxy_findings(proxies=proxies, language="nl")
    for f in proxy:
        print(f"  {f.code} [{f.severity}/{f.certainty}] {f.message}")

    summary = {
        "composition": {
            r.group: {
                "rate": r.rate,
                "low": r.interval.low,
                "high": r.interval.high,
                "lower_bound": r.lower_bound,
                "upper_bound": r.upper_bound,
                "actual": float(actual[r.group]),
            }
            for r in evidence.rates
        },
        "findings": sorted({f.code for f in (*findings, *proxy)}),
        "proxy_findings": [
            {"code": f.code, "column": f.subject.column, "group": list(f.subject.group)}
            for f in proxy
        ],
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False, sort_keys=True)
    (output / "samenvatting.json").write_text(text + "\n", encoding="utf-8")
    print(f"\nGeschreven: {output / 'samenvatting.json'}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "uitvoer" / "proxy_zonder_groep"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)

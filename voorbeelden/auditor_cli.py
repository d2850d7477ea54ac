"""Voorbeeld 2 — de auditor: de opdrachtregel met een auditbeschrijving (TOML).

Een auditor krijgt van de afdeling handhaving een extract van de adrescontroles van een
jaar en legt de audit vast in ``eerlijkheid.toml``: welke kolom wat betekent, de
referentiegroep en de invoer van het risicoprofiel.  Daarna draait ze op de opdrachtregel:

    eerlijkheid plan  --config eerlijkheid.toml      # het onderzoeksplan (toets deel 2)
    eerlijkheid audit --config eerlijkheid.toml -o rapport.html -o rapport.json -o rapport.md
    eerlijkheid explain EE202                        # uitleg bij een bevinding

Dit script doet precies dat, via ``python -m eerlijkheid`` (zodat het ook werkt als de
opdracht ``eerlijkheid`` niet op het pad staat), en laat de exitcodes zien.

Gebruik::

    python voorbeelden/auditor_cli.py [uitvoermap]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from eerlijkheid.datasets import address_checks

CONFIG = """\
# Auditbeschrijving: adrescontroles 2025 (synthetisch voorbeeld)
schema_version = 1

[data]
path = "adrescontroles_2025.csv"

[roles]
decision = "gecontroleerd"          # ja/nee: is het adres gecontroleerd?
groups = ["migratieachtergrond", "geslacht", "leeftijdsgroep"]
outcome = "overtreding"             # alleen bekend voor gecontroleerde adressen
random_sample = "steekproef"        # de aselecte steekproef: de nulmeting
score = "risicopunten"              # de punten van het profiel

[reference]
migratieachtergrond = "geen"

[audit]
order = 2
# De invoer van het risicoprofiel (regels met punten).
inputs = ["postcodegebied", "huishouden", "aantal_inschrijvingen"]
"""


def output_dir(argv: list[str]) -> Path:
    default = Path(__file__).resolve().parent / "uitvoer" / "auditor_cli"
    folder = Path(argv[1]) if len(argv) > 1 else default
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run(arguments: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """Roep de opdrachtregel aan en toon opdracht, uitvoer en exitcode."""
    command = [sys.executable, "-m", "eerlijkheid", *arguments]
    print(f"\n$ eerlijkheid {' '.join(arguments)}")
    completed = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, encoding="utf-8", check=False
    )
    print(completed.stdout.rstrip())
    if completed.stderr.strip():
        print(completed.stderr.rstrip())
    print(f"[exitcode {completed.returncode}]")
    return completed


def main(argv: list[str]) -> int:
    folder = output_dir(argv)

    # Het extract zoals de afdeling het aanlevert: ';' en UTF-8 met BOM (Excel-vriendelijk).
    extract = address_checks(20_000, seed=2025)
    extract.to_csv(folder / "adrescontroles_2025.csv", sep=";", index=False, encoding="utf-8-sig")
    (folder / "eerlijkheid.toml").write_text(CONFIG, encoding="utf-8")
    print(f"Extract en auditbeschrijving geschreven in {folder}")

    # 1. Het onderzoeksplan: welke vragen van de toets kan deze data beantwoorden?
    plan = run(["plan", "--config", "eerlijkheid.toml"], folder)
    (folder / "onderzoeksplan.txt").write_text(plan.stdout, encoding="utf-8")

    # 2. De audit zelf, met drie rapporten (de vorm volgt uit de extensie).
    audit = run(
        [
            "audit",
            "--config",
            "eerlijkheid.toml",
            "-o",
            "rapport.html",
            "-o",
            "rapport.json",
            "-o",
            "rapport.md",
        ],
        folder,
    )

    # 3. Uitleg bij de bevinding "selectie boven de aselecte steekproef".
    explain = run(["explain", "EE202"], folder)

    # Wat staat er in het JSON-rapport?
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    codes = sorted({finding["code"] for finding in report["findings"]})
    print(f"\nBevindingscodes in rapport.json: {', '.join(codes)}")
    print("\nDe kern voor het gesprek in deel 3 van de toets:")
    for finding in report["findings"]:
        important = finding["severity"] in ("medium", "high")
        single = len(finding["subject"]["attributes"]) <= 1
        if finding["code"] in ("EE201", "EE523") and important and single:
            print(f"  {finding['code']}: {finding['message']}")
    failed = [c.returncode for c in (plan, audit, explain) if c.returncode != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Generate the documentation pages that are data in the package.

The pages are written from the package itself, never by hand:

* ``docs/bevindingen/index.md`` and one page per finding code
  (``docs/bevindingen/EE201.md``, ...) from the code registry
  (``eerlijkheid.findings.CODES``, i.e. ``findings/codes.toml``);
* ``docs/toets.md``, the mapping toets part → research questions → codes → norms, from
  the packaged catalogue (``eerlijkheid.toets.load_catalogue()``);
* ``docs/opdrachtregel.md``, the reference of the command line, from its click commands;
* the table of metric definitions in ``docs/maten.md`` (between the markers
  ``<!-- BEGIN GENERATED: metrics -->`` and ``<!-- END GENERATED: metrics -->``), from
  ``eerlijkheid.metrics.METRICS``.

Run ``python scripts/gen_docs.py`` after changing the registry, the catalogue or the
metrics; ``python scripts/gen_docs.py --check`` exits 1 when a committed page is out of
date (``tests/test_docs.py`` does the same).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import click
import numpy as np

from eerlijkheid.findings import CODES, FindingCode
from eerlijkheid.i18n import message
from eerlijkheid.metrics import METRICS
from eerlijkheid.toets import DATA_ROLES, Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CODES_DIR = "bevindingen"
REGENERATE = "python scripts/gen_docs.py"

_HEADER = (
    "<!-- Gegenereerd door scripts/gen_docs.py uit {source}; niet met de hand bewerken. "
    "Opnieuw maken: python scripts/gen_docs.py -->\n\n"
)
_REGISTRY = "src/eerlijkheid/findings/codes.toml"
_SECTIONS: tuple[Literal["what", "why", "example", "action", "toets"], ...] = (
    "what",
    "why",
    "example",
    "action",
    "toets",
)
_CATALOGUE = "src/eerlijkheid/toets/catalogue.toml"

_FAMILIES = {
    "EE1": "Beschermde gronden direct gebruikt",
    "EE2": "Verschillen tussen groepen",
    "EE3": "Legitieme factoren (strata)",
    "EE4": "Genoeg gegevens? Ontbrekende en afgeronde gegevens",
    "EE5": "Het proces: stappen, beleidsvrijheid, geschiktheid, scores, alternatieven",
    "EE6": "Proxy's en groepen waar niemand aan dacht",
}

_ROLE_NL = {
    "decision": "beslissing",
    "groups": "groepskenmerken",
    "outcome": "uitkomst",
    "random_sample": "aselecte steekproef",
    "stages": "processtappen",
    "strata": "legitieme factoren (strata)",
    "score": "risicoscore",
    "handler": "behandelaar of team",
    "inputs": "invoervariabelen",
    "features": "kenmerken per zaak",
    "baseline": "eerdere audit (baseline)",
}


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Make text safe for one cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else "" for line in text.splitlines())


def _code_link(code: str, *, from_codes_dir: bool) -> str:
    target = f"{code}.md" if from_codes_dir else f"{CODES_DIR}/{code}.md"
    return f"[{code}]({target})" if code in CODES else code


def _part_label(catalogue: Catalogue, part_id: str) -> str:
    return catalogue.part(part_id).label("nl")


def _role_text(role: str) -> str:
    return f"{_ROLE_NL.get(role, role)} (`{role}`)"


# ---------------------------------------------------------------------------------------
# finding codes
# ---------------------------------------------------------------------------------------


def code_page(code: FindingCode, catalogue: Catalogue) -> str:
    """Return the Markdown page of one finding code.

    Parameters
    ----------
    code : FindingCode
        The registered code.
    catalogue : Catalogue
        The toets catalogue (titles of parts and norms, questions).

    Returns
    -------
    str
        The page.
    """
    lines = [_HEADER.format(source=_REGISTRY).rstrip("\n"), ""]
    lines += [f"# {code.code} `{code.name}`", ""]
    lines += [
        "| status | sinds | standaardernst |",
        "|---|---|---|",
        f"| {code.status} | {code.since} | {code.default_severity} |",
        "",
        f"Op de opdrachtregel: `eerlijkheid explain {code.code}` "
        f"(Engels: `eerlijkheid --taal en explain {code.code}`).",
        "",
    ]
    for section in _SECTIONS:
        lines += [f"## {message(f'code-section-{section}', language='nl')}", ""]
        lines += [code.doc(section, "nl"), ""]

    lines += [f"## {message('code-heading-parts', language='nl')}", ""]
    for part_id in code.toets_parts:
        lines.append(f"- [{_part_label(catalogue, part_id)}](../toets.md#{part_id})")
    lines.append("")

    lines += [f"## {message('code-heading-norms', language='nl')}", ""]
    for norm_id in code.norms:
        norm = catalogue.norm(norm_id)
        lines.append(f"- [{norm.title('nl')}](../toets.md#norm-{norm_id}) — {norm.source}")
    lines.append("")

    questions = catalogue.questions_for_code(code.code)
    if questions:
        lines += [f"## {message('code-heading-questions', language='nl')}", ""]
        for question in questions:
            part = _part_label(catalogue, question.part)
            lines.append(
                f"- [{question.text('nl')}](../toets.md#{question.id}) ({question.id}; {part})"
            )
        lines.append("")

    lines += [f"## {message('code-section-sources', language='nl')}", ""]
    lines += [f"- {source}" for source in code.doc("sources", "nl")]
    lines.append("")

    english = [f"**{code.code} {code.name}**", ""]
    for section in _SECTIONS:
        english += [f"**{message(f'code-section-{section}', language='en')}.** "]
        english[-1] += code.doc(section, "en")
        english.append("")
    english += [f"**{message('code-section-sources', language='en')}.**", ""]
    english += [f"- {source}" for source in code.doc("sources", "en")]
    lines += ['??? info "English"', "", _indent("\n".join(english)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def codes_index(codes: Mapping[str, FindingCode], catalogue: Catalogue) -> str:
    """Return the overview page of all finding codes.

    Parameters
    ----------
    codes : mapping of str to FindingCode
        The registry.
    catalogue : Catalogue
        The toets catalogue.

    Returns
    -------
    str
        The page.
    """
    lines = [_HEADER.format(source=_REGISTRY).rstrip("\n"), ""]
    lines += [
        "# Bevindingscodes",
        "",
        "Elke bevinding van een audit heeft een vaste code (`EE201`) en een vaste naam "
        "(`selection-rate-disparity`), zoals de regels van een linter. Codes worden nooit "
        "hergebruikt. Per code staat hieronder wat ze meet, waarom het ertoe doet, een "
        "voorbeeld, wat te doen, en welk onderdeel van de toets en welke normen ze voedt. "
        "De ernst die de tabel noemt is de standaardernst; bij verschillen hangt de ernst "
        "af van de grootte (zie [Begrippen](../begrippen.md#ernst-en-zekerheid)).",
        "",
        f"Deze pagina's worden gemaakt uit het register (`{_REGISTRY}`); "
        "`eerlijkheid explain CODE` toont dezelfde tekst op de opdrachtregel.",
        "",
    ]
    families: dict[str, list[FindingCode]] = {}
    for code in codes.values():
        families.setdefault(code.code[:3], []).append(code)
    for family, members in sorted(families.items()):
        title = _FAMILIES.get(family, "Overige codes")
        lines += [f"## {family}xx: {title}", ""]
        lines += [
            "| code | naam | standaardernst | status | wat het meet | toetsonderdelen |",
            "|---|---|---|---|---|---|",
        ]
        for code in members:
            parts = ", ".join(f"[{p}](../toets.md#{p})" for p in code.toets_parts)
            lines.append(
                f"| [{code.code}]({code.code}.md) | `{code.name}` | {code.default_severity} "
                f"| {code.status} | {_cell(_first_sentence(code.doc('what', 'nl')))} "
                f"| {parts} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# the toets catalogue
# ---------------------------------------------------------------------------------------


def toets_page(catalogue: Catalogue, codes: Mapping[str, FindingCode]) -> str:
    """Return the mapping page: toets part → questions → codes → norms.

    Parameters
    ----------
    catalogue : Catalogue
        The toets catalogue.
    codes : mapping of str to FindingCode
        The registry (which codes inform which norms).

    Returns
    -------
    str
        The page.
    """
    lines = [_HEADER.format(source=_CATALOGUE).rstrip("\n"), ""]
    lines += [
        "# De toets: onderdelen, vragen, codes en normen",
        "",
        "Deze pagina zet de catalogus van de *Discriminatietoets Publieke Dienstverlening* "
        "om in tabellen: per onderdeel de onderzoeksvragen, welke gegevens een vraag nodig "
        "heeft, welke bevindingscodes haar beantwoorden en op welke normen ze steunt. "
        f"Catalogusversie **{catalogue.catalogue_version}** (`{_CATALOGUE}`).",
        "",
        '!!! warning "Alleen de titel van deel 2 is geverifieerd"',
        "",
        "    Alleen de titel van deel 2 (*Bepalen van het onderzoeksproces*) is de "
        "officiële, geverifieerde titel. De andere titels zijn beschrijvende werktitels "
        "van eerlijkheid en staan hier met \u201cwerktitel, niet geverifieerd\u201d. "
        "Een gemeente kan een eigen, bijgewerkte catalogus laden: "
        "`eerlijkheid.toets.load_catalogue(pad)` of `eerlijkheid toets --catalogue pad`.",
        "",
        "## Overzicht",
        "",
        "| onderdeel | vragen | codes |",
        "|---|---|---|",
    ]
    for part in catalogue.parts:
        questions = catalogue.questions_for_part(part.id)
        part_codes = sorted({c for q in questions for c in q.codes})
        lines.append(
            f"| [{_cell(part.label('nl'))}](#{part.id}) "
            f"| {', '.join(f'[{q.id}](#{q.id})' for q in questions) or '—'} "
            f"| {', '.join(_code_link(c, from_codes_dir=False) for c in part_codes) or '—'} |"
        )
    lines.append("")

    for part in catalogue.parts:
        lines += [f"## {part.label('nl')} {{#{part.id}}}", ""]
        lines += [f"`{part.id}` — {part.summary('nl')}", ""]
        lines += [f"*{part.status_note('nl')}*", ""]
        questions = catalogue.questions_for_part(part.id)
        if not questions:
            lines += [
                "Geen onderzoeksvraag van de catalogus hoort bij dit onderdeel; het gaat "
                "over begrippen (zie [Begrippen](begrippen.md) en "
                "[Juridisch kader](juridisch-kader.md)).",
                "",
            ]
            continue
        for question in questions:
            lines += [f"### {question.text('nl')} {{#{question.id}}}", ""]
            lines += [
                "| | |",
                "|---|---|",
                f"| vraag | `{question.id}` — {_cell(question.text('nl'))} |",
                f"| nodig | {', '.join(_role_text(r) for r in question.needs)} |",
                "| codes | "
                + ", ".join(_code_link(c, from_codes_dir=False) for c in question.codes)
                + " |",
                "| normen | " + ", ".join(f"[{n}](#norm-{n})" for n in question.norms) + " |",
                "",
            ]
            lines += [f"Als de gegevens ontbreken: {question.missing_text('nl')}", ""]

    lines += [
        "## Normen",
        "",
        "De samenvattingen blijven binnen wat de genoemde bron zegt; de juridische "
        "conclusie is aan de organisatie. Zie ook het [Juridisch kader](juridisch-kader.md).",
        "",
    ]
    for norm in catalogue.norms:
        lines += [f"### {norm.title('nl')} {{#norm-{norm.id}}}", ""]
        lines += [f"`{norm.id}` — {norm.summary('nl')}", ""]
        source = f"Bron: {norm.source}"
        if norm.url:
            source += f" (<{norm.url}>)"
        lines += [source + ".", ""]
        via_questions = [q.id for q in catalogue.questions if norm.id in q.norms]
        via_codes = [c.code for c in codes.values() if norm.id in c.norms]
        if via_questions:
            lines.append("Vragen: " + ", ".join(f"[{q}](#{q})" for q in via_questions) + ".")
            lines.append("")
        if via_codes:
            lines.append(
                "Codes: " + ", ".join(_code_link(c, from_codes_dir=False) for c in via_codes) + "."
            )
            lines.append("")

    lines += ["## Gegevensrollen", ""]
    lines += [
        "Wat een vraag nodig heeft, staat in vaste rollen "
        "(`eerlijkheid.toets.DATA_ROLES`); `eerlijkheid plan` zegt per vraag of de "
        "gegevens haar kunnen beantwoorden.",
        "",
        "| rol | betekenis |",
        "|---|---|",
    ]
    lines += [f"| `{role}` | {_ROLE_NL.get(role, role)} |" for role in DATA_ROLES]
    lines.append("")
    lines += ["## Bronnen van de catalogus", ""]
    lines += [f"- {source}" for source in catalogue.source]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------


def _option_value(param: click.Parameter) -> str:
    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return "(vlag)"
    if isinstance(kind, click.Choice):
        text = " \\| ".join(f"`{c}`" for c in kind.choices)
    elif isinstance(kind, click.Path):
        text = "bestand"
    elif isinstance(kind, click.IntRange):
        text = f"geheel getal ≥ {kind.min}" if kind.min is not None else "geheel getal"
    elif kind == click.INT:
        text = "geheel getal"
    else:
        text = "tekst"
    if param.multiple:
        text += ", herhaalbaar"
    return text


def _option_default(param: click.Parameter) -> str:
    if not isinstance(param, click.Option) or param.is_flag or not param.show_default:
        return ""
    return f"`{param.default}`"


def cli_page() -> str:
    """Return the reference page of the command line, read from the click commands.

    Returns
    -------
    str
        The page: global options, then per command its usage, help and options.

    Raises
    ------
    RuntimeError
        If the help texts were not loaded in Dutch (``EERLIJKHEID_LANG`` set to another
        language when ``eerlijkheid.cli`` was imported).
    """
    from eerlijkheid.cli._main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, cli

    if cli.help != message("cli-help-main", language="nl"):
        msg = "Generate the pages with the default language (unset EERLIJKHEID_LANG)."
        raise RuntimeError(msg)
    lines = [_HEADER.format(source="src/eerlijkheid/cli/_main.py").rstrip("\n"), ""]
    lines += [
        "# Opdrachtregel",
        "",
        "Alle opdrachten van `eerlijkheid`, met hun opties, zoals `eerlijkheid COMMANDO "
        "--help` ze toont. Deze pagina wordt gemaakt uit de opdrachtregel zelf. Hoe u ze "
        "gebruikt: [Aan de slag](aan-de-slag.md) en [CI-poort](ci-poort.md).",
        "",
        "## Exitcodes",
        "",
        "| code | betekenis |",
        "|---|---|",
        f"| `{EXIT_OK}` | geslaagd; bij `check`: niets haalt de lat |",
        f"| `{EXIT_FINDINGS}` | alleen `check`: bevindingen halen de lat (met een baseline: "
        "nieuwe of verslechterde) |",
        f"| `{EXIT_USAGE}` | fout in gebruik, configuratie of data (één regel op stderr) |",
        "",
        "## Algemene opties",
        "",
        "```text",
        "eerlijkheid [--taal nl|en] [--version] [--help] COMMANDO ...",
        "```",
        "",
        "| optie | waarde | uitleg |",
        "|---|---|---|",
    ]
    lines.append("| `--version` | (vlag) | Toon de versie en stop. |")
    for param in cli.params:
        if isinstance(param, click.Option) and param.name != "version":
            names = ", ".join(f"`{o}`" for o in param.opts)
            lines.append(f"| {names} | {_option_value(param)} | {_cell(param.help or '')} |")
    lines.append("| `--help` | (vlag) | Toon de hulp en stop. |")
    lines.append("")
    for name in sorted(cli.commands):
        command = cli.commands[name]
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        usage = " ".join(
            (a.human_readable_name if a.required else f"[{a.human_readable_name}]")
            for a in arguments
        )
        lines += [f"## `eerlijkheid {name}`", "", command.help or "", ""]
        lines += ["```text", f"eerlijkheid {name} [OPTIES] {usage}".rstrip(), "```", ""]
        options = [p for p in command.params if isinstance(p, click.Option)]
        if options:
            lines += ["| optie | waarde | standaard | uitleg |", "|---|---|---|---|"]
            for param in options:
                names = ", ".join(f"`{o}`" for o in param.opts)
                lines.append(
                    f"| {names} | {_option_value(param)} | {_option_default(param)} "
                    f"| {_cell(param.help or '')} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------------------

_CELLS = {
    (1, 1): "TP",
    (1, 0): "FP",
    (0, 1): "FN",
    (0, 0): "TN",
    (1, 2): "S?",
    (0, 2): "N?",
}
_HARM_NL = {"higher": "hoger", "lower": "lager", "either": "geen kant"}


def _cells_text(mask: np.ndarray) -> str:
    cells = [name for (d, y), name in _CELLS.items() if mask[d, y]]
    if len(cells) == len(_CELLS):
        return "n"
    if set(cells) == {"TP", "FP", "S?"}:
        return "S"
    return cells[0] if len(cells) == 1 else "(" + " + ".join(cells) + ")"


def metrics_table() -> str:
    """Return the generated table of metric definitions (for ``docs/maten.md``).

    Returns
    -------
    str
        Markdown: one row per registered metric with its formula over the cells, whether
        it needs an outcome, and its harm direction for a burden and a benefit.
    """
    lines = [
        "| maat (`naam`) | formule | uitkomst nodig | slechter bij last | "
        "slechter bij gunst | soort |",
        "|---|---|---|---|---|---|",
    ]
    for name, metric in METRICS.items():
        numerator = _cells_text(metric.numerator)
        denominator = _cells_text(metric.denominator)
        if metric.kind == "share":
            denominator = f"Σ{denominator} (over alle groepen)"
        formula = f"{numerator} / {denominator}"
        label = message(f"metric-{name}", language="nl")
        lines.append(
            f"| {_cell(label)} (`{name}`) | `{formula}` "
            f"| {'ja' if metric.needs_outcome else 'nee'} "
            f"| {_HARM_NL[metric.harm_if_burden]} | {_HARM_NL[metric.harm_if_benefit]} "
            f"| {metric.kind} |"
        )
    return "\n".join(lines) + "\n"


_BEGIN = "<!-- BEGIN GENERATED: {name} -->"
_END = "<!-- END GENERATED: {name} -->"


def fill_region(text: str, name: str, content: str, path: str) -> str:
    """Replace the generated region ``name`` of a hand-written page.

    Parameters
    ----------
    text : str
        The page.
    name : str
        Region name (``metrics``).
    content : str
        New content of the region.
    path : str
        The page's path, for the error message.

    Returns
    -------
    str
        The page with the region replaced.

    Raises
    ------
    ValueError
        If the page lacks the markers.
    """
    begin, end = _BEGIN.format(name=name), _END.format(name=name)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        msg = f"{path} must contain the markers {begin!r} and {end!r} (in that order)."
        raise ValueError(msg)
    return text[: start + len(begin)] + "\n" + content + text[stop:]


# ---------------------------------------------------------------------------------------
# all pages
# ---------------------------------------------------------------------------------------


def pages(docs: Path = DOCS) -> dict[Path, str]:
    """Return every generated page: path → content.

    Parameters
    ----------
    docs : Path
        The documentation folder.

    Returns
    -------
    dict of Path to str
        The pages as they should be committed.
    """
    catalogue = load_catalogue()
    out: dict[Path, str] = {docs / CODES_DIR / "index.md": codes_index(CODES, catalogue)}
    for code in CODES.values():
        out[docs / CODES_DIR / f"{code.code}.md"] = code_page(code, catalogue)
    out[docs / "toets.md"] = toets_page(catalogue, CODES)
    out[docs / "opdrachtregel.md"] = cli_page()
    maten = docs / "maten.md"
    out[maten] = fill_region(
        maten.read_text("utf-8"), "metrics", metrics_table(), str(maten.relative_to(docs.parent))
    )
    return out


def _stale(docs: Path, wanted: Iterable[Path]) -> list[Path]:
    """Code pages on disk that the registry no longer has."""
    keep = set(wanted)
    return sorted(p for p in (docs / CODES_DIR).glob("EE*.md") if p not in keep)


def check(docs: Path = DOCS) -> list[str]:
    """Return the problems of the committed pages (empty when they are up to date).

    Parameters
    ----------
    docs : Path
        The documentation folder.

    Returns
    -------
    list of str
        One line per page that is missing, out of date or stale.
    """
    wanted = pages(docs)
    problems = []
    for path, content in wanted.items():
        rel = path.relative_to(docs.parent)
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif path.read_text("utf-8") != content:
            problems.append(f"out of date: {rel}")
    problems += [
        f"stale (code no longer in the registry): {p.relative_to(docs.parent)}"
        for p in _stale(docs, wanted)
    ]
    return problems


def write(docs: Path = DOCS) -> list[Path]:
    """Write every generated page and remove pages of codes that are gone.

    Parameters
    ----------
    docs : Path
        The documentation folder.

    Returns
    -------
    list of Path
        The pages that changed (written or removed).
    """
    wanted = pages(docs)
    changed = []
    for path, content in wanted.items():
        if not path.exists() or path.read_text("utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    for path in _stale(docs, wanted):
        path.unlink()
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Write the pages, or with ``--check`` report the ones that are out of date.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments.

    Returns
    -------
    int
        Exit code: 0, or 1 when ``--check`` finds problems.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for line in problems:
            print(line)
        if problems:
            print(f"Regenerate with: {REGENERATE}")
        return 1 if problems else 0
    for path in write():
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

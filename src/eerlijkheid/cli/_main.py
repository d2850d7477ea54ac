"""Entry point of the ``eerlijkheid`` command: a thin shell over the library.

Exit codes, like a linter: 0 — nothing at or above the bar (or a command that succeeded);
1 — findings fail the gate (``check`` only); 2 — a usage, configuration or data error,
reported as one line (what, where, what to do) without a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from eerlijkheid._version import __version__
from eerlijkheid.audit import AuditResult, audit
from eerlijkheid.config import AuditConfig, Roles
from eerlijkheid.configfile import AuditSpec, find_spec, load_spec, spec_from_mapping
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.exceptions import ConfigError, EerlijkheidError
from eerlijkheid.findings import SEVERITY_ORDER, get_code
from eerlijkheid.gate import Gate, baseline_from, dump_baseline, evaluate, load_baseline
from eerlijkheid.i18n import get_language, message, set_language
from eerlijkheid.ingest import read_table
from eerlijkheid.report import (
    render_github,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    render_text,
)
from eerlijkheid.toets import coverage, load_catalogue

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "cli", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

#: Output formats by file suffix for ``audit --output``.
_SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".md": "markdown",
    ".xml": "junit",
    ".txt": "text",
}


def _status(text: str) -> None:
    """Show progress on stderr (long reads and audits), never mixed into the output."""
    click.echo(text, err=True)


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _references(values: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(message("cli-reference-format", value=item))
        key, _, label = item.partition("=")
        out[key.strip()] = label.strip()
    return out


def _role_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by ``audit``, ``check`` and ``plan``: the roles and key settings."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help=message("cli-help-config"),
        ),
        click.option("--decision", help=message("cli-help-decision")),
        click.option("--groups", multiple=True, help=message("cli-help-groups")),
        click.option("--outcome", help=message("cli-help-outcome")),
        click.option("--random-sample", help=message("cli-help-random")),
        click.option("--strata", multiple=True, help=message("cli-help-strata")),
        click.option("--stages", multiple=True, help=message("cli-help-stages")),
        click.option("--handler", help=message("cli-help-handler")),
        click.option("--score", help=message("cli-help-score")),
        click.option("--weight", help=message("cli-help-weight")),
        click.option("--count", help=message("cli-help-count")),
        click.option("--rounded", is_flag=True, default=None, help=message("cli-help-rounded")),
        click.option("--reference", multiple=True, help=message("cli-help-reference")),
        click.option("--inputs", multiple=True, help=message("cli-help-inputs")),
        click.option("--missing-values", multiple=True, help=message("cli-help-missing-values")),
        click.option("--order", type=click.IntRange(min=1), help=message("cli-help-order")),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _spec(kwargs: dict[str, Any]) -> AuditSpec:
    """Build the audit specification: the config file (given or found), options on top."""
    path = kwargs.pop("config_path")
    if path is None and not kwargs.get("decision"):
        path = find_spec(Path.cwd())
    spec = load_spec(path) if path is not None else None
    roles: dict[str, Any] = {}
    if spec is not None:
        roles = {k: getattr(spec.roles, k) for k in Roles.__dataclass_fields__}
        roles["binary_values"] = dict(spec.roles.binary_values)
    for key in ("decision", "outcome", "random_sample", "weight", "count", "handler", "score"):
        if kwargs.get(key):
            roles[key] = kwargs[key]
    for key in ("groups", "strata", "stages", "missing_values"):
        if kwargs.get(key):
            roles[key] = list(_split(kwargs[key]))
    audit_table: dict[str, Any] = {}
    if spec is not None:
        audit_table = {k: getattr(spec.config, k) for k in AuditConfig.__dataclass_fields__}
        audit_table["thresholds"] = {
            k: getattr(spec.config.thresholds, k) for k in ("low", "medium", "high")
        }
        audit_table["reference"] = dict(spec.config.reference)
        audit_table["declared_grounds"] = dict(spec.config.declared_grounds)
    if kwargs.get("order"):
        audit_table["order"] = kwargs["order"]
    if kwargs.get("inputs"):
        audit_table["inputs"] = list(_split(kwargs["inputs"]))
    reference = {**audit_table.pop("reference", {}), **_references(kwargs.get("reference", ()))}
    data: dict[str, Any] = {"roles": {k: v for k, v in roles.items() if v not in (None, (), [])}}
    data["audit"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in audit_table.items()}
    if reference:
        data["reference"] = reference
    rounded = kwargs.get("rounded")
    if spec is not None or rounded is not None:
        data["data"] = {"rounded": bool(rounded if rounded is not None else spec and spec.rounded)}
        if spec is not None and spec.data_path is not None:
            data["data"]["path"] = str(spec.data_path)
    if "decision" not in data["roles"]:
        raise ConfigError(message("cli-no-roles"))
    return spec_from_mapping(data, source=spec.source if spec else None)


def _run_audit(data_path: Path | None, spec: AuditSpec, language: str) -> AuditResult:
    source = data_path or spec.data_path
    if source is None:
        raise ConfigError(message("cli-no-data"))
    _status(message("cli-reading", path=str(source)))
    frame = read_table(source, missing_values=spec.roles.missing_values)
    _status(message("cli-auditing", rows=len(frame)))
    return audit(frame, config=spec, language=language)


@click.group(help=message("cli-help-main"))
@click.version_option(__version__, prog_name="eerlijkheid")
@click.option(
    "--taal",
    "--language",
    "language",
    type=click.Choice(["nl", "en"]),
    default=None,
    help=message("cli-help-language"),
)
def cli(language: str | None) -> None:
    """Group of the eerlijkheid commands."""
    set_language(language)


@cli.command(help=message("cli-help-demo"))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("eerlijkheid-demo-rapport.html"),
    show_default=True,
    help=message("cli-help-output"),
)
@click.option("--seed", type=int, default=0, show_default=True, help=message("cli-help-seed"))
def demo(output: Path, seed: int) -> None:
    """Audit the built-in synthetic welfare process and write the HTML report."""
    _status(message("demo-generating"))
    frame = welfare_reexamination(n=20_000, seed=seed)
    result = audit(
        frame,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        outcome="onrechtmatig",
        random_sample="aselect",
        reference={"migratieachtergrond": "geen"},
        inputs=["risicoscore", "taalvaardigheid", "inkomen_bijverdiensten", "leeftijdsklasse"],
        language=get_language(),
    )
    output.write_text(render_html(result), encoding="utf-8")
    click.echo(
        message("demo-written", path=str(output), rows=len(frame), groups=len(result.findings))
    )


def _write(result: AuditResult, fmt: str, gate: Gate, report: Any = None) -> str:
    if fmt == "html":
        return render_html(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result, gate=gate, report=report)
    if fmt == "junit":
        return render_junit(result, gate=gate, report=report)
    if fmt == "github":
        return render_github(result, gate=gate, report=report)
    return render_text(result, gate=gate, report=report)


@cli.command(name="audit", help=message("cli-help-audit"))
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_role_options
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=message("cli-help-outputs"),
)
def audit_command(data: Path | None, outputs: tuple[Path, ...], **kwargs: Any) -> None:
    """Run an audit and write the chosen outputs (format by file suffix)."""
    spec = _spec(kwargs)
    formats = []
    for path in outputs:
        fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise click.BadParameter(
                message("cli-output-suffix", path=str(path), allowed=", ".join(_SUFFIX_FORMATS)),
                param_hint="--output",
            )
        formats.append(fmt)
    result = _run_audit(data, spec, get_language())
    gate = Gate()
    for path, fmt in zip(outputs, formats, strict=True):
        path.write_text(_write(result, fmt, gate), encoding="utf-8")
        _status(message("cli-written", path=str(path)))
    if not outputs:
        click.echo(render_text(result, gate=gate), nl=False)


@cli.command(help=message("cli-help-check"))
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_role_options
@click.option(
    "--fail-on",
    type=click.Choice(list(SEVERITY_ORDER)),
    default="medium",
    show_default=True,
    help=message("cli-help-fail-on"),
)
@click.option(
    "--certainty",
    type=click.Choice(["inconclusive", "indicative", "established"]),
    default="established",
    show_default=True,
    help=message("cli-help-certainty"),
)
@click.option(
    "--baseline", type=click.Path(dir_okay=False, path_type=Path), help=message("cli-help-baseline")
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help=message("cli-help-write-baseline"),
)
@click.option("--exit-zero", is_flag=True, help=message("cli-help-exit-zero"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "github", "markdown"]),
    default="text",
    show_default=True,
    help=message("cli-help-format"),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=message("cli-help-output"),
)
def check(
    data: Path | None,
    fail_on: str,
    certainty: str,
    baseline: Path | None,
    write_baseline: Path | None,
    exit_zero: bool,
    fmt: str,
    output: Path | None,
    **kwargs: Any,
) -> None:
    """Gate CI: exit 1 when findings at or above the bar are new or worsened."""
    spec = _spec(kwargs)
    gate = Gate(fail_on=fail_on, certainty=certainty)  # type: ignore[arg-type]
    entries = None
    if baseline is not None:
        try:
            text = baseline.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(message("cli-baseline-missing", path=str(baseline))) from exc
        entries = load_baseline(text, source=str(baseline))
    result = _run_audit(data, spec, get_language())
    report = evaluate(result, gate, entries)
    rendered = _write(result, fmt, gate, report)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        click.echo(rendered, nl=not rendered.endswith("\n"))
    if write_baseline is not None:
        write_baseline.write_text(
            dump_baseline(baseline_from(gate.failing(result.findings))), encoding="utf-8"
        )
        _status(message("cli-written", path=str(write_baseline)))
    if not exit_zero and not report.passed:
        sys.exit(EXIT_FINDINGS)


@cli.command(help=message("cli-help-explain"))
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of a finding code."""
    click.echo(get_code(code).render_doc(get_language()))


@cli.command(help=message("cli-help-toets"))
@click.option(
    "--catalogue",
    type=click.Path(dir_okay=False, path_type=Path),
    help=message("cli-help-catalogue"),
)
def toets(catalogue: Path | None) -> None:
    """Print the toets catalogue: parts, their questions and the codes that inform them."""
    lang = get_language()
    cat = load_catalogue(catalogue)
    click.echo(message("cli-toets-header", version=cat.catalogue_version))
    for part in cat.parts:
        click.echo(f"\n{part.id}  {part.label(lang)}")
        for question in cat.questions_for_part(part.id):
            codes = ", ".join(question.codes)
            click.echo(f"  - {question.text(lang)}")
            click.echo(f"    {message('cli-toets-codes', codes=codes)}")
    click.echo("\n" + message("cli-toets-norms"))
    for norm in cat.norms:
        click.echo(f"  {norm.id}: {norm.title(lang)}")


@cli.command(help=message("cli-help-plan"))
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_role_options
def plan(data: Path | None, **kwargs: Any) -> None:
    """Print the research plan (toets part 2): which questions the data can answer."""
    spec = _spec(kwargs)
    lang = get_language()
    cat = load_catalogue()
    if data is not None or spec.data_path is not None:
        items = [
            (p.question, p.answerable, p.missing_text) for p in _run_audit(data, spec, lang).plan()
        ]
    else:  # without data: judge from the declared roles alone
        available = {"decision", "groups"}
        available |= {
            name for name in ("outcome", "random_sample") if getattr(spec.roles, name) is not None
        }
        if spec.roles.strata:
            available.add("strata")
        if spec.roles.stages:
            available.add("stages")
        if spec.config.inputs:
            available.add("inputs")
        items = [
            (
                q.question_id,
                q.answerable,
                "" if q.answerable else cat.question(q.question_id).missing_text(lang),
            )
            for q in coverage(cat, available)
        ]
    for question_id, answerable, missing_text in items:
        question = cat.question(question_id)
        mark = message("cli-plan-yes") if answerable else message("cli-plan-no")
        click.echo(f"[{mark}] {question.part}  {question.text(lang)}")
        if not answerable:
            click.echo(f"      {missing_text}")


def main(argv: list[str] | None = None) -> None:
    """Run the command line; library errors become one line on stderr and exit code 2.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    """
    try:
        code = cli.main(args=argv, prog_name="eerlijkheid", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except EerlijkheidError as exc:
        text = str(exc)
        click.echo(message("cli-error", error=text), err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(message("cli-error", error=str(exc)), err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)

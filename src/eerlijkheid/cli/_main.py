"""Entry point of the ``eerlijkheid`` command: a thin shell over the library.

Exit codes, like a linter: 0 — nothing at or above the bar (or a command that succeeded);
1 — findings fail the gate (``check`` only); 2 — a usage, configuration or data error,
reported as one line (what, where, what to do) without a traceback.
"""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from eerlijkheid import i18n
from eerlijkheid._version import __version__
from eerlijkheid.audit import AuditResult, audit
from eerlijkheid.config import AuditConfig, Roles
from eerlijkheid.configfile import (
    AuditSpec,
    ConfigFileError,
    find_spec,
    load_spec,
    spec_from_mapping,
)
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.exceptions import ConfigError, EerlijkheidError, EerlijkheidWarning
from eerlijkheid.findings import SEVERITY_ORDER, get_code
from eerlijkheid.gate import Gate, baseline_from, dump_baseline, evaluate, load_baseline
from eerlijkheid.i18n import get_language, message, set_language
from eerlijkheid.ingest import database_errors, is_database_url, read_database, read_table, safe_url
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


#: Options (and ``[data]`` keys) that say how a text file is read.
_READ_OPTIONS = ("encoding", "sep", "decimal", "thousands")
#: Ways to write a tab on the command line for ``--sep``.
_TAB_NAMES = {"tab": "\t", "\\t": "\t"}


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


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an unknown encoding before anything is read (click callback of ``--encoding``)."""
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(message("cli-bad-encoding", value=repr(value))) from None
    return value


def _check_char(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Accept one character; for ``--sep`` also ``tab`` or a backslash-t (click callback)."""
    if value is None:
        return None
    if param.name == "sep":
        value = _TAB_NAMES.get(value.lower(), value)
    if len(value) != 1:
        raise click.BadParameter(message(f"cli-bad-{param.name}", value=repr(value)))
    return value


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
        click.option("--encoding", callback=_check_encoding, help=message("cli-help-encoding")),
        click.option("--sep", callback=_check_char, help=message("cli-help-sep")),
        click.option("--decimal", callback=_check_char, help=message("cli-help-decimal")),
        click.option("--thousands", callback=_check_char, help=message("cli-help-thousands")),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _spec(kwargs: dict[str, Any]) -> AuditSpec:
    """Build the audit specification: the config file (given or found), options on top."""
    path = kwargs.pop("config_path")
    if path is None and not kwargs.get("decision"):
        start = Path.cwd()
        path = find_spec(start)
        if path is None:
            _status(message("cli-config-none", start=str(start)))
    elif path is None:
        _status(message("cli-config-options"))
    spec = load_spec(path) if path is not None else None
    if spec is not None:
        _status(message("cli-config-used", path=str(spec.source)))
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
    data_table: dict[str, Any] = {}
    rounded = kwargs.get("rounded")
    if spec is not None or rounded is not None:
        data_table["rounded"] = bool(rounded if rounded is not None else spec and spec.rounded)
    if spec is not None and spec.data_path is not None:
        data_table["path"] = str(spec.data_path)
    for key in _READ_OPTIONS:
        value = kwargs.get(key) or (getattr(spec, key) if spec is not None else None)
        if value is not None:
            data_table[key] = value
    if spec is not None and spec.database is not None:  # [data] url with table/query
        keys = dict(zip(("url", "table", "query"), spec.database, strict=True))
        data_table.update({k: v for k, v in keys.items() if v is not None})
    if data_table:
        data["data"] = data_table
    if "decision" not in data["roles"]:
        raise ConfigError(message("cli-no-roles"))
    return spec_from_mapping(data, source=spec.source if spec else None)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same real path (symlinks) or inode (hard links)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def _guard_outputs(outputs: Sequence[Path], inputs: Iterable[tuple[Path | None, str]]) -> None:
    """Refuse, before anything is read or written, an output that is an input or another output.

    Parameters
    ----------
    outputs : sequence of Path
        Every file the command will write.
    inputs : iterable of (Path or None, str)
        Every file it reads, with its role (a message key); ``None`` when not given.

    Raises
    ------
    ConfigError
        Naming the output and the input (or the other output); nothing was written.
    """
    known = [(path, role) for path, role in inputs if path is not None]
    for index, output in enumerate(outputs):
        for path, role in known:
            if _same_file(output, path):
                raise ConfigError(
                    message(
                        "cli-output-is-input",
                        output=str(output),
                        input=str(path),
                        role=message(role),
                    )
                )
        for other in outputs[:index]:
            if _same_file(output, other):
                raise ConfigError(message("cli-output-twice", output=str(output), other=str(other)))


def _inputs(data: Path | str | None, spec: AuditSpec) -> list[tuple[Path | None, str]]:
    # a database URL (str) is not a file that an output could overwrite
    path = None if isinstance(data, str) else data
    return [(path or spec.data_path, "cli-input-data"), (spec.source, "cli-input-config")]


# --------------------------------------------------------------- database input (issue 17)


class _DataArgument(click.ParamType):  # type: ignore[type-arg]
    """The DATA argument: a file path, or a PostgreSQL URL kept as text."""

    name = "data"

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> Path | str:
        if isinstance(value, Path) or not is_database_url(value):
            return Path(value)
        return str(value)


def _database_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--table`` / ``--query`` for a DATA that is a database URL (read in _run_audit)."""
    func = click.option("--query", help=message("cli-help-query"))(func)
    return click.option("--table", help=message("cli-help-table"))(func)


def _database_source(
    data: Path | str | None, spec: AuditSpec
) -> tuple[str, str | None, str | None] | None:
    """Return the database to read: a URL argument with --table/--query, or ``[data] url``."""
    params = click.get_current_context().params
    table, query = params.get("table"), params.get("query")
    if isinstance(data, str):
        if table is None and query is None and spec.database is not None:
            return data, spec.database[1], spec.database[2]
        return data, table, query
    if data is None and spec.database is not None:
        if table is not None or query is not None:
            return spec.database[0], table, query
        return spec.database
    if table is not None or query is not None:
        raise ConfigError(message("cli-table-without-url"))
    return None


def _audit_database(
    database: tuple[str, str | None, str | None], spec: AuditSpec, language: str
) -> AuditResult:
    url, table, query = database
    _status(message("cli-reading", path=safe_url(url)))
    with database_errors(url):
        frame = read_database(url, table=table, query=query)
        return audit(frame, config=spec, language=language)


def _run_audit(data_path: Path | str | None, spec: AuditSpec, language: str) -> AuditResult:
    database = _database_source(data_path, spec)
    if database is not None:
        return _audit_database(database, spec, language)
    assert not isinstance(data_path, str)
    source = data_path or spec.data_path
    if source is None:
        raise ConfigError(message("cli-no-data"))
    _status(message("cli-reading", path=str(source)))
    frame = read_table(
        source,
        encoding=spec.encoding,
        sep=spec.sep,
        decimal=spec.decimal,
        thousands=spec.thousands,
        missing_values=spec.roles.missing_values,
    )
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
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help=message("cli-help-seed"),
)
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
@click.argument("data", required=False, type=_DataArgument())
@_role_options
@_database_options
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=message("cli-help-outputs"),
)
def audit_command(data: Path | str | None, outputs: tuple[Path, ...], **kwargs: Any) -> None:
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
    _guard_outputs(outputs, _inputs(data, spec))
    result = _run_audit(data, spec, get_language())
    gate = Gate()
    for path, fmt in zip(outputs, formats, strict=True):
        path.write_text(_write(result, fmt, gate), encoding="utf-8")
        _status(message("cli-written", path=str(path)))
    if not outputs:
        click.echo(render_text(result, gate=gate), nl=False)


@cli.command(help=message("cli-help-check"))
@click.argument("data", required=False, type=_DataArgument())
@_role_options
@_database_options
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
    data: Path | str | None,
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
    written = [path for path in (output, write_baseline) if path is not None]
    _guard_outputs(written, [*_inputs(data, spec), (baseline, "cli-input-baseline")])
    entries = None
    if baseline is not None:
        try:
            content = baseline.read_bytes()
        except OSError as exc:
            raise ConfigError(message("cli-baseline-missing", path=str(baseline))) from exc
        entries = load_baseline(content, source=str(baseline))
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
@click.argument("data", required=False, type=_DataArgument())
@_role_options
@_database_options
def plan(data: Path | str | None, **kwargs: Any) -> None:
    """Print the research plan (toets part 2): which questions the data can answer."""
    spec = _spec(kwargs)
    lang = get_language()
    cat = load_catalogue()
    if data is not None or spec.data_path is not None or spec.database is not None:
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


def _escape_controls(text: str) -> str:
    r"""Show control and format characters as escapes (``\n``, ``\x1b``, ``\u202e``).

    A label in a message may hold a newline, an ANSI escape or a bidirectional override;
    printed as is, it would split the one-line error or change what the terminal shows.
    """
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp")
        else char
        for char in text
    )


def _error_text(exc: EerlijkheidError) -> str:
    """Return the error as printed: one line, or one line per problem of a configuration file."""
    if isinstance(exc, ConfigFileError):
        return "\n".join(_escape_controls(line) for line in str(exc).split("\n"))
    return _escape_controls(str(exc))


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a warning of eerlijkheid as one line on stderr, without the Python source path."""
    if issubclass(category, EerlijkheidWarning):
        click.echo(i18n.message("cli-warning", warning=_escape_controls(str(message))), err=True)
    else:
        (file or sys.stderr).write(
            warnings.formatwarning(message, category, filename, lineno, line)
        )


def main(argv: list[str] | None = None) -> None:
    """Run the command line; library errors become one line on stderr and exit code 2.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", EerlijkheidWarning)
            warnings.showwarning = _show_warning
            code = cli.main(args=argv, prog_name="eerlijkheid", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except EerlijkheidError as exc:
        click.echo(message("cli-error", error=_error_text(exc)), err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(message("cli-error", error=str(exc)), err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)

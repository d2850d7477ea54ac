"""Entry point of the ``eerlijkheid`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from eerlijkheid import count_table, disparities, group_metrics
from eerlijkheid._version import __version__
from eerlijkheid.datasets import welfare_reexamination
from eerlijkheid.exceptions import EerlijkheidError
from eerlijkheid.i18n import message, set_language
from eerlijkheid.report import render_rates_markdown

__all__ = ["cli", "main"]

EXIT_USAGE = 2


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
    default=Path("eerlijkheid-demo-rapport.md"),
    show_default=True,
    help=message("cli-help-output"),
)
@click.option("--seed", type=int, default=0, show_default=True, help=message("cli-help-seed"))
def demo(output: Path, seed: int) -> None:
    """Audit the synthetic welfare re-examination data and write a Markdown report."""
    frame = welfare_reexamination(n=20_000, seed=seed)
    table = count_table(
        frame,
        decision="geselecteerd",
        groups=["migratieachtergrond", "geslacht", "leeftijdsklasse"],
        random_sample="aselect",
    )
    profile_arm = {"aselect": "0"}
    rates = group_metrics(table, metrics=["selection_rate"], where=profile_arm)
    comparisons = disparities(
        table,
        metrics=["selection_rate"],
        where=profile_arm,
        reference={"migratieachtergrond": "geen"},
    )
    text = render_rates_markdown(message("demo-title"), rates, comparisons)
    output.write_text(text, encoding="utf-8")
    click.echo(message("demo-written", path=str(output), rows=len(frame), groups=len(rates)))


def main(argv: list[str] | None = None) -> None:
    """Run the command line; library errors become one line on stderr and exit code 2.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    """
    try:
        cli.main(args=argv, prog_name="eerlijkheid", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except EerlijkheidError as exc:
        click.echo(message("cli-error", error=str(exc)), err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(message("cli-error", error=str(exc)), err=True)
        sys.exit(EXIT_USAGE)

"""The command line: a thin shell over the library.

Only this layer reads files named on the command line, writes files, prints and exits.
Errors on bad input are one line (what, where, what to do) with exit code 2.

The commands are loaded only after :func:`main` has checked ``EERLIJKHEID_LANG``: their
help texts are read when they are loaded, and a wrong language would otherwise end in a
traceback instead of one line and exit code 2.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from eerlijkheid.i18n import environment_problem, message

if TYPE_CHECKING:
    from eerlijkheid.cli._main import cli

__all__ = ["cli", "main"]

EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> None:
    """Run the command line; errors become one line on stderr and exit code 2.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    """
    problem = environment_problem()
    if problem is not None:
        sys.stderr.write(message("cli-error", language="nl", error=problem) + "\n")
        sys.exit(EXIT_USAGE)
    from eerlijkheid.cli._main import main as run

    run(argv)


def __getattr__(name: str) -> Any:
    if name == "cli":
        from eerlijkheid.cli._main import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

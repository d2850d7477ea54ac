"""The command line: a thin shell over the library.

Only this layer reads files named on the command line, writes files, prints and exits.
Errors on bad input are one line (what, where, what to do) with exit code 2.
"""

from eerlijkheid.cli._main import cli, main

__all__ = ["cli", "main"]

r"""Neutralise characters that change what a reader sees: bidi controls, format and control codes.

Labels (group names, column names, values) are user data.  A right-to-left override
(U+202E) in a label reverses the figures that follow it on screen ("1,37×" reads
"×73,1"); an ANSI escape sequence (ESC, U+001B) recolours or rewrites a terminal.  Every
renderer therefore shows such characters as a visible escape (``\u202e``), and the HTML
report also isolates every label in ``<bdi>`` so that even an allowed right-to-left script
cannot reorder the numbers around it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["is_hidden_character", "neutralise", "neutralise_tree"]

#: Characters kept as they are although their category is Cc: line breaks and tabs in
#: free text (a label never contains them after neutralisation of its own).
_LAYOUT = frozenset("\n\t")
#: Anything but printable ASCII: the candidates :func:`is_hidden_character` looks at.
_CANDIDATE = re.compile(r"[^\x20-\x7e]")


def is_hidden_character(char: str) -> bool:
    r"""Return whether ``char`` is a control or format character (Unicode Cc, Cf, Zl, Zp).

    Examples
    --------
    >>> is_hidden_character("\u202e"), is_hidden_character("\x1b"), is_hidden_character("a")
    (True, True, False)
    """
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def neutralise(text: str, *, keep_layout: bool = False) -> str:
    r"""Replace control and format characters with a visible escape such as ``\u202e``.

    Parameters
    ----------
    text : str
        A label or message.
    keep_layout : bool
        Keep newlines and tabs (for multi-line free text).

    Returns
    -------
    str
        The text with every C0/C1 control (including ESC of ANSI sequences), bidi
        control (U+202A–U+202E, U+2066–U+2069), zero-width and other format character
        written as ``\uXXXX`` (or ``\UXXXXXXXX``).

    Examples
    --------
    >>> neutralise("niet\u202ewesters")
    'niet\\u202ewesters'
    >>> neutralise("\x1b[31mrood")
    '\\u001b[31mrood'
    """
    if text.isascii() and text.isprintable():
        return text

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if (keep_layout and char in _LAYOUT) or not is_hidden_character(char):
            return char
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _CANDIDATE.sub(escape, text)


def neutralise_tree(value: Any, *, keep_layout: bool = False) -> Any:
    r"""Neutralise every string (and mapping key) in a JSON-like tree.

    Examples
    --------
    >>> neutralise_tree({"group": ["a\u200b"]})
    {'group': ['a\\u200b']}
    """
    if isinstance(value, str):
        return neutralise(value, keep_layout=keep_layout)
    if isinstance(value, dict):
        return {
            neutralise(str(k)): neutralise_tree(v, keep_layout=keep_layout)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [neutralise_tree(v, keep_layout=keep_layout) for v in value]
    return value

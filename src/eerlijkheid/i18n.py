"""Messages for people, held as data in ``locale/*.toml``.

Everything a person reads (error messages, CLI output, finding texts) comes from
the message catalogue, in Dutch by default and in English on request.  The language is
chosen with :func:`set_language` or the ``EERLIJKHEID_LANG`` environment variable
(``nl`` or ``en``).

Examples
--------
>>> from eerlijkheid.i18n import message
>>> message("empty-data", language="en", what="the data")
'the data has no rows: there is nothing to audit. Check the filter or export that produced it.'
"""

from __future__ import annotations

import os
import string
import sys
from functools import cache
from importlib import resources
from typing import Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "LANGUAGES",
    "Language",
    "environment_problem",
    "get_language",
    "message",
    "message_keys",
    "set_language",
]

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")

#: The environment variable that chooses the language when :func:`set_language` did not.
ENVIRONMENT_VARIABLE = "EERLIJKHEID_LANG"

_state: dict[str, Language] = {}


def _check(language: str) -> Language:
    if language == "nl":
        return "nl"
    if language == "en":
        return "en"
    msg = f"The `language` parameter must be one of {LANGUAGES}; got {language!r} instead."
    raise ValueError(msg)


def get_language() -> Language:
    """Return the language of messages: set explicitly, else ``EERLIJKHEID_LANG``, else Dutch.

    Returns
    -------
    {'nl', 'en'}
        The language code.

    Raises
    ------
    ValueError
        If ``EERLIJKHEID_LANG`` holds something else than ``nl``, ``en`` or nothing; the
        message (in Dutch, the default language) names the variable and its value.

    Examples
    --------
    >>> get_language() in ("nl", "en")
    True
    """
    if "language" in _state:
        return _state["language"]
    return _check_environment()


def _check_environment() -> Language:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "") or "nl"
    if value in LANGUAGES:
        return _check(value)
    raise ValueError(environment_problem())


def environment_problem() -> str | None:
    """Return what is wrong with ``EERLIJKHEID_LANG`` (in Dutch), or ``None`` when it is fine.

    The command line checks this before it does anything else, so that a wrong value is
    one line and exit code 2 instead of an error in the middle of a run.

    Returns
    -------
    str or None
        The problem, naming the variable, its value and the allowed values.

    Examples
    --------
    >>> import os
    >>> environment_problem() is None or "EERLIJKHEID_LANG" in environment_problem()
    True
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if value in ("", *LANGUAGES):
        return None
    allowed = ", ".join(LANGUAGES)
    return message("invalid-language-env", language="nl", value=repr(value), allowed=allowed)


def set_language(language: str | None) -> None:
    """Set the language of messages for this process; ``None`` returns to the default.

    Parameters
    ----------
    language : {'nl', 'en'} or None
        The language code.

    Examples
    --------
    >>> set_language("en"); get_language()
    'en'
    >>> set_language(None)
    """
    if language is None:
        _state.pop("language", None)
    else:
        _state["language"] = _check(language)


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    """Merge every ``locale/*.toml`` file; a key defined twice is a packaging error."""
    merged: dict[str, dict[str, str]] = {}
    files = sorted(
        (f for f in resources.files("eerlijkheid").joinpath("locale").iterdir()),
        key=lambda f: f.name,
    )
    for file in files:
        if not file.name.endswith(".toml"):
            continue
        for key, value in tomllib.loads(file.read_text("utf-8")).items():
            if key in merged:
                msg = f"Message key {key!r} is defined twice (again in locale/{file.name})."
                raise RuntimeError(msg)
            merged[key] = {lang: str(text) for lang, text in value.items()}
    return merged


def message_keys() -> tuple[str, ...]:
    """Return every message key in the catalogue, sorted.

    Returns
    -------
    tuple of str
        The keys.

    Examples
    --------
    >>> "empty-data" in message_keys()
    True
    """
    return tuple(sorted(_catalogue()))


def placeholders(key: str, language: Language) -> frozenset[str]:
    """Return the ``{field}`` names that a message's template uses.

    Parameters
    ----------
    key : str
        The message key.
    language : {'nl', 'en'}
        The language.

    Returns
    -------
    frozenset of str
        The field names.

    Examples
    --------
    >>> sorted(placeholders("empty-data", "nl"))
    ['what']
    """
    template = _catalogue()[key][language]
    return frozenset(f for _, f, _, _ in string.Formatter().parse(template) if f)


def message(key: str, *, language: str | None = None, **fields: object) -> str:
    """Return the message ``key`` in ``language`` with ``fields`` filled in.

    Parameters
    ----------
    key : str
        The message key in ``locale/messages.toml``.
    language : {'nl', 'en'}, optional
        Defaults to :func:`get_language`.
    **fields
        Values for the template's ``{placeholders}``.

    Returns
    -------
    str
        The message.

    Raises
    ------
    KeyError
        If the key is not in the catalogue.

    Examples
    --------
    >>> message("empty-data", language="nl", what="De data")[:40]
    'De data bevat geen rijen: er is niets te'
    """
    lang = get_language() if language is None else _check(language)
    template = _catalogue()[key][lang]
    return template.format(**fields)

"""Describe an audit in a TOML file: ``eerlijkheid.toml`` or ``[tool.eerlijkheid]``.

An audit specification (which column plays which role, and the settings of the audit)
can live in a file next to the data, so that the audit is documented, reviewable and
repeatable.  :func:`load_spec` reads such a file, :func:`find_spec` looks for one, and
:func:`spec_from_mapping` validates an already parsed mapping (the command line uses it
for roles given as options).  All three produce an :class:`AuditSpec`.

File format
-----------
The file is TOML.  Either a separate ``eerlijkheid.toml`` holding the tables below at its
top level, or the same tables under ``[tool.eerlijkheid]`` in ``pyproject.toml``
(``[tool.eerlijkheid.roles]``, ``[tool.eerlijkheid.audit]``, ...).  A complete example
(every key shown; only ``roles.decision`` and ``roles.groups`` are required):

.. code-block:: toml

    # eerlijkheid.toml
    schema_version = 1

    [data]
    path = "export.csv"
    rounded = false
    encoding = "cp1252"
    sep = ";"
    decimal = ","
    thousands = "."

    [roles]
    decision = "geselecteerd"
    groups = ["nationaliteit", "geslacht"]
    outcome = "onrechtmatig"
    score = "risicoscore"
    weight = "gewicht"
    random_sample = "aselect"
    stages = ["risicoscore_hoog"]
    strata = ["afdeling"]
    missing_groups = "group"
    missing_label = "onbekend"
    binary_values = { geselecteerd = true, "niet geselecteerd" = false }
    missing_values = []

    [reference]
    nationaliteit = "Nederlands"

    [audit]
    order = 2
    reference_rule = "largest"
    compare_with_rest = true
    partial_reference = "same-level"
    favourable = false
    confidence_level = 0.95
    interval_method = "wilson"
    adjust = "holm"
    alpha = 0.05
    detectable_ratio = 1.25
    power = 0.8
    suppression_threshold = 10
    inputs = ["inkomen", "postcode", "nationaliteit"]
    categorical = []
    declared_grounds = { kenmerk_17 = "nationality" }
    row_analyses = true
    max_rows = 200000
    seed = 0

    [audit.thresholds]
    low = 1.1
    medium = 1.25
    high = 2.0

The keys, table by table:

``schema_version`` (integer, optional, default 1)
    Version of this file format.  Supported: :data:`SCHEMA_VERSIONS`.  A file with another
    version is not read further (its keys may mean something else), and the error names
    the supported versions.
``[data]`` (optional)
    ``path`` (string): the data file.  A relative path resolves against the folder of the
    configuration file.  ``rounded`` (true/false, default false): the counts of
    pre-aggregated data are rounded (e.g. CBS rounds to tens).  ``encoding`` (string,
    a Python codec name such as ``"cp1252"`` or ``"latin-1"``) and ``sep`` (one
    character, or ``"tab"``), ``decimal`` and ``thousands`` (one character each): how a
    text file is read; by default all are detected (see
    :func:`eerlijkheid.ingest.read_table`).  Instead of ``path``, a
    PostgreSQL database: ``url`` (``postgresql://user@host/db``, without a password) with
    either ``table`` (a table name, optionally ``schema.name``) or ``query`` (a SELECT);
    the password comes from ``PGPASSWORD``, ``~/.pgpass`` or ``PGSERVICE``.
``[roles]`` (required)
    The fields of :class:`~eerlijkheid.config.Roles`.  ``decision`` (string) and
    ``groups`` (non-empty list of strings; a single string is accepted too) are
    required.  ``outcome``, ``score``, ``weight``, ``random_sample`` and ``count`` are
    optional column names; ``stages`` and ``strata`` optional lists of column names (or a
    single string); ``missing_groups`` is ``"group"`` or ``"error"``; ``missing_label`` a
    string; ``binary_values`` a table of spelling = true/false; ``missing_values`` a list
    of texts that mean "no value" (default none: only empty cells are missing).
``[reference]`` (optional)
    ``attribute = label``: the reference group of a group attribute (an attribute of
    ``roles.groups``).  Labels are strings; integers and true/false are accepted and
    converted with :func:`str` (``1`` becomes ``"1"``, ``true`` becomes ``"True"``).
    Attributes not named use ``audit.reference_rule`` (and, with
    ``audit.compare_with_rest``, are compared with every other case together as well);
    an intersection of named and unnamed attributes follows ``audit.partial_reference``.
``[audit]`` (optional, every key optional)
    The fields of :class:`~eerlijkheid.config.AuditConfig` (except ``reference``, which
    is the table above), with the same defaults.  ``order``,
    ``suppression_threshold``, ``max_rows`` and ``seed`` are integers (``2.0`` and
    ``true`` are refused); ``confidence_level``, ``alpha``, ``detectable_ratio`` and
    ``power`` are numbers (integers are accepted, true/false not); ``favourable``,
    ``compare_with_rest`` and ``row_analyses`` are true/false;
    ``reference_rule``, ``partial_reference``, ``interval_method`` and ``adjust`` are
    strings; ``inputs`` and ``categorical`` are lists of strings; ``declared_grounds`` a
    table of string = string.
``[audit.thresholds]`` (optional)
    ``low``, ``medium``, ``high``: the :class:`~eerlijkheid.config.SeverityThresholds`,
    finite numbers with ``1 < low <= medium <= high``; keys not given keep their default.
    (``inf`` and ``nan`` are refused: an infinite ``high`` would never grade a finding
    high.)

Validation
----------
The whole specification is checked in one pass and every problem is reported at once,
like a linter: one :class:`ConfigFileError` (a :class:`~eerlijkheid.exceptions.ConfigError`)
whose message has one line per problem, sorted by key path, each naming the key path
(``roles.groups[1]``, ``audit.thresholds.medium``; in ``pyproject.toml`` prefixed with
``tool.eerlijkheid.``) and what is allowed.  Checked are: unknown tables and keys (with a
"did you mean" suggestion, also for a key placed in the wrong table), types (TOML
booleans are not numbers, and where an integer is required a float is refused),
missing ``roles.decision`` / ``roles.groups``, ``[reference]`` attributes that are not
group attributes, and the values themselves.  Values are checked by
:class:`~eerlijkheid.config.Roles`, :class:`~eerlijkheid.config.AuditConfig` and
:class:`~eerlijkheid.config.SeverityThresholds`, key by key, so that their message is kept
and prefixed with the key path.  Broken TOML is reported with the file, line and column.
Messages are in Dutch unless :func:`eerlijkheid.i18n.set_language` chose English.

Examples
--------
>>> spec = spec_from_mapping(
...     {
...         "roles": {"decision": "geselecteerd", "groups": ["nationaliteit"]},
...         "reference": {"nationaliteit": "Nederlands"},
...         "audit": {"order": 1, "thresholds": {"high": 3.0}},
...     }
... )
>>> spec.roles.groups, spec.config.order, spec.config.thresholds.high
(('nationaliteit',), 1, 3.0)
>>> dict(spec.config.reference)
{'nationaliteit': 'Nederlands'}
>>> from eerlijkheid.i18n import set_language
>>> set_language("en")
>>> try:
...     spec_from_mapping({"roles": {"groups": ["nationaliteit", 3]}, "audit": {"ordr": 2}})
... except ConfigFileError as exc:
...     print(exc)
Errors in the audit specification (3); fix them and try again:
  audit.ordr: unknown key. Did you mean 'order'? Allowed: order, ...
  roles.decision: is missing but required; for example: decision = "geselecteerd"
  roles.groups[1]: expected a string (in quotes); got 3.
>>> set_language(None)
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal

from eerlijkheid.config import AuditConfig, Roles, SeverityThresholds
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import message

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "CONFIG_FILENAME",
    "SCHEMA_VERSIONS",
    "AuditSpec",
    "ConfigFileError",
    "find_spec",
    "load_spec",
    "spec_from_mapping",
]

#: Name of the dedicated configuration file.
CONFIG_FILENAME: Final = "eerlijkheid.toml"
#: The ``schema_version`` values this version of eerlijkheid reads.
SCHEMA_VERSIONS: Final[tuple[int, ...]] = (1,)

_PYPROJECT: Final = "pyproject.toml"
_TOOL_PATH: Final[tuple[str, str]] = ("tool", "eerlijkheid")

# Key paths are tuples: table keys as str, list positions as int.
_KeyPath = tuple[str | int, ...]

_Kind = Literal["column", "columns", "string", "strings", "bool", "integer", "number", "numbers"]

_TOP_KEYS: Final = ("schema_version", "data", "roles", "reference", "audit")
_DATA_KEYS: Final = (
    *("path", "rounded", "encoding", "sep", "decimal", "thousands"),
    *("url", "table", "query"),
)
_TAB_NAMES: Final = {"tab": "\t", "\\t": "\t"}
_ROLE_KINDS: Final[dict[str, _Kind | Literal["spellings"]]] = {
    "decision": "column",
    "groups": "columns",
    "outcome": "column",
    "score": "column",
    "weight": "column",
    "random_sample": "column",
    "count": "column",
    "stages": "columns",
    "strata": "columns",
    "handler": "column",
    "score_edges": "numbers",
    "missing_groups": "string",
    "missing_label": "string",
    "binary_values": "spellings",
    "missing_values": "strings",
}
_AUDIT_KINDS: Final[dict[str, _Kind | Literal["grounds", "thresholds"]]] = {
    "order": "integer",
    "reference_rule": "string",
    "favourable": "bool",
    "confidence_level": "number",
    "interval_method": "string",
    "adjust": "string",
    "alpha": "number",
    "detectable_ratio": "number",
    "power": "number",
    "suppression_threshold": "integer",
    "inputs": "strings",
    "categorical": "strings",
    "declared_grounds": "grounds",
    "thresholds": "thresholds",
    "row_analyses": "bool",
    "max_rows": "integer",
    "seed": "integer",
    "compare_with_rest": "bool",
    "partial_reference": "string",
}
_THRESHOLD_KEYS: Final = ("low", "medium", "high")
_REQUIRED_EXAMPLES: Final = {
    "decision": 'decision = "geselecteerd"',
    "groups": 'groups = ["nationaliteit", "geslacht"]',
}
# Where each known key lives, to point at the right table for a misplaced key.
_HOME: Final[dict[str, _KeyPath]] = {
    **{key: (key,) for key in _TOP_KEYS},
    **{key: ("data", key) for key in _DATA_KEYS},
    **{key: ("roles", key) for key in _ROLE_KINDS},
    **{key: ("audit", key) for key in _AUDIT_KINDS},
    **{key: ("audit", "thresholds", key) for key in _THRESHOLD_KEYS},
}
# Column names that cannot occur in a TOML file; they stand in for a missing or invalid
# decision/groups, so the other roles can still be checked against ``Roles``.
_NO_DECISION: Final = "\x00decision"
_NO_GROUP: Final = "\x00group"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = re.compile(r"\s*\(at end of document\)\s*$")


class ConfigFileError(ConfigError):
    """An audit specification has one or more errors; all are in the message.

    Attributes
    ----------
    errors : tuple of (str, str)
        ``(key path, problem)`` pairs, sorted by key path.
    """

    def __init__(self, text: str, errors: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(text)
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)


@dataclass(frozen=True)
class AuditSpec:
    """An audit described by a configuration file (or mapping).

    Attributes
    ----------
    roles : Roles
        Which column plays which role.
    config : AuditConfig
        The settings of the audit, including the reference groups of ``[reference]``.
    data_path : pathlib.Path or None
        The data file of ``data.path``, resolved against the configuration file's folder.
    rounded : bool
        Whether pre-aggregated counts are rounded (``data.rounded``).
    source : pathlib.Path or None
        The configuration file the specification was read from.
    encoding : str or None
        Character encoding of a text data file (``data.encoding``); ``None``: detected.
    sep : str or None
        Field separator of a text data file (``data.sep``); ``None``: detected.
    decimal, thousands : str or None
        Decimal mark and thousands separator of a text data file (``data.decimal``,
        ``data.thousands``); ``None``: detected.
    database : tuple of (url, table, query) or None
        The database of ``data.url`` with ``data.table`` or ``data.query`` (one is None).
    """

    roles: Roles
    config: AuditConfig
    data_path: Path | None = None
    rounded: bool = False
    source: Path | None = None
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    database: tuple[str, str | None, str | None] | None = None


# --------------------------------------------------------------------------- reading


def load_spec(path: str | os.PathLike[str]) -> AuditSpec:
    r"""Read and validate an audit specification from a TOML file.

    Parameters
    ----------
    path : str or os.PathLike
        An ``eerlijkheid.toml`` (or any other ``.toml``: its top level is read), or a
        ``pyproject.toml`` (its ``[tool.eerlijkheid]`` table is read).

    Returns
    -------
    AuditSpec
        The validated specification; ``source`` is the file as an absolute path.

    Raises
    ------
    ConfigError
        If the file does not exist, cannot be read or is not valid TOML, or if a
        ``pyproject.toml`` has no ``[tool.eerlijkheid]`` table.
    ConfigFileError
        If the specification is invalid (every problem listed, see the module docstring).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = pathlib.Path(folder, "eerlijkheid.toml")
    ...     _ = file.write_text('[roles]\ndecision = "d"\ngroups = "g"\n', "utf-8")
    ...     load_spec(file).roles.groups
    ('g',)
    """
    source = Path(path).absolute()
    data = _read_toml(source)
    if source.name != _PYPROJECT:
        return _validate(data, source=source, prefix=())
    tool = data.get("tool")
    if not isinstance(tool, Mapping) or "eerlijkheid" not in tool:
        raise ConfigError(message("configfile-no-tool-table", file=source))
    table = tool["eerlijkheid"]
    if not isinstance(table, Mapping):
        errors = _Errors(_TOOL_PATH)
        errors.wrong_type((), "table", table)
        raise errors.exception(source)
    return _validate(table, source=source, prefix=_TOOL_PATH)


def find_spec(start: str | os.PathLike[str] = ".") -> Path | None:
    """Find the audit specification of a folder: the nearest one in it or its parents.

    In each folder, from ``start`` upwards, an ``eerlijkheid.toml`` is taken first, else a
    ``pyproject.toml`` that has a ``[tool.eerlijkheid]`` table.  The search stops at the
    project root: the first folder holding ``.git`` or a ``pyproject.toml`` (searched
    itself, its parents not).  Without a project root above ``start``, only ``start``
    itself is searched: a file planted in a shared parent folder (which would set the
    roles and the suppression of every audit below it) is never taken.

    Parameters
    ----------
    start : str or os.PathLike, default "."
        The folder (or a file in the folder) to start from.

    Returns
    -------
    pathlib.Path or None
        The absolute path of the file found, or ``None``.

    Raises
    ------
    ConfigError
        If a ``pyproject.toml`` on the way mentions eerlijkheid but is not valid TOML.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     root = pathlib.Path(folder)
    ...     (root / ".git").mkdir()
    ...     (root / "eerlijkheid.toml").touch()
    ...     (root / "a" / "b").mkdir(parents=True)
    ...     find_spec(root / "a" / "b") == (root / "eerlijkheid.toml").resolve()
    True
    """
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    chain = (folder, *folder.parents)
    root = next((c for c in chain if _is_project_root(c)), None)
    searched = chain[: chain.index(root) + 1] if root is not None else (folder,)
    for candidate in searched:
        own = candidate / CONFIG_FILENAME
        if own.is_file():
            return own
        pyproject = candidate / _PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _is_project_root(folder: Path) -> bool:
    return (folder / ".git").exists() or (folder / _PYPROJECT).is_file()


def _has_tool_table(pyproject: Path) -> bool:
    try:
        if b"eerlijkheid" not in pyproject.read_bytes():
            return False  # cheap: most pyproject files never mention us
    except OSError:
        return False
    tool = _read_toml(pyproject).get("tool")
    return isinstance(tool, Mapping) and "eerlijkheid" in tool


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: Windows Notepad and Excel write a byte order mark that TOML forbids.
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(message("configfile-not-found", file=file)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(message("configfile-unreadable", file=file, reason=exc)) from exc
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column, reason = _position(exc, text)
        raise ConfigError(
            message("configfile-syntax", file=file, line=line, column=column, reason=reason)
        ) from exc
    except RecursionError as exc:
        raise ConfigError(message("configfile-too-deep", file=file)) from exc
    return data


def _position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    """Line, column and reason of a TOML error (tomllib puts them in its message)."""
    reason = str(getattr(exc, "msg", None) or exc)
    found = _POSITION.search(reason)
    if found:
        return int(found[1]), int(found[2]), reason[: found.start()]
    lines = text.splitlines() or [""]
    line, column = len(lines), len(lines[-1]) + 1  # "at end of document"
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if isinstance(lineno, int) and isinstance(colno, int):  # Python 3.14+
        line, column = lineno, colno
    return line, column, _END.sub("", reason)


# ------------------------------------------------------------------------ validation


def spec_from_mapping(data: Mapping[str, Any], *, source: Path | None = None) -> AuditSpec:
    """Validate a parsed audit specification (the tables of the file format).

    Parameters
    ----------
    data : mapping
        The top level of the file format: ``schema_version``, ``data``, ``roles``,
        ``reference``, ``audit``.  Lists may be any sequence (tuples too), and ``None``
        values count as absent (TOML has no null; this helps callers that build the
        mapping from command-line options).
    source : pathlib.Path, optional
        The file the mapping came from: relative ``data.path`` values resolve against
        its folder, and error messages name it.

    Returns
    -------
    AuditSpec
        The validated specification.

    Raises
    ------
    ConfigFileError
        Listing every problem, one per line, sorted by key path.

    Examples
    --------
    >>> spec = spec_from_mapping(
    ...     {"roles": {"decision": "toegekend", "groups": "leeftijdsklasse"},
    ...      "audit": {"favourable": True, "adjust": "bh"}}
    ... )
    >>> spec.roles.groups, spec.config.favourable, spec.config.adjust, spec.data_path
    (('leeftijdsklasse',), True, 'bh', None)
    >>> spec_from_mapping({"roles": {"decision": "d", "groups": "g"}, "audit": {"order": True}})
    Traceback (most recent call last):
    ...
    eerlijkheid.configfile.ConfigFileError: ...audit.order: ...
    """
    return _validate(data, source=source, prefix=())


class _Errors:
    """Collects ``(key path, problem)`` pairs; raised together at the end."""

    def __init__(self, prefix: _KeyPath) -> None:
        self.prefix = prefix
        self.items: list[tuple[_KeyPath, str]] = []

    def add(self, path: _KeyPath, detail: str) -> None:
        self.items.append((self.prefix + path, detail))

    def wrong_type(self, path: _KeyPath, expected: str, value: object) -> None:
        expected_text = message(f"configfile-type-{expected}")
        self.add(path, message("configfile-wrong-type", expected=expected_text, value=_show(value)))

    def probe(self, path: _KeyPath, build: Callable[[], object]) -> bool:
        """Run a constructor that validates; file its error under ``path``."""
        try:
            build()
        except ConfigError as exc:
            self.add(path, str(exc))
            return False
        return True

    def exception(self, source: Path | None) -> ConfigFileError:
        ordered = sorted(self.items, key=lambda item: _sort_key(item[0]))
        pairs = [(_format_path(path), detail) for path, detail in ordered]
        lines = [message("configfile-error-line", path=p, detail=d) for p, d in pairs]
        where = str(source) if source is not None else message("configfile-source-mapping")
        text = message("configfile-errors", source=where, count=len(pairs), errors="\n".join(lines))
        return ConfigFileError(text, pairs)


def _validate(data: Mapping[str, Any], *, source: Path | None, prefix: _KeyPath) -> AuditSpec:
    errors = _Errors(prefix)
    data = _present(data)
    if "schema_version" in data:
        version = _integer(errors, ("schema_version",), data["schema_version"])
        if version is not None and version not in SCHEMA_VERSIONS:
            supported = ", ".join(str(v) for v in SCHEMA_VERSIONS)
            detail = message("configfile-schema-version", value=version, supported=supported)
            errors.add(("schema_version",), detail)
            raise errors.exception(source)  # other versions may mean other keys: stop here
    _check_keys(errors, (), data, _TOP_KEYS)
    data_path, rounded, reading = _data_table(errors, data.get("data"), source)
    roles, groups = _roles_table(errors, data.get("roles"))
    reference = _reference_table(errors, data.get("reference"), groups)
    config = _audit_table(errors, data.get("audit"), reference)
    database = _database_keys(errors, data.get("data"), data_path)
    if errors.items or roles is None or config is None:
        raise errors.exception(source)
    return AuditSpec(roles, config, data_path, rounded, source, database=database, **reading)


def _database_keys(
    errors: _Errors, value: object, data_path: Path | None
) -> tuple[str, str | None, str | None] | None:
    """Check ``data.url`` with ``data.table`` or ``data.query``; return them (or None)."""
    if not isinstance(value, Mapping):
        return None
    texts = {
        k: _string(errors, ("data", k), value[k]) for k in ("url", "table", "query") if k in value
    }
    url, table, query = (texts.get(k) for k in ("url", "table", "query"))
    if url is None:
        for key in ("table", "query"):
            if key in texts:
                errors.add(("data", key), message("configfile-data-no-url", name=key))
        return None
    if not url.lower().startswith(("postgresql://", "postgres://")):
        errors.add(("data", "url"), message("configfile-data-url", value=url))
    elif data_path is not None:
        errors.add(("data", "url"), message("configfile-data-url-and-path"))
    elif (table is None) == (query is None):
        errors.add(("data", "url"), message("database-table-or-query"))
    else:
        return url, table, query
    return None


def _data_table(
    errors: _Errors, value: object, source: Path | None
) -> tuple[Path | None, bool, dict[str, str]]:
    table = _table(errors, ("data",), value)
    if table is None:
        return None, False, {}
    _check_keys(errors, ("data",), table, _DATA_KEYS)
    data_path: Path | None = None
    if "path" in table:
        text = _string(errors, ("data", "path"), table["path"])
        if text == "":
            errors.add(("data", "path"), message("configfile-empty"))
        elif text is not None:
            data_path = Path(text)
            if source is not None and not data_path.is_absolute():
                data_path = source.parent / data_path
    rounded = False
    if "rounded" in table:
        rounded = bool(_boolean(errors, ("data", "rounded"), table["rounded"]))
    reading: dict[str, str] = {}
    if "encoding" in table:
        encoding = _string(errors, ("data", "encoding"), table["encoding"])
        if encoding is not None:
            try:
                codecs.lookup(encoding)
                reading["encoding"] = encoding
            except LookupError:
                errors.add(("data", "encoding"), message("cli-bad-encoding", value=_show(encoding)))
    for key in ("sep", "decimal", "thousands"):
        if key in table:
            char = _string(errors, ("data", key), table[key])
            if char is not None:
                char = _TAB_NAMES.get(char.lower(), char) if key == "sep" else char
                if len(char) == 1:
                    reading[key] = char
                else:
                    errors.add(("data", key), message(f"cli-bad-{key}", value=_show(char)))
    return data_path, rounded, reading


def _roles_table(errors: _Errors, value: object) -> tuple[Roles | None, tuple[str, ...] | None]:
    """Check ``[roles]``; return the Roles (if valid) and the valid groups (if any)."""
    table = _table(errors, ("roles",), {} if value is None else value)
    if table is None:
        return None, None
    _check_keys(errors, ("roles",), table, tuple(_ROLE_KINDS))
    for key, example in _REQUIRED_EXAMPLES.items():
        if key not in table:
            errors.add(("roles", key), message("configfile-missing", example=example))
    found = len(errors.items)

    decision: str | None = None
    if "decision" in table:
        decision = _string(errors, ("roles", "decision"), table["decision"])
        if decision is not None and not errors.probe(
            ("roles", "decision"), lambda: Roles(decision=decision or "", groups=(_NO_GROUP,))
        ):
            decision = None
    groups: tuple[str, ...] | None = None
    if "groups" in table:
        groups = _strings(
            errors,
            ("roles", "groups"),
            table["groups"],
            lambda item: Roles(decision=_NO_DECISION, groups=(item,)),
        )
        if groups is not None and not errors.probe(
            ("roles", "groups"), lambda: Roles(decision=_NO_DECISION, groups=groups or ())
        ):
            groups = None

    accepted: dict[str, Any] = {
        "decision": _NO_DECISION if decision is None else decision,
        "groups": (_NO_GROUP,) if groups is None else groups,
    }
    if (
        decision is not None
        and groups is not None
        and not errors.probe(("roles", "decision"), lambda: Roles(**accepted))
    ):
        accepted["decision"] = _NO_DECISION  # the decision is also a group attribute

    for key, kind in _ROLE_KINDS.items():
        if key in ("decision", "groups") or key not in table:
            continue
        path: _KeyPath = ("roles", key)
        checked: object = None
        if kind == "spellings":
            checked = _spellings(errors, path, table[key])
        elif kind == "numbers":
            checked = _numbers(errors, path, table[key])
        elif kind in ("columns", "strings"):
            checked = _strings(errors, path, table[key], partial(_roles_with_item, accepted, key))
        else:
            checked = _string(errors, path, table[key])
            if kind == "column" and checked == "":
                errors.add(path, message("role-not-a-name", role=key, value=repr("")))
                checked = None
        if checked is not None and errors.probe(path, partial(_roles_with, accepted, key, checked)):
            accepted[key] = checked

    if len(errors.items) > found or decision is None or groups is None:
        return None, groups
    return Roles(**accepted), groups


def _reference_table(
    errors: _Errors, value: object, groups: tuple[str, ...] | None
) -> dict[str, str]:
    table = _table(errors, ("reference",), value)
    reference: dict[str, str] = {}
    for attribute, label in (table or {}).items():
        path: _KeyPath = ("reference", attribute)
        if isinstance(label, (str, int)):
            reference[attribute] = str(label)  # bool is an int: true becomes "True"
        else:
            errors.wrong_type(path, "label", label)
        if groups is not None and attribute not in groups:
            names = ", ".join(groups)
            detail = message(
                "configfile-reference-not-a-group",
                attribute=attribute,
                groups=names,
                suggestion=_closest(attribute, groups),
            )
            errors.add(path, detail)
    return reference


def _audit_table(errors: _Errors, value: object, reference: dict[str, str]) -> AuditConfig | None:
    table = _table(errors, ("audit",), value) or {}
    _check_keys(errors, ("audit",), table, tuple(_AUDIT_KINDS))
    accepted: dict[str, Any] = {}
    for key, kind in _AUDIT_KINDS.items():
        if key not in table:
            continue
        path: _KeyPath = ("audit", key)
        raw = table[key]
        checked: object = None
        if kind == "thresholds":
            checked = _thresholds(errors, raw)
        elif kind == "grounds":
            checked = _string_table(errors, path, raw)
        elif kind == "strings":
            checked = _strings(errors, path, raw, partial(_config_with_item, key))
        else:
            checked = _SCALARS[kind](errors, path, raw)
        if checked is not None and errors.probe(path, partial(_config_with, key, checked)):
            accepted[key] = checked
    config: list[AuditConfig] = []
    errors.probe(("audit",), lambda: config.append(AuditConfig(reference=reference, **accepted)))
    return config[0] if config else None


def _roles_with(base: Mapping[str, Any], key: str, value: object) -> Roles:
    return Roles(**{**base, key: value})


def _roles_with_item(base: Mapping[str, Any], key: str, item: str) -> Roles:
    return Roles(**{**base, key: (item,)})


def _config_with(key: str, value: object) -> AuditConfig:
    settings: dict[str, Any] = {key: value}
    return AuditConfig(**settings)


def _config_with_item(key: str, item: str) -> AuditConfig:
    settings: dict[str, Any] = {key: (item,)}
    return AuditConfig(**settings)


def _thresholds(errors: _Errors, value: object) -> SeverityThresholds | None:
    path: _KeyPath = ("audit", "thresholds")
    table = _table(errors, path, value)
    if table is None:
        return None
    _check_keys(errors, path, table, _THRESHOLD_KEYS)
    given: dict[str, float] = {}
    valid = True
    for key in _THRESHOLD_KEYS:
        if key in table:
            number = _number(errors, (*path, key), table[key])
            valid = valid and number is not None
            if number is not None:
                given[key] = number
    if not valid:
        return None
    result: list[SeverityThresholds] = []
    if errors.probe((*path, _blame(given)), lambda: result.append(SeverityThresholds(**given))):
        return result[0]
    return None


def _blame(given: Mapping[str, float]) -> str:
    """Name the threshold a user should change when ``1 < low <= medium <= high`` fails."""
    values = {key: given.get(key, getattr(SeverityThresholds(), key)) for key in _THRESHOLD_KEYS}
    for key in _THRESHOLD_KEYS:
        if not math.isfinite(values[key]):
            return key
    if not values["low"] > 1.0:
        return "low"
    for lower, upper in (("low", "medium"), ("medium", "high")):
        if not values[lower] <= values[upper]:
            return upper if upper in given else lower
    return "low"  # pragma: no cover - SeverityThresholds accepted these values


# ---------------------------------------------------------------------- type checks


def _present(table: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None}


def _table(errors: _Errors, path: _KeyPath, value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        errors.wrong_type(path, "table", value)
        return None
    return _present(value)


def _string(errors: _Errors, path: _KeyPath, value: object) -> str | None:
    if isinstance(value, str):
        return value
    errors.wrong_type(path, "string", value)
    return None


def _numbers(errors: _Errors, path: _KeyPath, value: object) -> tuple[float, ...] | None:
    """Check a list of numbers (booleans are not numbers)."""
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        return tuple(float(v) for v in value)
    errors.wrong_type(path, "numbers", value)
    return None


def _boolean(errors: _Errors, path: _KeyPath, value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    errors.wrong_type(path, "bool", value)
    return None


def _integer(errors: _Errors, path: _KeyPath, value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    errors.wrong_type(path, "integer", value)
    return None


def _number(errors: _Errors, path: _KeyPath, value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    errors.wrong_type(path, "number", value)
    return None


_SCALARS: Final[dict[str, Callable[[_Errors, _KeyPath, object], object]]] = {
    "string": _string,
    "bool": _boolean,
    "integer": _integer,
    "number": _number,
}


def _strings(
    errors: _Errors, path: _KeyPath, value: object, check_item: Callable[[str], object]
) -> tuple[str, ...] | None:
    """Check a string or a list of strings; each item also with ``check_item``."""
    if isinstance(value, str):
        items: Sequence[object] = (value,)
        paths: Iterable[_KeyPath] = (path,)
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items = value
        paths = ((*path, index) for index in range(len(value)))
    else:
        errors.wrong_type(path, "strings", value)
        return None
    valid = True
    for item_path, item in zip(paths, items, strict=True):
        if not isinstance(item, str):
            errors.wrong_type(item_path, "string", item)
            valid = False
        elif not errors.probe(item_path, partial(check_item, item)):
            valid = False
    return tuple(str(item) for item in items) if valid else None


def _spellings(errors: _Errors, path: _KeyPath, value: object) -> dict[str, bool] | None:
    table = _table(errors, path, value)
    if table is None:
        return None
    checked = {key: _boolean(errors, (*path, key), flag) for key, flag in table.items()}
    if any(flag is None for flag in checked.values()):
        return None
    return {key: bool(flag) for key, flag in checked.items()}


def _string_table(errors: _Errors, path: _KeyPath, value: object) -> dict[str, str] | None:
    table = _table(errors, path, value)
    if table is None:
        return None
    checked = {key: _string(errors, (*path, key), text) for key, text in table.items()}
    if any(text is None for text in checked.values()):
        return None
    return {key: str(text) for key, text in checked.items()}


def _check_keys(
    errors: _Errors, path: _KeyPath, table: Mapping[str, Any], allowed: Sequence[str]
) -> None:
    for key in table:
        if key in allowed:
            continue
        kind = "table" if isinstance(table[key], Mapping) else "key"
        detail = message(
            f"configfile-unknown-{kind}",
            suggestion=_suggest(key, allowed, errors.prefix),
            allowed=", ".join(allowed),
        )
        errors.add((*path, key), detail)


def _closest(name: str, names: Sequence[str]) -> str:
    """``" Bedoelde u 'x'?"`` for the closest of ``names`` (case and spaces ignored first)."""
    lowered = {n.lower().strip(): n for n in names}
    if name.lower().strip() in lowered:
        return message("did-you-mean", candidate=lowered[name.lower().strip()])
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return message("did-you-mean", candidate=close[0]) if close else ""


def _suggest(key: str, allowed: Sequence[str], prefix: _KeyPath) -> str:
    """Suggest another spelling, or the table that a misplaced key belongs in."""
    lowered = {name.lower(): name for name in allowed}
    if key.lower() in lowered:
        return message("did-you-mean", candidate=lowered[key.lower()])
    home = _HOME.get(key.lower())
    if home is not None:  # a known key in the wrong table, e.g. `order` under [roles]
        return message("did-you-mean", candidate=_format_path(prefix + home))
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if close:
        return message("did-you-mean", candidate=close[0])
    elsewhere = difflib.get_close_matches(key.lower(), list(_HOME), n=1, cutoff=0.75)
    if elsewhere:  # a misspelled key in the wrong table, e.g. `tresholds` at the top
        return message("did-you-mean", candidate=_format_path(prefix + _HOME[elsewhere[0]]))
    return ""


# ---------------------------------------------------------------------- presentation


def _format_path(path: _KeyPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            text += f".{name}" if text else name
    return text


def _sort_key(path: _KeyPath) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _show(value: object, limit: int = 60) -> str:
    """Render a value as it would be written in TOML (``true``, ``"text"``, ``[1, 2]``)."""
    text = _toml(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_format_path((str(k),))} = {_toml(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(value)

"""A table in PostgreSQL as an audit input, through Ibis: only the count table travels.

:func:`read_database` opens a connection URL (``postgresql://user@host:5432/db``) and
returns an Ibis table of a table name or a ``SELECT``.  Ibis is lazy, and narwhals supports
it as a lazy backend, so :func:`eerlijkheid.audit` runs its one group-by *inside the
database*: the server computes the counts per group and outcome, and only those cells
cross the network.

Safety:

* a URL with a password is refused: the password belongs in the environment
  (``PGPASSWORD``), in ``~/.pgpass`` or in a service file (``PGSERVICE`` with
  ``~/.pg_service.conf``), where libpq reads it; never on a command line or in a
  configuration file under version control;
* the session is opened with ``default_transaction_read_only = on``: eerlijkheid reads
  and the server refuses any write;
* every database error becomes one :class:`~eerlijkheid.exceptions.DatabaseError` line
  (no connection, no such table, permission denied, bad SQL) — see
  :func:`database_errors`.

Ibis and psycopg are optional (the ``postgres`` extra): they are imported only here, only
when a URL is opened.

Examples
--------
>>> is_database_url("postgresql://auditor@db.example.nl/zaken")
True
>>> is_database_url("export.csv")
False
>>> read_database("postgresql://auditor:geheim@db.example.nl/zaken", table="zaken")
Traceback (most recent call last):
...
eerlijkheid.exceptions.ConfigError: De verbindings-URL bevat een wachtwoord. ...
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from eerlijkheid.exceptions import ConfigError, DatabaseError, EerlijkheidError
from eerlijkheid.i18n import message

__all__ = ["URL_SCHEMES", "database_errors", "is_database_url", "read_database", "safe_url"]

#: URL schemes read as a PostgreSQL connection (libpq's two spellings).
URL_SCHEMES = ("postgresql", "postgres")

#: libpq option that makes every transaction of the session read-only.
_READ_ONLY = "-c default_transaction_read_only=on"

#: A query must read: it starts with SELECT, WITH, TABLE or VALUES (comments aside).
_READING = re.compile(
    r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|with|table|values)\b", re.I | re.S
)


def is_database_url(text: object) -> bool:
    """Whether ``text`` is a PostgreSQL connection URL (``postgresql://`` or ``postgres://``).

    Examples
    --------
    >>> is_database_url("postgres://localhost/db"), is_database_url("data/zaken.parquet")
    (True, False)
    """
    return (
        isinstance(text, str) and text.split("://", 1)[0].lower() in URL_SCHEMES and ("://" in text)
    )


def safe_url(url: str) -> str:
    """Return the URL without password and query parameters, for messages.

    Examples
    --------
    >>> safe_url("postgresql://auditor:geheim@db:5432/zaken?sslmode=require")
    'postgresql://auditor@db:5432/zaken'
    """
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{parts.path}"


def _refuse_password(url: str) -> None:
    parts = urlsplit(url)
    in_query = re.search(r"(^|&)password=", parts.query, re.I) is not None
    if parts.password is not None or in_query:
        raise ConfigError(message("database-password-in-url", url=safe_url(url)))


def _import_ibis() -> Any:
    try:
        import ibis
        import psycopg  # noqa: F401  (the driver Ibis' PostgreSQL backend uses)
    except ImportError as exc:
        raise ConfigError(message("database-no-ibis")) from exc
    return ibis


def _query_schema(con: Any, query: str) -> Any:
    """Return the Ibis schema of a query's result, creating nothing on the server.

    (Ibis' own ``Backend.sql`` creates a temporary view to learn the schema; a read-only
    session refuses that.)
    """
    import ibis
    from ibis.backends.sql.datatypes import PostgresType

    with con.con.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({query}) AS eerlijkheid_query LIMIT 0")
        described = [(d.name, d.type_code) for d in cursor.description or ()]
        names = []
        for _, oid in described:
            cursor.execute("SELECT format_type(%s, NULL)", (oid,))
            row = cursor.fetchone()
            names.append(str(row[0]) if row else "text")
    return ibis.schema(
        {name: PostgresType.from_string(t) for (name, _), t in zip(described, names, strict=True)}
    )


def read_database(url: str, *, table: str | None = None, query: str | None = None) -> Any:
    """Open a table (or the result of a SELECT) in PostgreSQL as a lazy Ibis table.

    Parameters
    ----------
    url : str
        ``postgresql://[user@]host[:port]/database[?options]`` — without a password.  libpq
        fills in what is missing from ``PGHOST``, ``PGUSER``, ``PGPASSWORD``, ``~/.pgpass``
        and ``PGSERVICE`` (``~/.pg_service.conf``); ``postgresql:///db?host=/run/socket``
        reaches a unix socket.
    table : str, optional
        A table or view name, optionally ``schema.name``.
    query : str, optional
        A ``SELECT`` (or ``WITH … SELECT``) whose result is audited.  Exactly one of
        ``table`` and ``query``.

    Returns
    -------
    ibis.Table
        A lazy table: nothing is read until the audit asks for its counts.

    Raises
    ------
    ConfigError
        For a password in the URL, neither or both of ``table`` and ``query``, a query
        that does not read, or Ibis/psycopg not installed (``pip install
        "eerlijkheid[postgres]"``).
    DatabaseError
        When the server cannot be reached, the table does not exist, access is denied or
        the query is wrong.

    Examples
    --------
    >>> read_database("postgresql:///zaken")
    Traceback (most recent call last):
    ...
    eerlijkheid.exceptions.ConfigError: Geef bij een database-URL precies één van --table ...
    """
    _refuse_password(url)
    if (table is None) == (query is None):
        raise ConfigError(message("database-table-or-query"))
    if query is not None and not _READING.match(query):
        raise ConfigError(message("database-query-not-select", query=query.strip()[:60]))
    ibis = _import_ibis()
    import psycopg

    with database_errors(url):
        connection = psycopg.connect(url, options=_READ_ONLY, autocommit=True)
        try:
            con = ibis.postgres.from_connection(connection)
            if table is not None:
                schema, _, name = table.rpartition(".")
                frame = con.table(name, database=schema or None)
            else:
                assert query is not None
                text = query.strip().rstrip(";")
                frame = con.sql(text, schema=_query_schema(con, text))
        except BaseException:
            connection.close()
            raise
    # The connection lives as long as the Ibis backend (and so the table) does.
    weakref.finalize(con, connection.close)
    return frame


def _kind(exc: BaseException) -> str | None:
    """Return the message key of a database error, or None when it is not one."""
    module = type(exc).__module__
    name = type(exc).__name__
    if module.startswith("ibis") and name == "TableNotFound":
        return "database-no-table"
    if not module.startswith("psycopg"):
        return None
    import psycopg.errors as pe

    if isinstance(exc, pe.UndefinedTable):
        return "database-no-table"
    if isinstance(exc, pe.InsufficientPrivilege):
        return "database-permission"
    if isinstance(exc, pe.ReadOnlySqlTransaction):
        return "database-read-only"
    if isinstance(exc, pe.OperationalError):
        return "database-connect"
    if isinstance(exc, (pe.SyntaxError, pe.UndefinedColumn, pe.UndefinedFunction)):
        return "database-sql"
    if isinstance(exc, pe.Error):
        return "database-other"
    return None


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return " ".join(lines[0].split()).rstrip(".")[:300]


def collect(frame: Any) -> Any:
    """Collect a narwhals lazy frame; a database's errors (Ibis) become ``DatabaseError``.

    Parameters
    ----------
    frame : narwhals LazyFrame
        Any lazy frame; only an Ibis one is treated specially.

    Returns
    -------
    narwhals DataFrame
        The collected frame.

    Examples
    --------
    >>> import narwhals.stable.v2 as nw, polars as pl
    >>> len(collect(nw.from_native(pl.LazyFrame({"x": [1, 2]}))))
    2
    """
    if not _on_ibis(frame):
        return frame.collect()
    with database_errors(_backend_label(frame)):
        return frame.collect()


def _on_ibis(frame: Any) -> bool:
    return str(getattr(getattr(frame, "implementation", None), "name", "")) == "IBIS"


def _backend_label(frame: Any) -> str:
    """Name the database of an Ibis-backed frame for messages (``postgres://…``)."""
    try:
        backend = frame.to_native()._find_backend()
        info = backend.con.info
        return f"{backend.name}://{info.user}@{info.host}/{info.dbname}"
    except Exception:
        return "ibis"


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn the errors of a database (psycopg, Ibis) into one-line ``DatabaseError`` s.

    Parameters
    ----------
    url : str
        The connection URL, named in the message (without its query parameters).

    Examples
    --------
    >>> with database_errors("postgresql:///zaken"):
    ...     pass
    """
    try:
        yield
    except EerlijkheidError:
        raise
    except Exception as exc:
        key = _kind(exc)
        if key is None:
            raise
        raise DatabaseError(message(key, url=safe_url(url), detail=_one_line(exc))) from exc

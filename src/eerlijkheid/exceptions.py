"""Errors and warnings raised by eerlijkheid.

Every error derives from :class:`EerlijkheidError`, and where it replaces a builtin
error it inherits that builtin too, so ``except KeyError`` keeps working for code that
does not know this library.  Messages name the column or value at fault and say what to do.

Examples
--------
>>> from eerlijkheid.exceptions import ColumnNotFoundError, EerlijkheidError
>>> issubclass(ColumnNotFoundError, KeyError) and issubclass(ColumnNotFoundError, EerlijkheidError)
True
"""

from __future__ import annotations

__all__ = [
    "ColumnNotFoundError",
    "ConfigError",
    "CountsError",
    "DataError",
    "DatabaseError",
    "EerlijkheidError",
    "EerlijkheidWarning",
    "EmptyDataError",
    "InvalidValuesError",
    "MixedTypesError",
    "ReadError",
    "RoleError",
    "RoundedCountsWarning",
    "SingleLevelError",
]


class EerlijkheidError(Exception):
    """Root of every error raised by eerlijkheid."""

    def __str__(self) -> str:
        # KeyError's str() adds quotes around the message; keep messages readable.
        return str(self.args[0]) if self.args else ""


class ConfigError(EerlijkheidError, ValueError):
    """An audit specification (roles, thresholds, options) is invalid."""


class RoleError(ConfigError):
    """Column roles contradict each other (e.g. one column in two roles)."""


class DataError(EerlijkheidError, ValueError):
    """The data cannot be audited as given."""


class ColumnNotFoundError(DataError, KeyError):
    """A column named in a role is not in the data."""


class InvalidValuesError(DataError):
    """A column holds values its role does not allow (non-binary decision, NaN, ...)."""


class MixedTypesError(DataError, TypeError):
    """A column mixes value types (e.g. numbers and text) so labels would be ambiguous."""


class EmptyDataError(DataError):
    """The data has no rows."""


class SingleLevelError(DataError):
    """A group attribute has one level only, so there is nothing to compare."""


class CountsError(DataError):
    """Pre-aggregated counts are invalid (negative, fractional, missing)."""


class ReadError(EerlijkheidError, OSError):
    """A file could not be read as a table."""


class DatabaseError(DataError):
    """A database could not be read: no connection, no such table, no permission, bad SQL."""


class EerlijkheidWarning(UserWarning):
    """Root of every warning issued by eerlijkheid."""


class RoundedCountsWarning(EerlijkheidWarning):
    """Pre-aggregated counts look rounded but were not declared so (``rounded=True``)."""

"""Argument validation shared by the :mod:`eerlijkheid.stats` functions.

Every message follows one template::

    The `x` parameter of `f` must be <requirement>; got <value> instead.

Bad options raise :class:`~eerlijkheid.exceptions.ConfigError`; negative, non-finite or
inconsistent counts raise :class:`~eerlijkheid.exceptions.CountsError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import NoReturn, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from eerlijkheid.exceptions import ConfigError, CountsError, EerlijkheidError

__all__ = [
    "COUNT_TOLERANCE",
    "Described",
    "as_float_array",
    "check_alternative",
    "check_counts",
    "check_open_unit",
    "check_option",
    "check_scalar",
    "fail",
    "is_scalar",
    "is_whole",
]

#: A count may exceed its ``nobs`` by this relative amount (floating-point noise from
#: summed weights); it is then clipped to ``nobs``.
COUNT_TOLERANCE = 1e-9


def fail(
    name: str,
    func: str,
    requirement: str,
    got: object,
    error: type[EerlijkheidError] = ConfigError,
) -> NoReturn:
    """Raise ``error`` with the package's one message template.

    Parameters
    ----------
    name : str
        Name of the offending parameter.
    func : str
        Name of the public function or method that received it.
    requirement : str
        What the parameter must be (completes "must be ...").
    got : object
        The offending value; shown with ``repr``.
    error : type of EerlijkheidError, default ConfigError
        The exception class to raise.

    Raises
    ------
    EerlijkheidError
        Always.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import fail
    >>> fail("method", "f", "one of 'a', 'b'", "c")
    Traceback (most recent call last):
    ...
    eerlijkheid.exceptions.ConfigError: The `method` parameter of `f` must be one of 'a', 'b'; got 'c' instead.
    """  # noqa: E501
    msg = f"The `{name}` parameter of `{func}` must be {requirement}; got {got!r} instead."
    raise error(msg)


def check_option(value: object, *, name: str, func: str, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise ConfigError.

    Parameters
    ----------
    value : object
        The value given by the caller.
    name, func : str
        Parameter and function names for the message.
    options : sequence of str
        The allowed values.

    Returns
    -------
    str
        ``value``, unchanged.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import check_option
    >>> check_option("holm", name="method", func="f", options=("holm", "bh"))
    'holm'
    """
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(o) for o in options)
        fail(name, func, f"one of {allowed}", value)
    return value


def check_alternative(value: object, *, func: str) -> str:
    """Validate an ``alternative`` option (scipy's vocabulary).

    Parameters
    ----------
    value : object
        The value given by the caller.
    func : str
        Function name for the message.

    Returns
    -------
    str
        One of ``'two-sided'``, ``'less'``, ``'greater'``.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import check_alternative
    >>> check_alternative("less", func="f")
    'less'
    """
    return check_option(
        value, name="alternative", func=func, options=("two-sided", "less", "greater")
    )


def check_open_unit(value: object, *, name: str, func: str) -> float:
    """Return ``value`` as a float if it lies strictly between 0 and 1.

    Parameters
    ----------
    value : object
        The value given by the caller (e.g. a confidence level or alpha).
    name, func : str
        Parameter and function names for the message.

    Returns
    -------
    float
        The validated value.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import check_open_unit
    >>> check_open_unit(0.95, name="confidence_level", func="f")
    0.95
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        fail(name, func, "a number strictly between 0 and 1", value)
    as_float = float(value)
    if not (0.0 < as_float < 1.0):
        fail(name, func, "a number strictly between 0 and 1", value)
    return as_float


class Described:
    """A stand-in shown verbatim in an error message (for values too big to ``repr``).

    Parameters
    ----------
    text : str
        What the message shows after "got".

    Examples
    --------
    >>> from eerlijkheid.stats._validate import Described
    >>> Described("an array of shape (3,)")
    an array of shape (3,)
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def as_float_array(
    value: ArrayLike,
    *,
    name: str,
    func: str,
    error: type[EerlijkheidError] = CountsError,
    nonnegative: bool = True,
) -> NDArray[np.float64]:
    """Convert ``value`` to a finite (by default non-negative) float array.

    Parameters
    ----------
    value : array_like
        Numbers (any shape).
    name, func : str
        Parameter and function names for the message.
    error : type of EerlijkheidError, default CountsError
        Exception raised for invalid values.
    nonnegative : bool, default True
        Whether negative values are rejected.

    Returns
    -------
    numpy.ndarray of float64
        A new array (never a view of the input).

    Examples
    --------
    >>> from eerlijkheid.stats._validate import as_float_array
    >>> as_float_array([1, 2], name="count", func="f").tolist()
    [1.0, 2.0]
    """
    if isinstance(value, str | bytes):
        fail(name, func, "numeric", value, error)
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, func, "numeric", Described(f"a {type(value).__name__}"), error)
    bad = ~np.isfinite(arr)
    if nonnegative:
        bad |= arr < 0
    if bad.any():
        requirement = "finite and non-negative" if nonnegative else "finite"
        fail(name, func, requirement, float(arr[bad].flat[0]), error)
    return arr


def check_counts(
    count: ArrayLike,
    nobs: ArrayLike,
    *,
    func: str,
    count_name: str = "count",
    nobs_name: str = "nobs",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and broadcast a pair ``(count, nobs)``.

    Counts may be non-integer (effective counts from weights) but must be finite,
    non-negative and at most ``nobs``.  A count that exceeds ``nobs`` by less than
    ``COUNT_TOLERANCE`` (relative) is clipped to ``nobs``.

    Parameters
    ----------
    count, nobs : array_like
        Successes and trials.
    func : str
        Function name for the message.
    count_name, nobs_name : str
        Parameter names for the message.

    Returns
    -------
    tuple of numpy.ndarray
        ``(count, nobs)`` as float arrays of the broadcast shape.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import check_counts
    >>> c, n = check_counts([1, 2], 4, func="f")
    >>> c.tolist(), n.tolist()
    ([1.0, 2.0], [4.0, 4.0])
    """
    c = as_float_array(count, name=count_name, func=func)
    n = as_float_array(nobs, name=nobs_name, func=func)
    try:
        c, n = np.broadcast_arrays(c, n)
    except ValueError:
        fail(
            nobs_name,
            func,
            f"broadcastable to the shape of `{count_name}` {c.shape}",
            Described(f"an array of shape {n.shape}"),
        )
    c = c.copy()
    n = n.copy()
    over = c > n
    if over.any():
        too_far = over & (c > n * (1.0 + COUNT_TOLERANCE))
        if too_far.any():
            i = np.flatnonzero(too_far.ravel())[0]
            fail(
                count_name,
                func,
                f"at most `{nobs_name}` ({float(n.flat[i])!r})",
                float(c.flat[i]),
                CountsError,
            )
        c[over] = n[over]
    return c, n


def is_whole(x: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Elementwise test for whole numbers.

    Parameters
    ----------
    x : numpy.ndarray
        Finite floats.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from eerlijkheid.stats._validate import is_whole
    >>> is_whole(np.array([1.0, 1.5])).tolist()
    [True, False]
    """
    return np.equal(np.floor(x), x)


def is_scalar(value: object) -> bool:
    """Whether ``value`` is a single number (not an array of one or more).

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    bool

    Examples
    --------
    >>> from eerlijkheid.stats._validate import is_scalar
    >>> is_scalar(3), is_scalar([3])
    (True, False)
    """
    return np.ndim(value) == 0  # type: ignore[arg-type]


def check_scalar(value: object, *, name: str, func: str) -> None:
    """Raise ConfigError unless ``value`` is a single number.

    Parameters
    ----------
    value : object
        The value given by the caller.
    name, func : str
        Parameter and function names for the message.

    Examples
    --------
    >>> from eerlijkheid.stats._validate import check_scalar
    >>> check_scalar(3.0, name="count", func="f")
    """
    if isinstance(value, str | bytes) or not is_scalar(value):
        shape = np.asarray(cast(ArrayLike, value), dtype=object).shape
        got = value if isinstance(value, str | bytes) else Described(f"shape {shape}")
        fail(name, func, "a single number (use the vectorised function for arrays)", got)

"""The registry of count-based metrics.

Every metric is a ratio of two sums over the (decision × outcome) cells of a group:
``numerator / denominator``.  The cells are indexed ``[decision, outcome]`` with decision
``0`` (not selected) or ``1`` (selected) and outcome ``0`` (negative), ``1`` (positive) or
``2`` (not observed).  Outcome-based metrics use only cells with an observed outcome.

Each metric declares whether it needs an outcome, and its *harm direction*: which way of
the value is worse for the group, once for a decision that is a burden (selected for a
check, a home visit, a re-examination — the default) and once for a decision that is a
benefit (granted help, a permit).  ``"either"`` means no side is worse by itself.

Share metrics (``selection_share``, ``population_share``) divide by a total over all
groups of the attribute; they describe representation and take no part in
group-versus-reference disparities.

Examples
--------
>>> METRICS["selection_rate"].harm(favourable=False)
'higher'
>>> METRICS["true_positive_rate"].needs_outcome
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["METRICS", "Harm", "Metric", "MetricKind", "metric_names"]

Harm = Literal["higher", "lower", "either"]
MetricKind = Literal["rate", "share"]
Mask = npt.NDArray[np.bool_]


def _mask(*cells: tuple[int, int]) -> Mask:
    mask = np.zeros((2, 3), dtype=bool)
    for d, y in cells:
        mask[d, y] = True
    mask.setflags(write=False)
    return mask


_TN, _FN, _FP, _TP = (0, 0), (0, 1), (1, 0), (1, 1)
_ALL = _mask(*[(d, y) for d in (0, 1) for y in (0, 1, 2)])
_SELECTED = _mask((1, 0), (1, 1), (1, 2))


@dataclass(frozen=True)
class Metric:
    """A count-based metric: ``sum(cells in numerator) / sum(cells in denominator)``.

    Attributes
    ----------
    name : str
        Stable identifier (snake_case).
    numerator, denominator : ndarray of bool, shape (2, 3)
        Masks over the ``[decision, outcome]`` cells.
    needs_outcome : bool
        Whether the metric needs an observed outcome.
    harm_if_burden, harm_if_benefit : {'higher', 'lower', 'either'}
        Which side of the value is worse for a group, for a burdening and for a
        favourable decision.
    kind : {'rate', 'share'}
        ``'share'`` metrics divide by the total over all groups (see module docstring).
    """

    name: str
    numerator: Mask
    denominator: Mask
    needs_outcome: bool
    harm_if_burden: Harm
    harm_if_benefit: Harm
    kind: MetricKind = "rate"

    def harm(self, *, favourable: bool) -> Harm:
        """Return which side of the value is worse for a group.

        Parameters
        ----------
        favourable : bool
            Whether the decision is a benefit (``True``) or a burden (``False``).

        Returns
        -------
        {'higher', 'lower', 'either'}
            The harm direction.

        Examples
        --------
        >>> METRICS["selection_rate"].harm(favourable=True)
        'lower'
        """
        return self.harm_if_benefit if favourable else self.harm_if_burden


def _metric(
    name: str,
    numerator: Mask,
    denominator: Mask,
    burden: Harm,
    benefit: Harm,
    *,
    needs_outcome: bool = True,
    kind: MetricKind = "rate",
) -> Metric:
    return Metric(name, numerator, denominator, needs_outcome, burden, benefit, kind)


_REGISTRY = (
    _metric("selection_rate", _SELECTED, _ALL, "higher", "lower", needs_outcome=False),
    _metric("prevalence", _mask(_FN, _TP), _mask(_TN, _FN, _FP, _TP), "either", "either"),
    _metric("true_positive_rate", _mask(_TP), _mask(_FN, _TP), "higher", "lower"),
    _metric("false_positive_rate", _mask(_FP), _mask(_TN, _FP), "higher", "either"),
    _metric("false_negative_rate", _mask(_FN), _mask(_FN, _TP), "lower", "higher"),
    _metric("true_negative_rate", _mask(_TN), _mask(_TN, _FP), "lower", "either"),
    _metric("precision", _mask(_TP), _mask(_FP, _TP), "lower", "either"),
    _metric("negative_predictive_value", _mask(_TN), _mask(_TN, _FN), "either", "lower"),
    _metric("false_discovery_rate", _mask(_FP), _mask(_FP, _TP), "higher", "either"),
    _metric("false_omission_rate", _mask(_FN), _mask(_TN, _FN), "either", "higher"),
    _metric("false_positive_share", _mask(_FP), _ALL, "higher", "either"),
    _metric(
        "selection_share",
        _SELECTED,
        _SELECTED,
        "either",
        "either",
        needs_outcome=False,
        kind="share",
    ),
    _metric("population_share", _ALL, _ALL, "either", "either", needs_outcome=False, kind="share"),
)

#: Every metric by name, in registry order.
METRICS = MappingProxyType({m.name: m for m in _REGISTRY})


def metric_names(*, has_outcome: bool = True, kind: MetricKind | None = None) -> tuple[str, ...]:
    """Return the names of the metrics that apply, in registry order.

    Parameters
    ----------
    has_outcome : bool
        Whether the data has an outcome; without one, outcome metrics are left out.
    kind : {'rate', 'share'}, optional
        Only metrics of this kind.

    Returns
    -------
    tuple of str
        Metric names.

    Examples
    --------
    >>> metric_names(has_outcome=False)
    ('selection_rate', 'selection_share', 'population_share')
    """
    return tuple(
        m.name
        for m in _REGISTRY
        if (has_outcome or not m.needs_outcome) and (kind is None or m.kind == kind)
    )

"""Secondary (complementary) suppression of linked count tables, and the attacker that checks it.

Every count an audit publishes — a group's cases, its selected cases, its hits, a random
arm's cases — is a sum over the cells of one cube: the full cross-classification of the
group attributes, the arm (profile or random sample), the decision and the outcome.  A
published count is a *box*: a choice of levels on some axes, summed over the others.
Hiding the small counts (primary suppression) is not enough: the attacker knows every
published box and that no cell is negative, and can solve for a hidden one (a group from
the total minus its siblings, a random-sample cell from 115 − (14 + 31 + 33 + 29)).

:func:`attack` is that attacker: for every protected quantity it solves two linear
programmes (``scipy.optimize.linprog``, HiGHS) for the smallest and largest value
consistent with everything published.  :func:`protect` hides further boxes until the
attacker's interval of every protected quantity is at least ``protection`` wide: at every
step the failing programme's dual values name the published boxes the attacker's bound
rests on, and the cheapest of them is hidden: the most detailed first (an intersection
before a margin), then the one that loses fewest published records, then the smallest
count.  Hiding only ever widens the intervals, so the loop ends, and its result is
checked by the same attacker that a test runs on the published output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Box", "Cube", "Protection", "Target", "attack", "protect"]

#: A box: ``(axis, levels)`` pairs for the restricted axes (sorted); the others are summed.
Box = tuple[tuple[int, tuple[int, ...]], ...]

#: Largest number of boxes hidden by :func:`protect` before it gives up.
_MAX_STEPS = 2_000
#: Default budget of attacker intervals per :func:`protect` call.
MAX_SOLVES = 2_000
_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Cube:
    """The full cross-classification of everything an audit counts.

    Attributes
    ----------
    names : tuple of str
        Axis names (group attributes, arm, decision, outcome).
    levels : tuple of tuple of str
        Level labels per axis.
    counts : ndarray of int
        Cases per cell, one axis per name.

    Examples
    --------
    >>> import numpy as np
    >>> cube = Cube(("g", "d"), (("a", "b"), ("0", "1")), np.array([[5, 3], [40, 12]]))
    >>> cube.value(cube.box(g="a")), cube.value(cube.box(d="1"))
    (8, 15)
    """

    names: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    counts: npt.NDArray[np.int64]

    def box(self, **levels: str | Sequence[str]) -> Box:
        """Return the box that fixes the named axes to the given level(s)."""
        parts = []
        for axis, name in enumerate(self.names):
            if name in levels:
                wanted = levels[name]
                chosen = [wanted] if isinstance(wanted, str) else list(wanted)
                parts.append((axis, tuple(sorted(self.levels[axis].index(v) for v in chosen))))
        return tuple(parts)

    def mask(self, box: Box) -> npt.NDArray[np.bool_]:
        """Return the cells of ``box`` as a boolean array over the flattened cube."""
        selected = [np.ones(len(lv), dtype=bool) for lv in self.levels]
        for axis, chosen in box:
            selected[axis] = np.zeros(len(self.levels[axis]), dtype=bool)
            selected[axis][list(chosen)] = True
        out = np.ones((), dtype=bool)
        for sel in selected:
            out = np.multiply.outer(out, sel)
        return out.reshape(-1)

    def value(self, box: Box) -> int:
        """Return the count of ``box``."""
        return int(self.counts.reshape(-1)[self.mask(box)].sum())


@dataclass(frozen=True)
class Target:
    """A protected quantity: the count of ``plus`` minus the count of ``minus`` (if any).

    A complement ``n - x`` is the box of the cases minus the box of the counted ones.
    """

    plus: Box
    minus: Box | None = None

    def vector(self, cube: Cube) -> npt.NDArray[np.float64]:
        """Return the quantity as coefficients over the flattened cube."""
        vec = cube.mask(self.plus).astype(np.float64)
        if self.minus is not None:
            vec = vec - cube.mask(self.minus)
        return vec


@dataclass(frozen=True)
class Protection:
    """The outcome of :func:`protect`.

    Attributes
    ----------
    hidden : frozenset of Box
        Every box that no output may publish (primary and complementary).
    suppressed : frozenset
        The records that publish a hidden box.
    primary : frozenset
        The records suppressed by the primary rule.
    intervals : tuple of (float, float)
        The attacker's interval of each target after protection, in target order.
    unprotectable : tuple of int
        Targets whose interval stays narrower than ``protection`` even with every
        hideable box hidden (a margin that is always published, such as the total, pins
        them), or that the budget of :func:`protect` left unchecked.
    """

    hidden: frozenset[Box]
    suppressed: frozenset[Any]
    primary: frozenset[Any]
    intervals: tuple[tuple[float, float], ...] = ()
    unprotectable: tuple[int, ...] = ()
    steps: int = field(default=0)


class _System:
    """The attacker's equality system over the cube: one row per distinct published box.

    The programmes of one system differ only in their objective, so they are solved by
    one HiGHS instance that starts each from the previous optimal basis (SciPy's bundled
    HiGHS; about 20 times faster than a fresh :func:`scipy.optimize.linprog` per target).
    Where that interface is missing, each programme goes through ``linprog``.
    """

    def __init__(self, cube: Cube, boxes: Iterable[Box], *, warm: bool = True) -> None:
        rows: dict[bytes, int] = {}
        masks: list[npt.NDArray[np.bool_]] = []
        self.boxes_of_row: list[list[Box]] = []
        for box in sorted(set(boxes)):
            mask = cube.mask(box)
            key = np.packbits(mask).tobytes()
            if key not in rows:
                rows[key] = len(masks)
                masks.append(mask)
                self.boxes_of_row.append([])
            self.boxes_of_row[rows[key]].append(box)
        flat = cube.counts.reshape(-1).astype(np.float64)
        matrix = np.array(masks, dtype=np.float64) if masks else np.zeros((0, flat.size))
        values = matrix @ flat
        # A published zero pins every cell in it to zero: those cells leave the programme.
        zero = matrix[values == 0].any(axis=0) if matrix.shape[0] else np.zeros(flat.size, bool)
        self.columns = np.flatnonzero(~zero)
        self.matrix = matrix[:, self.columns]
        self.values = values
        self._highs = _highs(self.matrix, self.values) if warm else None

    def interval(
        self, vector: npt.NDArray[np.float64]
    ) -> tuple[float, float, npt.NDArray[np.float64]]:
        """Smallest and largest value of ``vector · cells``; the duals of both programmes."""
        vector = vector[self.columns]
        if self._highs is not None:
            return self._warm(vector)
        from scipy.optimize import linprog

        kwargs: dict[str, Any] = {"bounds": (0, None), "method": "highs"}
        if self.matrix.shape[0]:
            kwargs.update(A_eq=self.matrix, b_eq=self.values)
        low = linprog(vector, **kwargs)
        high = linprog(-vector, **kwargs)
        duals = np.zeros(self.matrix.shape[0])
        lo = float(low.fun) if low.status == 0 else -np.inf
        hi = float(-high.fun) if high.status == 0 else np.inf
        for res in (low, high):
            if res.status == 0 and self.matrix.shape[0]:
                duals = duals + np.abs(np.asarray(res.eqlin.marginals, dtype=np.float64))
        return lo, hi, duals

    def _warm(
        self, vector: npt.NDArray[np.float64]
    ) -> tuple[float, float, npt.NDArray[np.float64]]:
        highs, columns = self._highs  # type: ignore[misc]
        bounds = []
        duals = np.zeros(self.matrix.shape[0])
        for sign in (1.0, -1.0):
            highs.changeColsCost(columns.size, columns, sign * vector)
            highs.run()
            if highs.getModelStatus().name != "kOptimal":
                bounds.append(-np.inf if sign > 0 else np.inf)
                continue
            bounds.append(sign * float(highs.getInfo().objective_function_value))
            if self.matrix.shape[0]:
                duals = duals + np.abs(np.asarray(highs.getSolution().row_dual, dtype=np.float64))
        return bounds[0], bounds[1], duals


def _highs(matrix: npt.NDArray[np.float64], values: npt.NDArray[np.float64]) -> Any:
    """Return a HiGHS instance holding ``matrix · cells = values, cells >= 0`` (or ``None``)."""
    try:
        from scipy.optimize._highspy import _core  # SciPy's bundled HiGHS
    except ImportError:  # pragma: no cover - depends on the SciPy build
        return None
    rows, cols = matrix.shape
    try:
        highs = _core._Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # keep the basis between objectives
        # only the objective changes, so the basis stays primal feasible: primal simplex
        highs.setOptionValue("simplex_strategy", 4)
        highs.addVars(cols, np.zeros(cols), np.full(cols, highs.getInfinity()))
        if rows:
            starts: list[int] = []
            indices: list[int] = []
            for row in matrix:
                starts.append(len(indices))
                indices.extend(np.flatnonzero(row).tolist())
            highs.addRows(
                rows,
                values,
                values,
                len(indices),
                np.asarray(starts, dtype=np.int32),
                np.asarray(indices, dtype=np.int32),
                np.ones(len(indices)),
            )
    except (AttributeError, TypeError):  # pragma: no cover - another HiGHS interface
        return None
    return highs, np.arange(cols, dtype=np.int32)


def attack(
    cube: Cube, published: Iterable[Box], targets: Sequence[Target]
) -> list[tuple[float, float]]:
    """Return the attacker's feasible interval of each target, given the published boxes.

    Parameters
    ----------
    cube : Cube
        The true counts (the attacker does not know them; they fix the published values).
    published : iterable of Box
        Every published count.
    targets : sequence of Target
        The hidden quantities to bound.

    Returns
    -------
    list of (float, float)
        Smallest and largest value of each target over all non-negative cubes that give
        the same published counts.

    Examples
    --------
    >>> import numpy as np
    >>> cube = Cube(("g",), (("a", "b", "c"),), np.array([3, 40, 57]))
    >>> attack(cube, [(), cube.box(g="b"), cube.box(g="c")], [Target(cube.box(g="a"))])
    [(3.0, 3.0)]
    >>> attack(cube, [(), cube.box(g="c")], [Target(cube.box(g="a"))])
    [(0.0, 43.0)]
    """
    system = _System(cube, published)
    out = []
    for target in targets:
        lo, hi, _ = system.interval(target.vector(cube))
        out.append((lo, hi))
    return out


def protect(
    cube: Cube,
    records: Mapping[Any, Sequence[Box]],
    *,
    always: Iterable[Box],
    primary: Mapping[Any, Sequence[Box]],
    targets: Sequence[Target],
    protection: float,
    max_solves: int = MAX_SOLVES,
) -> Protection:
    """Hide boxes until no target can be bounded more narrowly than ``protection``.

    Parameters
    ----------
    cube : Cube
        The counts.
    records : mapping
        Every published record (any hashable id) and the boxes it publishes.
    always : iterable of Box
        Boxes published whatever is suppressed (the totals in a report's header).
    primary : mapping
        The records the primary rule suppresses, with the boxes of their small pairs
        (hidden everywhere).
    targets : sequence of Target
        The small quantities to protect.
    protection : float
        The width the attacker's interval of every target must reach (the threshold).
    max_solves : int
        Most attacker intervals computed (each two linear programmes): a deterministic
        bound on the work for very detailed audits (order 4 and higher).  Targets left
        unchecked when it is spent are reported as ``unprotectable``, never assumed safe.

    Returns
    -------
    Protection
        The hidden boxes, the suppressed records and the final intervals.

    Examples
    --------
    >>> import numpy as np
    >>> cube = Cube(("g",), (("a", "b", "c"),), np.array([3, 40, 57]))
    >>> boxes = {g: [cube.box(g=g)] for g in "abc"}
    >>> out = protect(cube, boxes, always=[()], primary={"a": boxes["a"]},
    ...               targets=[Target(cube.box(g="a"))], protection=10)
    >>> sorted(out.suppressed), out.intervals
    (['a', 'b'], ((0.0, 43.0),))
    """
    fixed = set(always)
    hidden = {b for boxes in primary.values() for b in boxes if b not in fixed}
    uses: dict[Box, list[Any]] = {}
    for rid, boxes in records.items():
        for b in boxes:
            uses.setdefault(b, []).append(rid)
    _relations(cube, records, fixed, hidden, uses)
    vectors = [t.vector(cube) for t in targets]
    intervals: list[tuple[float, float]] = [(0.0, 0.0)] * len(targets)
    passed: set[int] = set()
    unprotectable: set[int] = set()
    steps = 0
    solves = 0
    while True:
        suppressed = {r for r, boxes in records.items() if any(b in hidden for b in boxes)}
        suppressed |= set(primary)
        published = set(fixed)
        for rid, boxes in records.items():
            if rid not in suppressed:
                published.update(boxes)
        system = _System(cube, published)
        added = False
        for k, vector in enumerate(vectors):
            if k in passed or k in unprotectable:
                continue
            if solves >= max_solves:  # the budget is spent: reported, not guessed
                unprotectable.add(k)
                continue
            solves += 1
            lo, hi, duals = system.interval(vector)
            intervals[k] = (lo, hi)
            if hi - lo >= protection - _TOLERANCE:
                passed.add(k)
                continue
            choice = _cheapest(system, duals, fixed, uses, suppressed)
            if choice is None or steps >= _MAX_STEPS:
                unprotectable.add(k)
                continue
            hidden.update(choice)  # several per round: fewer rebuilds of the system
            steps += 1
            added = True
        if not added:
            break
    return Protection(
        hidden=frozenset(hidden),
        suppressed=frozenset(suppressed),
        primary=frozenset(primary),
        intervals=tuple(intervals),
        unprotectable=tuple(sorted(unprotectable)),
        steps=steps,
    )


def _relations(
    cube: Cube,
    records: Mapping[Any, Sequence[Box]],
    fixed: set[Box],
    hidden: set[Box],
    uses: Mapping[Box, Sequence[Any]],
) -> None:
    """Hide boxes until no relation ``parent = sum of children`` has exactly one hidden.

    A relation with one hidden member gives it away (the parent minus the others).

    The relations are those between published boxes that differ in one axis fixed to one
    level: the box without that axis is the sum over the axis's levels.  Hides, in place,
    the cheapest other member of every such relation until none has exactly one hidden.
    """
    universe = set(fixed) | {b for boxes in records.values() for b in boxes}
    relations: list[list[Box]] = []
    seen: set[tuple[Box, int]] = set()
    for box in universe:
        parts = dict(box)
        for axis, chosen in box:
            if len(chosen) != 1:
                continue
            parent = tuple(sorted((a, c) for a, c in parts.items() if a != axis))
            if (parent, axis) in seen or parent not in universe:
                continue
            seen.add((parent, axis))
            children = [
                tuple(sorted({**dict(parent), axis: (level,)}.items()))
                for level in range(len(cube.levels[axis]))
            ]
            if all(c in universe for c in children):
                relations.append([parent, *children])
    values = {b: cube.value(b) for b in universe}
    suppressed = {r for b in hidden for r in uses.get(b, ())}
    changed = True
    while changed:
        changed = False
        for members in relations:
            inside = [b for b in members if b in hidden]
            if len(inside) != 1:
                continue
            free = [b for b in members if b not in hidden and b not in fixed]
            if not free:
                continue
            best = min(
                free,
                key=lambda b: (
                    -len(b),
                    len([r for r in uses.get(b, ()) if r not in suppressed]),
                    values[b],
                    b,
                ),
            )
            hidden.add(best)
            suppressed.update(uses.get(best, ()))
            changed = True


def _cheapest(
    system: _System,
    duals: npt.NDArray[np.float64],
    fixed: set[Box],
    uses: Mapping[Box, Sequence[Any]],
    suppressed: set[Any],
) -> list[Box] | None:
    """Return the published row the attacker's bound rests on that costs least to hide."""
    best: tuple[tuple[int, int, float, str], list[Box]] | None = None
    rows = np.flatnonzero(duals > _TOLERANCE)
    if not rows.size:  # a degenerate optimum: any published row may carry the bound
        rows = np.arange(len(system.boxes_of_row))
    for row in rows:
        boxes = system.boxes_of_row[int(row)]
        if any(b in fixed for b in boxes):
            continue
        lost = len({r for b in boxes for r in uses.get(b, ()) if r not in suppressed})
        # the most detailed box first (an intersection before a margin), then the one
        # that costs fewest published records, then the smallest count
        detail = -max(len(b) for b in boxes)
        cost = (detail, lost, float(system.values[int(row)]), repr(boxes))
        if best is None or cost < best[0]:
            best = (cost, boxes)
    return None if best is None else best[1]

"""Disclosure control: nothing an audit publishes reveals a person.

Municipalities publish audit reports (Woo requests, council letters, the
Algoritmeregister), so every output of eerlijkheid is built to be publishable, the way a
statistics office checks the output of research on its microdata (CBS, ESSnet
"Guidelines for the checking of output based on microdata research", ACRO):

* **primary suppression** (:func:`is_small`): a count, or its complement, between 1
  and the threshold (default 10), or a group of fewer cases, is not shown; nor is any
  number derived from it (rate, interval, test, ratio).  For weighted totals the
  dominance rules of :func:`dominated` apply.
* **secondary suppression** (:func:`protect`): further counts are hidden until no
  suppressed count can be computed back from everything published together (totals,
  margins, intersections, random-sample shares); :func:`attack` is the attacker that
  checks it with linear programming.
* **one walker** (:func:`walk`): evidence types declare their counts
  (:data:`DECLARATIONS`) and one pass over a result's data blanks every small one, in
  every output format.
* **text** (:func:`neutralise`): control and format characters in labels (bidi
  overrides, zero-width characters, ANSI escapes) are shown as visible escapes.

The threshold is configurable, but never below :data:`MIN_THRESHOLD`
(:func:`check_threshold`); ``docs/openbaarheid.md`` explains the choices.

Examples
--------
>>> is_small(3, 200, threshold=10), is_small(0, 200, threshold=10), is_small(50, 200, threshold=10)
(True, False, False)
>>> is_small(5, 8, threshold=10)
True
"""

from __future__ import annotations

from eerlijkheid.disclosure._rules import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    check_threshold,
    dominated,
    is_small,
)
from eerlijkheid.disclosure._tables import (
    MAX_SOLVES,
    Box,
    Cube,
    Protection,
    Target,
    attack,
    protect,
)
from eerlijkheid.disclosure._text import is_hidden_character, neutralise, neutralise_tree
from eerlijkheid.disclosure._walker import (
    DECLARATIONS,
    OTHER_LABEL,
    TYPE_KEY,
    Declaration,
    Tally,
    walk,
)

__all__ = [
    "DECLARATIONS",
    "DEFAULT_THRESHOLD",
    "MAX_SOLVES",
    "MIN_THRESHOLD",
    "OTHER_LABEL",
    "TYPE_KEY",
    "Box",
    "Cube",
    "Declaration",
    "Protection",
    "Tally",
    "Target",
    "attack",
    "check_threshold",
    "dominated",
    "is_hidden_character",
    "is_small",
    "neutralise",
    "neutralise_tree",
    "protect",
    "walk",
]

"""Pickling of the read-only mappings that frozen result objects hold.

Result objects (:class:`~eerlijkheid.AuditResult`, :class:`~eerlijkheid.Finding`,
:class:`~eerlijkheid.CountTable`, the configuration) keep their mappings read-only as
:class:`types.MappingProxyType`, which the standard library cannot pickle.  Importing
:mod:`eerlijkheid` registers a reducer with :mod:`copyreg`: a proxy pickles as a copy of its
items and unpickles as a new read-only proxy over them, so a result can go to another
process (multiprocessing, joblib, a cache) and come back equal.

Examples
--------
>>> import pickle
>>> from types import MappingProxyType
>>> import eerlijkheid
>>> proxy = pickle.loads(pickle.dumps(MappingProxyType({"a": 1})))
>>> type(proxy).__name__, dict(proxy)
('mappingproxy', {'a': 1})
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


def _mapping_proxy(items: dict[Any, Any]) -> Mapping[Any, Any]:
    """Rebuild a read-only proxy over the unpickled items."""
    return MappingProxyType(items)


def _reduce_mapping_proxy(
    proxy: MappingProxyType[Any, Any],
) -> tuple[Any, tuple[dict[Any, Any]]]:
    """Pickle a read-only proxy as a copy of its items."""
    return _mapping_proxy, (dict(proxy),)


copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)

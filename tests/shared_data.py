"""The shared data folder beside the repository: ``../shared/cases-raw``.

Some tests check the library against real, published data (DUO's CBS tables, the UC
Berkeley admissions) that the project does not copy into the repository; they read it from
``../shared/cases-raw`` relative to the repository root.  Outside CI a missing folder skips
those tests with the reason; under CI (``CI`` set to anything but empty, ``0`` or
``false``) it fails them with one clear message, because CI must provide the folder: a green
CI run must not silently skip the checks against published figures.

Tests ask for it with the ``shared_cases`` fixture (``tests/conftest.py``), or
``@pytest.mark.usefixtures("shared_cases")``; a helper that is not a test calls
:func:`require_cases_raw`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The repository's sibling folder with the shared data.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
#: The raw published data (duo-cub/, rdatasets/).
CASES_RAW = SHARED / "cases-raw"


def in_ci() -> bool:
    """Whether the tests run under CI (the ``CI`` environment variable is set and true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_cases_raw() -> Path:
    """Return ``../shared/cases-raw``; fail under CI, skip otherwise, when it is absent."""
    if CASES_RAW.is_dir():
        return CASES_RAW
    reason = (
        f"{CASES_RAW} not found: the checks against published data (DUO, UC Berkeley) need "
        "the shared data folder beside the repository"
    )
    if in_ci():
        pytest.fail(f"{reason}; CI must provide it (../shared/cases-raw).", pytrace=False)
    pytest.skip(reason)

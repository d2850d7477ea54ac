"""Tests that need ``../shared/cases-raw`` skip locally and fail clearly under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

import shared_data


@pytest.fixture
def absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shared_data, "CASES_RAW", tmp_path / "shared" / "cases-raw")


@pytest.mark.usefixtures("absent")
@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_ci_fails_with_one_clear_message(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must provide it") as info:
        shared_data.require_cases_raw()
    assert "cases-raw not found" in str(info.value)


@pytest.mark.usefixtures("absent")
@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_outside_ci_it_skips_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="cases-raw not found"):
        shared_data.require_cases_raw()


def test_present_folder_is_returned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shared_data, "CASES_RAW", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert shared_data.require_cases_raw() == tmp_path

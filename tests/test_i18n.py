"""The message catalogue: every message in Dutch and English with the same placeholders."""

from __future__ import annotations

import pytest

from eerlijkheid.i18n import (
    LANGUAGES,
    get_language,
    message,
    message_keys,
    placeholders,
    set_language,
)


@pytest.mark.parametrize("key", message_keys())
def test_every_message_has_both_languages_with_the_same_fields(key):
    fields = [placeholders(key, lang) for lang in LANGUAGES]
    assert all(f == fields[0] for f in fields), key
    for lang in LANGUAGES:
        text = message(key, language=lang, **dict.fromkeys(fields[0], "X"))
        assert text.strip(), key


def test_language_switch(monkeypatch):
    monkeypatch.setenv("EERLIJKHEID_LANG", "en")
    assert get_language() == "en"
    set_language("nl")
    try:
        assert get_language() == "nl"
    finally:
        set_language(None)
    monkeypatch.setenv("EERLIJKHEID_LANG", "fr")
    with pytest.raises(ValueError, match="'fr'"):
        get_language()


def test_unknown_key():
    with pytest.raises(KeyError):
        message("no-such-message")

"""Structured messages: English text for the contract, the reader's language on demand, intact across processes."""

from __future__ import annotations

import json
import pickle

from hypothesis import given
from hypothesis import strategies as st

from mamori.errors import ConfigError
from mamori.i18n import from_json, localize, location_label, message_of, said, said_json, t
from mamori.models import Location


def test_a_reason_reads_as_english_and_says_japanese() -> None:
    reason = said("reason.zip_encrypted_member", kind="AES")
    assert reason == "password-protected zip member (AES); not inspected"  # what JSONL keeps
    assert localize(reason, "ja") == "パスワード付きzipのメンバー（AES）：検査できません"
    assert localize(reason, "en") == str(reason)
    assert localize("an OS error as it is", "ja") == "an OS error as it is"
    assert localize(None, "ja") == ""


def test_locations_in_both_languages() -> None:
    where = Location(sheet="名簿", row=2, column=2)
    assert location_label(where, "ja") == "シート 名簿 2行目 2列目"
    assert location_label(where, "en") == "sheet 名簿 row 2 col 2" == where.describe()
    assert location_label(Location(), "ja") == "文書全体"


def test_a_reason_survives_pickling_and_json() -> None:
    reason = said("reason.too_large", size=12_345_678, limit=1_000)
    again = pickle.loads(pickle.dumps(reason))
    assert again == reason and again.say("ja") == reason.say("ja")
    kept = json.loads(json.dumps(said_json(reason)))
    assert from_json(kept).say("ja") == "ファイルが 12,345,678 バイトあり、上限 1,000 バイトを超えるため検査していません"
    assert from_json({}, "plain") == "plain" and said_json("plain") == {}


def test_an_error_message_in_the_readers_language() -> None:
    error = ConfigError(said("case_file.ocr"))
    assert str(error) == "[case] ocr must be true or false"
    assert message_of(error, "ja") == "[case] ocr は true か false で書いてください"
    assert message_of(ConfigError("plain text"), "ja") == "plain text"


def test_a_missing_key_shows_as_itself() -> None:
    """The same behaviour everywhere (command, reports, server): the catalogue tests catch it."""
    assert t("no.such.key", "ja") == "no.such.key" == t("no.such.key", "en")


@given(st.integers(min_value=0), st.integers(min_value=0))
def test_values_round_trip(size: int, limit: int) -> None:
    reason = said("reason.too_large", size=size, limit=limit)
    assert from_json(json.loads(json.dumps(said_json(reason)))) == reason
    assert f"{size:,}" in reason.say("ja")

"""Text from Telegram is cleaned so that both databases store it and it reads back as cleaned."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from bot.chat.clean import clean_text, valid_agency_name
from storage.db import make_engine

HOSTILE = "年报\x00草稿\r\n第二行\t缩进\ud800\x1b[31m红\x7f\udfff完" + "\ud83d\ude00"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("a\x00b", "ab"),
        ("第一行\n第二行\t缩进", "第一行\n第二行\t缩进"),
        ("a\r\nb", "a\nb"),
        ("\x01\x08\x0b\x0c\x1f\x7f", ""),
        ("\ud800", "\ufffd"),
        ("x\udc00y", "x\ufffdy"),
        ("\ud83d\ude00", "😀"),  # a pair of halves is the character it encodes
        ("😀 “引号” <b>&</b>", "😀 “引号” <b>&</b>"),
        ("", ""),
    ],
)
def test_clean_text(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_any_text_becomes_storable_and_stays_clean(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert "\x00" not in cleaned
    assert clean_text(cleaned) == cleaned


def test_cleaned_text_round_trips_through_the_database(database_url: str) -> None:
    metadata = MetaData()
    notes = Table("clean_text_notes", metadata, Column("id", Integer, primary_key=True), Column("body", Text))
    engine = make_engine(database_url)
    try:
        metadata.create_all(engine)
        cleaned = clean_text(HOSTILE)
        with engine.begin() as connection:
            connection.execute(insert(notes).values(id=1, body=cleaned))
        with engine.connect() as connection:
            assert connection.execute(select(notes.c.body)).scalar_one() == cleaned
        assert cleaned == "年报草稿\n第二行\t缩进\ufffd[31m红\ufffd完😀"
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["某某县人民政府", "某某市数据局（市政务服务管理局）", "Bureau of X", "局" * 100])
def test_agency_names_that_are_fine(name: str) -> None:
    assert valid_agency_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "某局\n/start",
        "某局\r",
        "某\x00局",
        "某\t局",
        "某\u202e局",
        "某\u200b局",
        "某\u2028局",
        "某\ud800局",
        "局" * 101,
    ],
)
def test_agency_names_that_are_refused(name: str) -> None:
    assert not valid_agency_name(name)

"""Button data: every button the bot makes decodes to its action; anything else decodes to None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat.actions import ARGUMENTS, ID_VERBS, Action, Verb, decode
from bot.engine.questions import questions
from bot.schema import FORMAT_2019, FORMAT_2021


def test_every_verb_says_what_its_argument_looks_like() -> None:
    assert set(ARGUMENTS) == set(Verb)


def _made_by_the_bot() -> list[Action]:
    actions = [
        Action(Verb.CONTINUE),
        Action(Verb.REVIEW),
        Action(Verb.STATUS),
        Action(Verb.SNOOZE, "12-2024"),
        Action(Verb.IMPORT_CONFIRM, "7"),
        Action(Verb.IMPORT_CANCEL, "123456789"),
        *(Action(Verb.REPORT, kind) for kind in ("docx", "draft", "html", "preview")),
    ]
    for fmt in (FORMAT_2021, FORMAT_2019):
        ids = {q.id for q in questions(fmt)} | {t.id for t in fmt.tables}
        actions += [Action(verb, i) for verb in ID_VERBS for i in sorted(ids)]
        actions += [Action(Verb.REVIEW, s.number) for s in fmt.sections]
    return actions


def test_every_button_the_bot_makes_decodes_to_its_action() -> None:
    for action in _made_by_the_bot():
        assert decode(action.encode()) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "ic",
        "ic:",
        "ic:abc",
        "ic:0",
        "ix:-1",
        "ix:1.5",
        "ic:１２",  # full-width digits are digits to int(), not to this bot
        "ic:12\n",
        "sn:zz",
        "sn:12",
        "sn:12-24",
        "sn:12-2024-1",
        "rp:pdf",
        "rp:",
        "rp:docx ",
        "st:x",
        "go:abc",
        "rv:七七七",
        "e:",
        "e:text.preamble\x00",
        "e:text\nprea",
        "e:文本",
        "e:../../etc",
        "e:" + "a" * 61,
        "s:-text",
        "z:a b",
        "zz:text.preamble",
        "e:" + "a" * 70,
    ],
)
def test_forged_or_malformed_data_decodes_to_none(data: str | None) -> None:
    assert decode(data) is None


@given(st.text(max_size=80))
def test_decode_never_raises(data: str) -> None:
    action = decode(data)
    assert action is None or action.encode() == data


@given(st.sampled_from(list(Verb)), st.text(max_size=70))
def test_decode_never_raises_on_a_known_verb(verb: Verb, arg: str) -> None:
    action = decode(f"{verb.value}:{arg}")
    assert action is None or (action.verb is verb and action.arg == arg)

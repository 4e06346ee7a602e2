"""/history: who changed a field and when, from what is stored with each change."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from bot.chat.actions import Action, Verb
from bot.chat.service import Walk
from bot.delivery.turn import Turn
from bot.engine.questions import named
from bot.schema import FORMAT_2021
from storage import repo
from tests.chat.test_service import IDS, OTHER, USER, join, to_table_two


def _history(walk: Walk, user: int, words: str) -> str:
    reply = walk.history(Turn(next(IDS), user), words)
    assert reply is not None
    return reply.screens[0].text


def test_each_change_with_who_and_when_newest_first(engine: Engine) -> None:
    walk = Walk(engine)
    li = join(walk)
    code, _ = walk.invite(name="某市某局", level=li.report().level, created_by=None)
    assert walk.join(code=code, user_id=OTHER, display_name="小王").startswith("您好")
    to_table_two(li)
    li.tap(Verb.ZERO, "proactive.regulations")
    assert "行政许可" in li.say("11")
    wang = walk.act(Turn(next(IDS), OTHER), Action(Verb.EDIT, "proactive.licensing"))
    assert wang is not None
    assert "行政许可" in walk.answer_text(Turn(next(IDS), OTHER), "12").screens[0].text  # type: ignore[union-attr]
    head, *lines = _history(walk, USER, "行政许可").splitlines()
    assert head == "“表二 第二十条第（五）项 行政许可”的修改记录（共 2 次，最新的在前）："
    assert [re.sub(r"\d\d-\d\d \d\d:\d\d", "MM-DD hh:mm", line) for line in lines] == [
        "• MM-DD hh:mm 小王：12",
        "• MM-DD hh:mm 小李：11",
    ]
    assert "“表二 第二十条第（一）项 规章”的修改记录（共 1 次" in _history(walk, OTHER, "规章")


def test_words_naming_several_fields_offer_a_choice_and_unknown_words_say_so(engine: Engine) -> None:
    walk = Walk(engine)
    join(walk)
    assert "有 2 项与所写相符" in _history(walk, USER, "结转")
    reply = walk.history(Turn(next(IDS), USER), "结转")
    assert reply is not None and [row[0][1] for row in reply.screens[0].buttons] == [
        "h:applications.carried_over",
        "h:applications.carried_forward",
    ]
    assert (
        "还没有填写过"
        in walk.act(Turn(next(IDS), USER), Action(Verb.HISTORY, "applications.carried_over")).screens[0].text
    )  # type: ignore[union-attr]
    assert "没有找到“天气”" in _history(walk, USER, "天气")
    assert "/history 行政许可" in _history(walk, USER, "")


def test_an_import_and_a_cleared_answer_are_named(engine: Engine) -> None:
    walk = Walk(engine)
    li = join(walk)
    with walk.session() as session:
        membership = repo.latest_membership(session=session, telegram_user_id=USER)
        assert membership is not None
        report = li.report()
        repo.store_report(
            session=session,
            agency=membership[1],
            report=report.__class__(**{**report.__dict__, "values": {"proactive.licensing": (5,)}}),
        )
        repo.store_report(session=session, agency=membership[1], report=report)
    lines = _history(walk, USER, "行政许可").splitlines()
    assert lines[1].endswith("导入文件：（清空）") and lines[2].endswith("导入文件：5")


def test_names_as_people_write_them() -> None:
    def ids(words: str) -> list[str]:
        return [q.id for q in named(FORMAT_2021, words)]

    assert ids("行政许可") == ["proactive.licensing"]
    assert ids("表三 予以公开") == ["applications.disclosed"]
    assert ids("（四）1.本机关不掌握") == ["applications.unavailable_not_held"]
    assert ids("二、上年结转政府信息公开申请数量") == ["applications.carried_over"]
    assert ids("开篇说明") == ["text.preamble"]
    assert ids("复议后起诉") == ["reviews_litigation.litigation_after_review"]
    assert ids("天气") == []

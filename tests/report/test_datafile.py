"""The data file: exact round trips, null kept apart from 0, and malformed files named place by place."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bot.report import datafile
from bot.report.model import Report
from tests.conftest import SEED_JSON, replace_values


def test_seed_round_trips_to_the_same_json() -> None:
    original = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert json.loads(datafile.dumps(datafile.load(SEED_JSON))) == original


def test_fee_keeps_six_decimals_exactly(seed: Report) -> None:
    report = replace_values(seed, proactive__fees_wan_yuan=(Decimal("5949.088667"),))
    text = datafile.dumps(report)
    assert '"fees_wan_yuan": 5949.088667' in text
    assert datafile.loads(text).row("proactive.fees_wan_yuan") == (Decimal("5949.088667"),)


def test_null_is_not_zero(seed: Report) -> None:
    draft = replace_values(seed, applications__new=(0, None, 0, 0, 0, 0, None))
    doc = json.loads(datafile.dumps(draft))
    assert doc["applications"]["new"] == [0, None, 0, 0, 0, 0, None]
    again = datafile.loads(datafile.dumps(draft))
    assert again.row("applications.new") == (0, None, 0, 0, 0, 0, None)
    assert "applications.new" in list(again.missing())


def test_a_draft_without_rows_or_prose(seed: Report) -> None:
    doc = {"format": seed.format.id, "agency": "某局", "level": "department", "year": 2026}
    draft = datafile.from_document(doc)
    assert draft.values == {} and draft.date is None
    written = json.loads(datafile.dumps(draft))
    assert written["applications"]["new"] == [None] * 7 and written["text"] == {}
    assert datafile.from_document(written) == draft


def test_unknown_keys_outside_tables_are_ignored() -> None:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["generator"] = "someone else"
    doc["text"]["overview"]["extra"] = "x"
    assert datafile.from_document(doc) == datafile.load(SEED_JSON)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_JSON.read_bytes())
    assert datafile.load(path) == datafile.load(SEED_JSON)


def _problems(mutate) -> dict[str, str]:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    mutate(doc)
    with pytest.raises(datafile.DataFileError) as caught:
        datafile.from_document(doc)
    return {p.place: p.problem for p in caught.value.problems}


@pytest.mark.parametrize(
    ("mutate", "place", "says"),
    [
        (lambda d: d["applications"]["new"].__setitem__(2, "3"), "applications.new[2]", "应为数字或 null，实际是文字"),
        (lambda d: d["applications"]["new"].__setitem__(0, True), "applications.new[0]", "实际是true/false"),
        (lambda d: d["applications"]["new"].pop(), "applications.new", "应有 7 个数字，实际有 6 个"),
        (lambda d: d["applications"].__setitem__("disclosd", [0] * 7), "applications.disclosd", "是否应为“disclosed”"),
        (lambda d: d["applications"].__setitem__("new", {"a": 1}), "applications.new", "应为含 7 个数字的数组"),
        (lambda d: d["proactive"]["regulations"].pop("in_force"), "proactive.regulations.in_force", "缺少这一项"),
        (lambda d: d["proactive"].__setitem__("licensing", [3]), "proactive.licensing", "实际是数组"),
        (lambda d: d["reviews_litigation"].__setitem__("review", "0"), "reviews_litigation.review", "数组"),
        (lambda d: d["text"].__setitem__("problems", 5), "text.problems", "应为文字"),
        (lambda d: d.__setitem__("text", []), "text", "应为一个对象"),
        (lambda d: d.__setitem__("level", "county"), "level", "department（部门）或 government（政府）"),
        (lambda d: d.__setitem__("year", "2023"), "year", "年份"),
        (lambda d: d.__setitem__("date", "2024/01/12"), "date", "YYYY-MM-DD"),
        (lambda d: d.__setitem__("agency", ""), "agency", "应为文字"),
        (lambda d: d.__setitem__("agency", "某局\ud800"), "agency", "无法识别的字符"),
        (lambda d: d.__setitem__("agency", "某局\x00"), "agency", "无法识别的字符"),
        (lambda d: d["text"].__setitem__("problems", "无\udfff"), "text.problems", "无法识别的字符"),
        (lambda d: d.__setitem__("format", "gov-info-disclosure-annual-report/2019-trial"), "format", "本程序读取的是"),
    ],
)
def test_malformed_files_name_the_place(mutate, place: str, says: str) -> None:
    problems = _problems(mutate)
    assert place in problems, problems
    assert says in problems[place]


def test_half_of_a_utf16_pair_escaped_in_json_is_refused() -> None:
    text = SEED_JSON.read_text(encoding="utf-8").replace('"agency": "', '"agency": "\\ud800', 1)
    with pytest.raises(datafile.DataFileError) as caught:
        datafile.loads(text)
    assert [p.place for p in caught.value.problems] == ["agency"]


def test_all_problems_are_reported_at_once() -> None:
    def mutate(doc: dict) -> None:
        doc["applications"]["new"][1] = "x"
        doc["applications"]["carried_over"][3] = {}
        doc["year"] = None

    assert set(_problems(mutate)) == {"applications.new[1]", "applications.carried_over[3]", "year"}


def test_negative_and_fractional_counts_are_read_for_the_checks_to_name() -> None:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["applications"]["new"][0] = -1
    doc["proactive"]["licensing"] = 2.5
    report = datafile.from_document(doc)
    assert report.row("applications.new")[0] == -1
    assert report.row("proactive.licensing") == (Decimal("2.5"),)


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"agency": "x"', "\x00"])
def test_unreadable_json(text: str) -> None:
    with pytest.raises(datafile.DataFileError) as caught:
        datafile.loads(text)
    assert str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(datafile.DataFileError, match="找不到文件"):
        datafile.load(tmp_path / "none.json")
    (tmp_path / "latin1.json").write_bytes(b'{"agency": "\xe9"}')
    with pytest.raises(datafile.DataFileError, match="无法读取文件"):
        datafile.load(tmp_path / "latin1.json")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        "[" * 100_000,  # unterminated: the parser would recurse before finding the end
        '{"agency": "x", "text": ' + "[" * 65 + "]" * 65 + "}",
    ],
)
def test_nesting_built_to_exhaust_the_parser_is_refused(text: str) -> None:
    with pytest.raises(datafile.DataFileError, match="嵌套过深（超过 64 层）"):
        datafile.loads(text)


def test_brackets_inside_strings_are_not_nesting() -> None:
    doc = datafile.parse_json(json.dumps({"agency": "[" * 1000 + '"\\{' * 100, "a": [[[1]]]}))
    assert doc["a"] == [[[1]]]


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("1" * 100_000, "1" * 20 + "…"),
        ("-" + "9" * 31, "-" + "9" * 31),
        ("1e999999999", "1e999999999"),
        ("1e999999", "1e999999"),
        ("1." + "5" * 40, "1." + "5" * 18 + "…"),
    ],
)
def test_a_number_no_report_holds_is_refused(number: str, shown: str) -> None:
    text = '{"format": "2021", "agency": "某局", "level": "department", "year": 2023, "x": ' + number + "}"
    with pytest.raises(datafile.DataFileError) as refused:
        datafile.loads(text)
    assert str(refused.value) == f"文件中的数字“{shown}”过长（超过 30 位），不是年度报告中的数字，已拒绝"


def test_numbers_of_every_day_size_still_parse() -> None:
    assert datafile.parse_json("[99999999, 5949.088667, 1e3, -0.5, 123456789012345678901234567890]") == [
        99999999,
        Decimal("5949.088667"),
        Decimal("1E+3"),
        Decimal("-0.5"),
        123456789012345678901234567890,
    ]

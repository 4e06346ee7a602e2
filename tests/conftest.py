"""Fixtures shared by every test: the seed report, and a clean variant of it with no findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.report import datafile
from bot.report.model import Report

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SEED_JSON = DATA / "example-2023-suifenhe.json"

CLEAN_PROBLEMS = (
    "上年度指出的信息公开内容不够规范的问题已全部整改。本年度仍存在信息更新不够及时的问题，下一步将加强审核。"
)
CLEAN_OTHER = (
    "本年度未发出信息处理费收费通知，未收取信息处理费。"
    "本年度政务公开工作要点已全部落实。人大代表建议和政协提案办理结果已按要求公开。无其他需要报告的事项。"
)


def replace_values(report: Report, **values: object) -> Report:
    """A copy of the report with some fields replaced; keys use '__' for '.' (applications__new)."""
    merged = dict(report.values)
    for key, value in values.items():
        merged[key.replace("__", ".")] = value  # type: ignore[assignment]
    return dataclasses.replace(report, values=merged)


@pytest.fixture
def seed() -> Report:
    return datafile.load(SEED_JSON)


@pytest.fixture
def clean(seed: Report) -> Report:
    """The seed with 五 and 六 written as the format asks, so no rule fires."""
    return replace_values(seed, text__problems=CLEAN_PROBLEMS, text__other=CLEAN_OTHER)

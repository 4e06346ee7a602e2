"""What an upload is taken for: a report (imported or refused with why), or the text of a prose part."""

from __future__ import annotations

import pytest

from bot.chat.uploads import UploadError, as_report
from tests.conftest import DATA
from tests.e2e.test_uploads_land import ONE_LINE_REPORT, PREAMBLE

SEED_TEXT = (DATA / "seed-2023-suifenhe.txt").read_text(encoding="utf-8")


def test_a_readable_report_is_a_report() -> None:
    imported = as_report("2023.txt", SEED_TEXT.encode())
    assert imported is not None and imported.report.agency == "绥芬河市文体广电和旅游局"


@pytest.mark.parametrize(
    "text",
    [
        ONE_LINE_REPORT,  # titled, but its sections run into one line
        SEED_TEXT.replace("\n", " "),
        "\n".join(line for line in SEED_TEXT.splitlines() if "年度报告" not in line),  # sections, no title
    ],
)
def test_a_report_that_cannot_be_read_is_refused_never_taken_for_prose(text: str) -> None:
    with pytest.raises(UploadError, match="是一份年度报告，但无法导入"):
        as_report("report.txt", text.encode())


@pytest.mark.parametrize(
    "text",
    [PREAMBLE, "我局全年主动公开政府信息 627 条。", "本报告依据《政府信息公开工作年度报告格式》编制。"],
)
def test_prose_naming_the_format_is_still_prose(text: str) -> None:
    assert as_report("开篇说明.txt", text.encode()) is None

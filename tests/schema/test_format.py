"""The schema against the published seed report: labels verbatim, keys as the exchange format names them."""

from __future__ import annotations

import re
import unicodedata

from bot.schema import FORMAT_2019, FORMAT_2021, CellShape
from tests.conftest import DATA, SEED_JSON

SEED_TEXT = (DATA / "seed-2023-suifenhe.txt").read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Published pages vary spacing and full/half-width brackets; compare without them."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_every_label_appears_verbatim_in_a_published_report() -> None:
    seed = squash(SEED_TEXT)
    for section in FORMAT_2021.sections:
        if section.heading:
            assert squash(section.heading) in seed
        for table in section.tables:
            for label in (
                table.corner,
                table.caption,
                *(c.label for c in table.columns),
                *(r.label for r in table.rows),
            ):
                if label:
                    assert squash(label) in seed, label
            for row in table.rows:
                for group in row.groups:
                    assert squash(group) in seed, group


def test_table_three_has_25_rows_and_a_total_of_the_21_results() -> None:
    t3 = FORMAT_2021.table("T3")
    assert len(t3.rows) == 25
    total = t3.row("applications.total_handled")
    assert len(total.sums) == 21
    assert t3.columns[-1].sums == (0, 1, 2, 3, 4, 5)


def test_field_keys_are_the_exchange_format_paths() -> None:
    import json

    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    for key in FORMAT_2021.field_keys:
        node = doc
        for part in key.split("."):
            node = node[part]
    assert len(set(FORMAT_2021.field_keys)) == len(FORMAT_2021.field_keys) == 8 + 6 + 25 + 3 + 1
    shapes = {t.id: t.shape for t in FORMAT_2021.tables}
    assert shapes["T2-1"] is CellShape.OBJECT and shapes["T3"] is CellShape.ARRAY


def test_every_rule_id_is_unique_and_every_computed_cell_names_a_rule() -> None:
    ids = [r.id for r in FORMAT_2021.rules]
    assert len(ids) == len(set(ids))
    for table in FORMAT_2021.tables:
        for column in table.columns:
            assert not column.sums or column.rule in ids
        for row in table.rows:
            assert not row.computed or row.rule in ids


def test_the_2019_trial_format_has_one_other_handling_row() -> None:
    t3 = FORMAT_2019.table("T3")
    labels = [r.label for r in t3.rows]
    assert "（六）其他处理" in labels and "3.其他" not in labels
    assert len(t3.row("applications.total_handled").sums) == 19
    assert "政府集中采购" in [r.label for t in FORMAT_2019.tables for r in t.rows]
    markers = set(FORMAT_2021.old_markers)
    assert {c.label for t in FORMAT_2019.tables for c in t.columns} & markers

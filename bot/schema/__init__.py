"""The report formats as data: the single source for questions, checks, storage keys and documents."""

from bot.schema.format2019 import FORMAT_2019
from bot.schema.format2021 import FORMAT_2021
from bot.schema.types import (
    COUNT,
    WAN_YUAN,
    CellShape,
    Column,
    Equation,
    Format,
    Level,
    NumberKind,
    Prose,
    Row,
    Rule,
    Section,
    Severity,
    Table,
)

CURRENT = FORMAT_2021

__all__ = [
    "COUNT",
    "CURRENT",
    "FORMAT_2019",
    "FORMAT_2021",
    "WAN_YUAN",
    "CellShape",
    "Column",
    "Equation",
    "Format",
    "Level",
    "NumberKind",
    "Prose",
    "Row",
    "Rule",
    "Section",
    "Severity",
    "Table",
]

"""Reading numbers as people write them in Chinese: 12, １２, 十二, 一百零五, 3.5万元."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIADS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]+"
NUMBER = rf"(?:\d+(?:\.\d+)?|{CN_NUMERAL})"


def parse_chinese_integer(text: str) -> int | None:
    """十二 → 12, 一百零五 → 105, 两千 → 2000, 三万五千 → 35000; None when it is not a numeral."""
    if not text or any(ch not in DIGITS and ch not in UNITS and ch not in MYRIADS for ch in text):
        return None
    if all(ch in DIGITS for ch in text) and len(text) > 1:  # 一〇五 written digit by digit
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (digit or 1) * UNITS[ch]  # 十二: a unit without a digit counts once
            digit = 0
        else:
            section += digit
            if section == 0 and total == 0:
                return None
            total = (total + section) * MYRIADS[ch] if ch == "亿" else total + section * MYRIADS[ch]
            section = digit = 0
    return total + section + digit


def normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), thousands separators dropped."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


def parse_number(text: str) -> Decimal | None:
    """One number in Arabic or Chinese numerals; None when the text is not one number."""
    text = normalize(text)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    value = parse_chinese_integer(text)
    return None if value is None else Decimal(value)

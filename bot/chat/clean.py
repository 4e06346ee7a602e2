"""Text from Telegram made safe to store: placeholder until the hostile-input branch lands."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def valid_agency_name(name: str) -> bool:
    return 2 <= len(name) <= 100 and not re.search(r"[\x00-\x1f\x7f\u2028\u2029]", name)

"""Text from Telegram made fit to store and show: messages, command arguments, display names.

Telegram delivers whatever a client sends. A NUL is refused by PostgreSQL; half of a UTF-16 pair
("\\ud800", which Python's json produces from an escaped lone surrogate) cannot be encoded to UTF-8 by
any driver; other control characters only garble what the bot echoes.
"""

from __future__ import annotations

import re
import unicodedata

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 and DEL, except \t and \n
MAX_AGENCY_NAME = 100
# Characters no agency's name contains: controls, format characters (zero-width, bidi overrides),
# halves of UTF-16 pairs, and the Unicode line and paragraph separators.
NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean_text(text: str) -> str:
    """The text without C0 controls but \\t and \\n, each lone surrogate replaced by U+FFFD (a pair of
    surrogates is joined into the character it encodes)."""
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return CONTROLS.sub("", text)


def valid_agency_name(name: str) -> bool:
    """True for a name fit to be an agency's: one line of at most 100 characters, none of them a control."""
    return (
        bool(name.strip())
        and len(name) <= MAX_AGENCY_NAME
        and not any(unicodedata.category(ch) in NOT_IN_A_NAME for ch in name)
    )

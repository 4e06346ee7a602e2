"""What a button does, packed into Telegram's 64-byte callback data as ``verb:argument``.

Buttons that answer a question carry that question's id, so a tap from an old message (or a second
tap) is recognised as stale instead of acting on whatever question is current now.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verb(StrEnum):
    ZERO = "z"  # fill the article or group this row opens with 0
    ZERO_ONE = "z1"  # fill this row with 0
    SKIP = "s"
    BACK = "b"
    DONE = "d"  # a prose answer is complete
    REUSE = "r"  # take last year's text, or last year's carried-forward numbers
    STANDARD = "t"  # take the standard wording (the preamble)
    GATE_NONE = "g0"  # nothing happened in this table: all 0
    GATE_SOME = "g1"
    EDIT = "e"  # (re)answer a question, from a finding or the skipped list
    EDIT_FROM_REVIEW = "er"  # the same, then back to the review
    FIX_LATER = "fl"
    FIX_RESULTS = "fr"  # list the result rows of table 三 to correct one
    CONTINUE = "go"
    REVIEW = "rv"
    REPORT = "rp"  # argument: docx, draft, html, preview
    STATUS = "st"  # the progress per section (from a reminder)
    SNOOZE = "sn"  # remind me on the next working day; argument: <agency id>-<year>
    IMPORT_CONFIRM = "ic"  # argument: the pending import's id
    IMPORT_CANCEL = "ix"
    KEEP = "k"  # keep a colleague's answer given meanwhile; argument: the question
    OVERWRITE = "o"  # replace it with the member's own


@dataclass(frozen=True)
class Action:
    verb: Verb
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.verb.value}:{self.arg}"
        if len(data.encode()) > 64:
            raise ValueError(f"callback data too long: {data}")
        return data


def decode(data: str | None) -> Action | None:
    """None for anything this bot did not produce (or an older version with other verbs)."""
    if not data or ":" not in data:
        return None
    verb, arg = data.split(":", 1)
    try:
        return Action(Verb(verb), arg)
    except ValueError:
        return None

"""What a button does, packed into Telegram's 64-byte callback data as ``verb:argument``.

Buttons that answer a question carry that question's id, so a tap from an old message (or a second
tap) is recognised as stale instead of acting on whatever question is current now. Callback data
comes back from the client as it pleases: each verb's argument must have the shape this bot gives it,
or the data decodes to None (a stale button) and reaches no handler.
"""

from __future__ import annotations

import re
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
    IMPORT_YEAR = "iy"  # the year of an upload that names none; argument: <pending import id>-<year>
    KEEP = "k"  # keep a colleague's answer given meanwhile; argument: the question
    OVERWRITE = "o"  # replace it with the member's own
    ANSWER_FOR = "a"  # the answer held was for this question (when the member may have seen either of two)
    KEEP_STORED = "ks"  # an answered question shown again (上一步, 修改): keep what is stored and go on
    FULL_TEXT = "ft"  # show a prose part's whole stored text, to copy and change
    FINALIZE = "fz"  # make the report final; argument: the date it prints, YYYYMMDD
    USE_DRAFT = "ud"  # take the text written from the tables for this prose part
    REWRITE = "rw"  # clear the member's draft of this prose part and start again
    HISTORY = "h"  # who changed this field and when
    # The supervising office's buttons (admins only; bot/chat/supervision.py).
    INVITE_LEVEL = "il"  # a new agency is a 部门 or a 政府; argument: <pending invite id>-<level>
    LEVEL = "lv"  # switch a renamed agency's level; argument: <agency id>-<level>
    REMOVE = "rm"  # confirm a removal; argument: <agency id>-<members counted when asked>
    # A reviewer's buttons (bot/chat/review.py); argument: the submission's event id.
    REVIEW_VIEW = "vv"  # the report's table pictures and .docx
    REVIEW_APPROVE = "va"  # it becomes final
    REVIEW_RETURN = "vr"  # write comments to return it with
    REVIEW_SEND = "vs"  # return it with the comments written
    REVIEW_CANCEL = "vc"  # drop the comments written; it stays with the reviewers
    # The roll-up (bot/chat/rollups.py): a government's members and the admins.
    ROLLUP_CONFIRM = (
        "ru"  # store the sums shown; argument: <agency id>-<year>-<f|d: finals or drafts too>-<fingerprint>
    )
    ROLLUP_DRAFTS = "rd"  # an admin's preview with the current drafts; argument: <agency id>-<year>


MAX_DATA = 64  # bytes: Telegram's limit on callback data
# Field keys (text.preamble, applications.new), gate:T3, table ids (T3, T2-1): ASCII, at most 60.
ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,59}")
POSITIVE = re.compile(r"[1-9][0-9]{0,17}")
SECTION = re.compile(r"[一二三四五六七八九十]{0,2}")  # a section's number; "" for the whole report
# Verbs whose argument is a question's id, or the id of the table the question is in.
ID_VERBS = (
    *(Verb.ZERO, Verb.ZERO_ONE, Verb.SKIP, Verb.BACK, Verb.DONE, Verb.REUSE, Verb.STANDARD, Verb.EDIT),
    *(Verb.EDIT_FROM_REVIEW, Verb.GATE_NONE, Verb.GATE_SOME, Verb.FIX_LATER, Verb.FIX_RESULTS),
    *(Verb.KEEP, Verb.OVERWRITE, Verb.ANSWER_FOR, Verb.KEEP_STORED, Verb.FULL_TEXT, Verb.USE_DRAFT, Verb.REWRITE),
    Verb.HISTORY,
)
ARGUMENTS: dict[Verb, re.Pattern[str]] = {
    **dict.fromkeys(ID_VERBS, ID),
    Verb.CONTINUE: SECTION,
    Verb.REVIEW: SECTION,
    Verb.REPORT: re.compile(r"docx|draft|html|preview"),
    Verb.STATUS: re.compile(r""),
    Verb.SNOOZE: re.compile(r"[1-9][0-9]{0,17}-[0-9]{4}"),  # <agency id>-<year>
    Verb.FINALIZE: re.compile(r"20[0-9]{2}[01][0-9][0-3][0-9]"),
    Verb.IMPORT_CONFIRM: POSITIVE,  # the pending import's id
    Verb.IMPORT_CANCEL: POSITIVE,
    Verb.IMPORT_YEAR: re.compile(r"[1-9][0-9]{0,17}-20[0-9]{2}"),
    Verb.INVITE_LEVEL: re.compile(r"[1-9][0-9]{0,17}-(department|government)"),
    Verb.LEVEL: re.compile(r"[1-9][0-9]{0,17}-(department|government)"),
    Verb.REMOVE: re.compile(r"[1-9][0-9]{0,17}-[0-9]{1,9}"),
    **dict.fromkeys((Verb.REVIEW_VIEW, Verb.REVIEW_APPROVE, Verb.REVIEW_RETURN), POSITIVE),
    **dict.fromkeys((Verb.REVIEW_SEND, Verb.REVIEW_CANCEL), POSITIVE),
    Verb.ROLLUP_CONFIRM: re.compile(r"[1-9][0-9]{0,17}-20[0-9]{2}-[df]-[0-9a-f]{12}"),
    Verb.ROLLUP_DRAFTS: re.compile(r"[1-9][0-9]{0,17}-20[0-9]{2}"),
}
ADMIN_VERBS = (Verb.INVITE_LEVEL, Verb.LEVEL, Verb.REMOVE)
REVIEW_VERBS = (Verb.REVIEW_VIEW, Verb.REVIEW_APPROVE, Verb.REVIEW_RETURN, Verb.REVIEW_SEND, Verb.REVIEW_CANCEL)


@dataclass(frozen=True)
class Action:
    verb: Verb
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.verb.value}:{self.arg}"
        if len(data.encode()) > MAX_DATA:
            raise ValueError(f"callback data too long: {data}")
        return data


def decode(data: str | None) -> Action | None:
    """None for anything this bot did not produce (an older version with other verbs, or forged data)."""
    if not isinstance(data, str) or ":" not in data or len(data) > MAX_DATA:
        return None
    name, arg = data.split(":", 1)
    try:
        verb = Verb(name)
    except ValueError:
        return None
    return Action(verb, arg) if ARGUMENTS[verb].fullmatch(arg) else None

"""Deadline rush, the short form of bench/crash.py: kill -9 at random moments while members walk their reports
(taps, numbers, prose over several messages, an upload, a burst of 4 × 60 messages); nothing a member was told
is saved may be lost, nothing may land in another question or twice, every update gets its reply."""

from __future__ import annotations

from pathlib import Path

from bench.crash import run_crash

TRIALS = 6


def test_kill_9_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    chats = tmp_path / "chats.txt"  # every chat, update by update, to read a failure
    outcome = run_crash(TRIALS, seed=1, workdir=tmp_path, transcript_to=chats)
    assert outcome.trials == TRIALS and outcome.bursts >= 1
    assert not outcome.missed, f"{outcome.report()}\n(the chats: {chats})"

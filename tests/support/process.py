"""The bot as a child process, `python -m bot …` with its settings in the environment: what the e2e tests
start, stop and run commands of, whichever channel it serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BotSubprocess:
    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir, self.env = workdir, env
        self.process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        """Terminated as a service manager would; killed if it does not end within 15 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def run_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`nianbao <args>` on the same database and settings."""
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

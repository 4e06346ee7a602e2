"""The line every benchmark prints first: which machine the figures come from."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "?")
    return f"machine: {platform.machine()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"

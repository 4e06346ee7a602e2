"""Where the document templates live: the installed ``templates`` package, or NIANBAO_TEMPLATES_DIR.

An office restyles its report by copying the templates to a folder of its own and pointing the
setting there; no code changes.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import jinja2


def template_dir() -> Path:
    override = os.environ.get("NIANBAO_TEMPLATES_DIR")
    return Path(override) if override else Path(str(files("templates")))


def template_path(name: str) -> Path:
    """An override folder may hold only some templates; the rest come from the installed package."""
    path = template_dir() / name
    return path if path.exists() else Path(str(files("templates"))) / name


def jinja_environment(*, html: bool) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(template_dir())), jinja2.FileSystemLoader(str(files("templates")))]
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

"""The report as a PDF: the .docx converted by LibreOffice in headless mode.

LibreOffice keeps its settings in a user profile and refuses to share one between two running
instances, so each conversion takes a profile of its own from a pool of numbered profile folders,
locked with flock while in use; a profile is reused afterwards because creating one costs seconds.
Chinese fonts named by the template are mapped to the installed Noto CJK faces by templates/fonts.conf.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import texts
from bot.render.docx import render_docx
from bot.render.errors import RenderError
from bot.render.templates import template_path
from bot.report.model import Report

TIMEOUT_SECONDS = 60  # a first run builds the profile; a stuck instance must not hold the bot forever
PROFILES = Path(tempfile.gettempdir()) / f"nianbao-soffice-{os.getuid()}"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def _profile() -> Iterator[Path]:
    """A LibreOffice profile folder no other conversion uses meanwhile, in this process or another."""
    PROFILES.mkdir(mode=0o700, parents=True, exist_ok=True)
    for slot in itertools.count():
        lock = open(PROFILES / f"{slot}.lock", "w")  # noqa: SIM115 - closed below, which releases the lock
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        with lock:
            yield PROFILES / str(slot)
        return


def _tail(text: bytes) -> str:
    """LibreOffice's last message: it says why a conversion failed."""
    lines = [line for line in text.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else texts.PDF_NO_DETAIL


def _convert(program: str, docx: Path | list[Path], outdir: Path, profile: Path, timeout: float | None = None) -> str:
    """Run the conversion of one file or several in one LibreOffice run (within ``timeout`` seconds, by default
    TIMEOUT_SECONDS); LibreOffice's last message, which says why when no PDF appears."""
    files = docx if isinstance(docx, list) else [docx]
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(file) for file in files),
    ]
    env = {**os.environ, "FONTCONFIG_FILE": str(template_path("fonts.conf"))}
    # A session of its own, so a timeout kills soffice.bin too and not only its launcher script.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        shutil.rmtree(profile, ignore_errors=True)  # a killed instance may leave the profile unusable
        raise RenderError(texts.PDF_FAILED.format(reason=texts.PDF_TIMEOUT.format(seconds=round(timeout)))) from None
    if process.returncode != 0:
        reason = texts.PDF_EXIT.format(code=process.returncode, detail=_tail(stderr))
        raise RenderError(texts.PDF_FAILED.format(reason=reason))
    return _tail(stderr)


def render_pdf(report: Report, out: Path) -> None:
    program = soffice()
    if program is None:
        raise RenderError(texts.PDF_UNAVAILABLE)
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as work, _profile() as profile:
        docx = Path(work) / "report.docx"
        docx.write_bytes(render_docx(report))
        try:
            message = _convert(program, docx, Path(work), profile)
        except OSError as exc:
            raise RenderError(texts.PDF_FAILED.format(reason=exc.strerror or exc)) from None
        pdf = docx.with_suffix(".pdf")
        if not pdf.exists():
            raise RenderError(texts.PDF_FAILED.format(reason=texts.PDF_NO_OUTPUT.format(detail=message)))
        shutil.copyfile(pdf, out)


SECONDS_PER_FILE = 10  # a batch's time limit grows with its files: LibreOffice starts once, then converts each


def convert_files(docx_files: list[Path], outdir: Path) -> None:
    """The .docx files converted to PDF in one LibreOffice run (it starts once: the slow part), each PDF named
    as its .docx in ``outdir``. A file that could not be converted has no PDF there: the caller sees which."""
    program = soffice()
    if program is None:
        raise RenderError(texts.PDF_UNAVAILABLE)
    if not docx_files:
        return
    with _profile() as profile:
        try:
            _convert(program, docx_files, outdir, profile, TIMEOUT_SECONDS + SECONDS_PER_FILE * len(docx_files))
        except OSError as exc:
            raise RenderError(texts.PDF_FAILED.format(reason=exc.strerror or exc)) from None

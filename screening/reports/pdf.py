"""PDF case reports through a headless Chromium, where one is installed.

No PDF library ships with the engine: weasyprint needs system libraries that
FIU desktops rarely have. A Chromium or Google Chrome on the PATH (or named by
``SCREENING_CHROMIUM``) prints the same HTML report; without one, the command
says so and the HTML report can be printed to PDF from any browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from screening.errors import ScreeningError
from screening.reports.goaml import write_atomically

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_TIMEOUT_S = 120


class NoRendererError(ScreeningError):
    """No program that can print HTML to PDF is installed."""


def find_renderer() -> str | None:
    """The browser named by SCREENING_CHROMIUM, else the first of BROWSERS on the PATH."""
    named = os.environ.get("SCREENING_CHROMIUM")
    if named:
        return shutil.which(named)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def render_pdf(html: str, out: Path) -> None:
    """Print the HTML report to ``out`` with headless Chromium; nothing is written if it fails."""
    browser = find_renderer()
    if browser is None:
        raise NoRendererError(
            "no PDF renderer here: --format pdf needs Chromium or Google Chrome on the PATH "
            f"({', '.join(BROWSERS)}) or named by SCREENING_CHROMIUM; write the report with "
            "--format html and print it to PDF from a browser"
        )
    with tempfile.TemporaryDirectory(prefix="screening-pdf-") as folder:
        page = Path(folder) / "case.html"
        page.write_text(html, encoding="utf-8")
        target = Path(folder) / "case.pdf"
        command = [
            browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
            f"--user-data-dir={Path(folder) / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={target}", page.as_uri(),
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as error:
            raise ScreeningError(f"{browser} did not print the report within {_TIMEOUT_S} s") from error
        document = target.read_bytes() if target.exists() else b""
        if done.returncode != 0 or not document.startswith(b"%PDF"):
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise ScreeningError(f"{browser} could not print the report (exit {done.returncode}): {last}")
        write_atomically(out, document)

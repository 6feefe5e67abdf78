"""Check the system packages Verbale needs before anything is installed.

Run with the system Python (no Django, no virtualenv): ``python3 scripts/syscheck.py demo|test``.
Where it runs as root on Debian or Ubuntu with apt (a fresh server, a CI machine), it installs
the missing packages itself and says which. Elsewhere it prints the packages to install and exits 1,
so that ``make demo`` and ``make test`` stop at once with a clear message instead of failing later
inside WeasyPrint or a browser test.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys

# (what is checked, how, Debian package)
LIBRARIES = [
    ("pango-1.0", "libpango-1.0-0"),
    ("pangoft2-1.0", "libpangoft2-1.0-0"),
    # Without HarfBuzz-subset WeasyPrint falls back to a deprecated font subsetter.
    ("harfbuzz-subset", "libharfbuzz-subset0"),
    ("fontconfig", "libfontconfig1"),
    # Uploads are checked by content with libmagic, not by their names.
    ("magic", "libmagic1"),
]
FONTS = [
    # The report's Times-like serif; DejaVu Serif is the fallback.
    ("Liberation Serif", "fonts-liberation2"),
    ("DejaVu Serif", "fonts-dejavu-core"),
    # Arabic (shaped, right to left) and Chinese in printed replies and questionnaires.
    ("Noto Naskh Arabic", "fonts-noto-core"),
    ("Noto Serif CJK SC", "fonts-noto-cjk"),
]


def missing_packages(purpose: str) -> list[str]:
    missing: list[str] = []
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        missing.append("python3-venv")
    for library, package in LIBRARIES:
        if ctypes.util.find_library(library) is None:
            missing.append(package)
    if shutil.which("fc-list") is None:
        missing.append("fontconfig")
    else:
        families = subprocess.run(
            ["fc-list", ":", "family"],  # noqa: S607 - found on PATH just above
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        missing.extend(package for font, package in FONTS if font not in families)
    if shutil.which("npm") is None:
        missing.append("npm")
    # The interface's translation catalogs are compiled with msgfmt.
    if shutil.which("msgfmt") is None:
        missing.append("gettext")
    if purpose == "test":
        if shutil.which("chromium") is None:
            missing.append("chromium")
        if shutil.which("pdftotext") is None:
            missing.append("poppler-utils")
        # The Word version is converted to PDF headless to check it against the PDF.
        if shutil.which("soffice") is None:
            missing.append("libreoffice-writer-nogui")
    return missing


def can_install() -> bool:
    """Root with apt on the PATH: installing is then what the person running `make` wants."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def install(packages: list[str]) -> bool:
    print("Verbale installs the system packages it needs: " + " ".join(packages), flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        # S603: fixed commands and package names from the tables above, not user input.
        if subprocess.run(command, env=environment, check=False).returncode != 0:  # noqa: S603
            return False
    # A font installed just now is seen by fontconfig only after its cache is rebuilt.
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache"], check=False)  # noqa: S607
    return True


def main() -> int:
    purpose = sys.argv[1] if len(sys.argv) > 1 else "demo"
    missing = missing_packages(purpose)
    if not missing:
        return 0
    # npm comes with Node.js where it is not a Debian package of its own: ask apt only for what
    # it can install, and report the rest.
    if can_install() and install([p for p in missing if p != "npm" or not shutil.which("node")]):
        missing = missing_packages(purpose)
        if not missing:
            return 0
    print("Verbale needs system packages that are not installed:")
    for package in missing:
        print(f"  - {package}")
    print(
        "\nInstall them with:\n  sudo apt-get install "
        + " ".join(p for p in missing if " " not in p)
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`beredskab handbook` in a real browser (issue 13): the printable HTML document renders in headless
Chromium without console errors, has its table of contents and the rules hash, and the PDF that
`--format pdf` prints through Chromium is a PDF of at least one A4 page.

Run: python3 Tests/browser/test_handbook.py   (after `swift build`; exit status 0 or 1)
Uses .build/debug/beredskab (or $BEREDSKAB_BIN). The PDF is kept in .build/artefacts/handbook/.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import Browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("BEREDSKAB_BIN", ROOT / ".build/debug/beredskab"))
ARTEFACTS = ROOT / ".build/artefacts/handbook"


def main():
    failures = []

    def check(condition, message):
        print(("ok   " if condition else "FAIL ") + message, flush=True)
        if not condition:
            failures.append(message)

    work = Path(tempfile.mkdtemp(prefix="beredskab-handbook-"))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    try:
        html = work / "fsb.html"
        run = subprocess.run([str(BINARY), "handbook", "--org", "fsb", "--date", "2026-12-01", "-o", str(html)],
                             cwd=ROOT, capture_output=True, text=True)
        check(run.returncode == 0, f"beredskab handbook --format html exits 0 ({run.stderr.strip()})")
        with Browser(window_size=(794, 1123), timeout=60) as browser:
            browser.goto(html.as_uri())
            check(browser.text("h1") == "Kriseberedskab: fsb", "the document's heading names the organisation")
            links = browser.eval("Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'))")
            missing = browser.eval(
                "Array.from(document.querySelectorAll('nav.toc a'))"
                ".filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length")
            check(len(links) > 3 and missing == 0, f"every contents link has its target ({len(links)} links)")
            check(re.fullmatch(r"[0-9a-f]{12}", browser.text("#rules-hash") or "") is not None, "the rules hash is shown")
            browser.screenshot(ARTEFACTS / "fsb.png")
            errors = browser.console_errors()
            check(not errors, f"no console errors ({errors})")
        pdf = ARTEFACTS / "fsb.pdf"
        run = subprocess.run([str(BINARY), "handbook", "--org", "fsb", "--format", "pdf", "--lang", "en",
                              "--date", "2026-12-01", "-o", str(pdf)], cwd=ROOT, capture_output=True, text=True)
        check(run.returncode == 0, f"beredskab handbook --format pdf exits 0 ({run.stderr.strip()[-500:]})")
        data = pdf.read_bytes() if pdf.exists() else b""
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        check(data.startswith(b"%PDF-") and pages >= 1, f"a PDF of {pages} page(s)")
        # A4 is 595 × 842 points.
        check(re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]", data) is not None,
              "its pages are A4")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
            check("call 112 first" in text, "the PDF's text says to call 112 first")
    except Exception:
        traceback.print_exc()
        failures.append("the test stopped with an exception")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

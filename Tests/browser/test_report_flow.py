#!/usr/bin/env python3
"""The whole way through, in a real browser (Debian's headless Chromium, driven over DevTools).

A housing association's caretaker signs in with a link sent to the test SMTP server, fills in the
report form on a phone-sized screen, and watches the status page. The alert reaches the test SMTP
server; a duty officer opens the link in it (in a second browser), sees the page behind it and
acknowledges; the caretaker's status page then shows "Kvitteret" without a reload.

Run: python3 Tests/browser/test_report_flow.py   (after `swift build`; exit status 0 or 1)
Uses .build/debug/beredskab (or $BEREDSKAB_BIN), aiosmtpd and websocket-client. Screenshots of each
page are kept in .build/artefacts/browser/.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import Browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("BEREDSKAB_BIN", ROOT / ".build/debug/beredskab"))
ARTEFACTS = ROOT / ".build/artefacts/browser"
SMTP_SINK = ROOT / "Tests/BeredskabDeliveryTests/servers/smtp_sink.py"


def read_line(process, prefix, seconds=60):
    """The first line the process prints that starts with `prefix`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before printing {prefix!r}")
            continue
        if line.startswith(prefix):
            return line.strip()
    raise RuntimeError(f"no line starting {prefix!r} within {seconds} s")


def mails(folder):
    """Every message the SMTP sink has accepted so far, oldest first."""
    found = []
    for path in sorted(Path(folder).glob("*.json"), key=lambda p: int(p.stem)):
        found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def wait_for_mail(folder, predicate, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for mail in mails(folder):
            if predicate(mail):
                return mail
        time.sleep(0.1)
    raise AssertionError(f"no mail {what} within {seconds} s; got: {[m['rcpt_tos'] for m in mails(folder)]}")


def link_in(mail, path):
    match = re.search(r"http://127\.0\.0\.1:\d+" + re.escape(path) + r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)?", mail["body"] or "")
    assert match, f"no {path} link in: {mail['body']!r}"
    return match.group(0)


class Check:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        print(("ok   " if condition else "FAIL ") + message, flush=True)
        if not condition:
            self.failures.append(message)


def main():
    check = Check()
    work = Path(tempfile.mkdtemp(prefix="beredskab-browser-"))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    processes = []
    try:
        maildir = work / "mail"
        maildir.mkdir()
        sink = subprocess.Popen(
            [sys.executable, str(SMTP_SINK), str(maildir)], stdout=subprocess.PIPE, text=True
        )
        processes.append(sink)
        smtp_port = read_line(sink, "READY").split()[1]
        environment = dict(os.environ, BEREDSKAB_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}")
        # The server's time is fixed (a Monday night, after the clubs close, so only the guideline for
        # serious violence fires), so who is on duty never depends on when CI runs.
        clock = work / "clock"
        clock.write_text("2026-11-30T23:05:00+01:00")
        server = subprocess.Popen(
            [str(BINARY), "serve", "--port", "0", "--data", str(work / "data"), "--test-clock", str(clock),
             "--rules", str(ROOT / "Rules"), "--rules", str(ROOT / "Contacts")],
            stdout=subprocess.PIPE, stderr=open(work / "server.log", "w"), text=True, env=environment,
        )
        processes.append(server)
        base = read_line(server, "listening on").split()[2]

        # Generous per-command limits: a loaded CI machine can stall Chromium for seconds.
        with Browser(timeout=90) as caretaker, Browser(timeout=90) as officer:
            # Sign in: the link goes to the caretaker's own e-mail.
            caretaker.goto(base + "/")
            check(caretaker.url().endswith("/login"), "the front page sends a stranger to sign in")
            caretaker.screenshot(ARTEFACTS / "01-sign-in.png")
            caretaker.fill("#signin-address", "bent.iversen@example.org")
            caretaker.submit_and_wait("#signin-submit")
            caretaker.screenshot(ARTEFACTS / "02-link-sent.png")
            mail = wait_for_mail(
                maildir, lambda m: "bent.iversen@example.org" in m["rcpt_tos"] and "/login/" in (m["body"] or ""),
                "with a sign-in link to bent.iversen")
            caretaker.goto(link_in(mail, "/login/"))
            caretaker.screenshot(ARTEFACTS / "03-confirm-sign-in.png")
            caretaker.submit_and_wait("#signin-confirm")
            check(caretaker.url().endswith("/report"), f"signed in, the caretaker lands on the report form ({caretaker.url()})")
            session = caretaker.cookie("beredskab_session")
            check(session is not None and session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax",
                  f"the session cookie is HttpOnly, Secure and SameSite=Lax ({session})")

            # The report form, as on a phone in a stairwell.
            caretaker.select("#category", "violence")
            caretaker.select("#severity", "severe")
            caretaker.select("#area", "blaagaarden")
            caretaker.fill("#address", "Blågårdsgade 23, opgangen")
            caretaker.fill("#description", "Slagsmål i gården mellem flere unge; én er slået ned.")
            caretaker.check("#injured")
            caretaker.fill("#persons", "Ung mand, ca. 17 år")
            caretaker.screenshot(ARTEFACTS / "04-report-form.png")
            caretaker.submit_and_wait("#report-submit")
            check("/incidents/" in caretaker.url(), f"after sending, the caretaker sees the incident ({caretaker.url()})")
            caretaker.wait_for("document.querySelectorAll('#notified li').length > 0")
            check("Afventer" in caretaker.text("#ack-status"), "the status page says it awaits acknowledgement")
            notified = caretaker.text("#notified")
            check("Hotspot-sekretariatet" in notified and "Vagthavende" in notified,
                  "the status page lists who has been told, by role")
            check("Ung mand" not in caretaker.eval("document.body.innerText"),
                  "the status page never shows the persons involved")
            caretaker.screenshot(ARTEFACTS / "05-status-waiting.png")

            # The alert arrives by e-mail; the duty officer opens its link and acknowledges.
            alert = wait_for_mail(
                maildir, lambda m: "amalie.kjaer@example.org" in m["rcpt_tos"] and "/ack/" in (m["body"] or ""),
                "with the alert to Amalie Kjær (hotspot-sekretariat)")
            check("Ung mand" not in (alert["body"] or ""), "a situation-tier alert carries no personal details")
            officer.goto(link_in(alert, "/ack/"))
            check(officer.exists("#ack-button"), "the page behind the link has the acknowledge button")
            check("Slagsmål i gården" in officer.eval("document.body.innerText"), "it shows the situation")
            check("Ung mand" not in officer.eval("document.body.innerText"),
                  "a situation-tier recipient does not see the persons involved")
            officer.screenshot(ARTEFACTS / "06-alert-page.png")
            officer.submit_and_wait("#ack-button")
            officer.screenshot(ARTEFACTS / "07-acknowledged.png")
            check("kvitteret" in officer.eval("document.body.innerText").lower(), "the officer is thanked")

            # The caretaker's page updates by itself.
            caretaker.wait_for("document.querySelector('#ack-status').textContent.includes('Kvitteret')", timeout=15)
            check("Kvitteret" in caretaker.text("#ack-status"), "the reporter's page shows acknowledged without a reload")
            caretaker.screenshot(ARTEFACTS / "08-status-acknowledged.png")
            incident_url = caretaker.url()

            # The caretaker's own organisation's handbook (issue 13), in the layout, without errors.
            caretaker.goto(base + "/handbook")
            check(caretaker.text("h1") == "Kriseberedskab: fsb", "the handbook page shows fsb's handbook")
            check("+45 01 00 00 01" not in caretaker.eval("document.body.innerText"),
                  "the handbook shows no other organisation's phone numbers")
            caretaker.screenshot(ARTEFACTS / "08b-handbook.png")
            caretaker.goto(incident_url)

            # English on request, and no script errors anywhere.
            caretaker.goto(caretaker.url().split("?")[0] + "?lang=en")
            check("Acknowledged" in caretaker.text("#ack-status"), "the same page in English")
            caretaker.screenshot(ARTEFACTS / "09-status-english.png")
            errors = caretaker.console_errors() + officer.console_errors()
            check(not errors, f"no JavaScript or CSP errors ({errors})")

            # A coordinator silences shootings in Blågården for a film shoot: the form asks for the
            # critical confirmation, then every page carries the banner (issue 13).
            with Browser(timeout=90) as coordinator:
                coordinator.goto(base + "/login")
                coordinator.fill("#signin-address", "katrine.elm@example.org")
                coordinator.submit_and_wait("#signin-submit")
                mail = wait_for_mail(
                    maildir, lambda m: "katrine.elm@example.org" in m["rcpt_tos"] and "/login/" in (m["body"] or ""),
                    "with a sign-in link to katrine.elm")
                coordinator.goto(link_in(mail, "/login/"))
                coordinator.submit_and_wait("#signin-confirm")
                coordinator.goto(base + "/board")
                check(coordinator.exists("a[href='/silences']"), "the board links a coordinator to the silences")
                coordinator.goto(base + "/silences")
                check(coordinator.exists("#silence-submit"), "the coordinator opens /silences")
                coordinator.select("#category", "shooting")
                coordinator.select("#area", "blaagaarden")
                coordinator.select("#duration", "4")
                coordinator.fill("#reason", "Filmoptagelse med løst krudt")
                coordinator.submit_and_wait("#silence-submit")
                check(coordinator.exists("#confirm_critical-error"),
                      "a silence covering a critical guideline asks for the confirmation")
                coordinator.screenshot(ARTEFACTS / "10-silence-confirm.png")
                # The refused form's 422 is logged by Chromium as a failed load: expected, not an error.
                coordinator.clear_console_errors()
                coordinator.check("#confirm_critical")
                coordinator.submit_and_wait("#silence-submit")
                check(coordinator.url().endswith("/silences") and coordinator.exists("#silence-banner"),
                      f"confirmed, it is listed and the banner is up ({coordinator.url()})")
                coordinator.goto(base + "/board")
                check("Kritisk retningslinje tavs" in coordinator.text("#silence-banner"),
                      "the board carries the critical banner")
                coordinator.screenshot(ARTEFACTS / "11-board-banner.png")
                errors = coordinator.console_errors()
                check(not errors, f"no JavaScript or CSP errors on /silences and /board ({errors})")
    except Exception:
        traceback.print_exc()
        check.failures.append("the flow stopped with an exception")
        log = work / "server.log"
        if log.exists():
            print("--- server log ---\n" + log.read_text()[-4000:])
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)
    if check.failures:
        print(f"{len(check.failures)} check(s) failed")
        return 1
    print(f"all checks passed; screenshots in {ARTEFACTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

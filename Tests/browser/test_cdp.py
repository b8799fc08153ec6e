#!/usr/bin/env python3
"""Self-test of Tests/browser/cdp.py against a small page served from 127.0.0.1.

Run: python3 Tests/browser/test_cdp.py   (exit status 0 when every check passes, 1 otherwise)
Needs /usr/bin/chromium (or $CHROMIUM) and the `websocket-client` package. The screenshot is
kept as .build/artefacts/cdp-selftest.png.
"""

import os
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import Browser, BrowserError, CommandTimeout, JavaScriptError, WaitTimeout, _group_alive  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CSP = "default-src 'self'; img-src 'self' data:"

FORM = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Indberet</title><link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script></head>
<body>
<h1>Indberet en hændelse</h1>
<form method="post" action="/submit">
  <input type="hidden" name="csrf" value="tok-123">
  <p><label>Adresse <input id="address" name="address" maxlength="20" value="gammel"></label></p>
  <p><label>Beskrivelse <textarea id="description" name="description"></textarea></label></p>
  <p><label>Kategori <select id="category" name="category">
    <option value="">Vælg</option><option value="shooting">Skyderi</option><option value="unrest">Uro</option>
  </select></label></p>
  <p><label><input type="checkbox" id="injured" name="injured" value="yes"> Tilskadekomne</label></p>
  <p><label><input type="radio" name="severity" id="sev-minor" value="minor" checked> Mindre</label>
     <label><input type="radio" name="severity" id="sev-severe" value="severe"> Alvorlig</label></p>
  <p><input type="date" id="day" name="day"></p>
  <p id="typed">0</p>
  <button type="button" id="later">Vis senere</button>
  <div class="spacer"></div>
  <button type="submit" id="send">Send</button>
</form>
</body></html>
"""

APP_JS = """
document.documentElement.dataset.ready = 'yes';
let typed = 0;
document.getElementById('address').addEventListener('input', () => {
  document.getElementById('typed').textContent = String(++typed);
});
document.getElementById('later').addEventListener('click', () => {
  setTimeout(() => {
    const p = document.createElement('p');
    p.id = 'late';
    p.textContent = 'Kom senere';
    document.body.appendChild(p);
  }, 300);
});
"""

BROKEN = """<!doctype html><html><head><meta charset="utf-8"><title>Fejl</title>
<script src="/broken.js"></script><script>window.inline = true;</script></head>
<body><p>Fejlside</p></body></html>"""

BROKEN_JS = """console.error('oops', 42);
setTimeout(() => { throw new Error('boom'); }, 0);"""


class Handler(BaseHTTPRequestHandler):
    submitted = {}

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", CSP)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        if path == "/form":
            self.reply(200, FORM)
        elif path == "/app.js":
            self.reply(200, APP_JS, "text/javascript")
        elif path == "/app.css":
            self.reply(200, ".spacer { height: 1500px }", "text/css")
        elif path == "/broken":
            self.reply(200, BROKEN)
        elif path == "/broken.js":
            self.reply(200, BROKEN_JS, "text/javascript")
        elif path == "/done":
            rows = "".join(f"<li id='f-{k}'>{k}={'|'.join(v)}</li>" for k, v in sorted(Handler.submitted.items()))
            self.reply(200, f"<!doctype html><title>Modtaget</title><h1 id='result'>Modtaget</h1><ul>{rows}</ul>")
        else:
            self.reply(404, "<!doctype html><title>Ikke fundet</title><p>Ikke fundet</p>")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        if self.path == "/submit" and self.headers.get("Content-Type") == "application/x-www-form-urlencoded":
            Handler.submitted = form
            # Like POST /login/{token}: a session cookie, then a redirect.
            self.reply(303, "", headers=[("Location", "/done"),
                                          ("Set-Cookie", "sid=s3cret; HttpOnly; SameSite=Lax; Path=/")])
        else:
            self.reply(400, "bad form")


def group_gone(process):
    """Whether Chromium and every helper in its process group have ended (zombies aside)."""
    return not _group_alive(process.pid)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def __call__(self, name, function):
        started = time.monotonic()
        try:
            function()
        except Exception:
            self.failed += 1
            print(f"FAIL {name}\n" + "".join("     " + line for line in traceback.format_exc().splitlines(True)))
        else:
            self.passed += 1
            print(f"ok   {name} ({time.monotonic() - started:.2f} s)")


def expect_raises(kind, function, *fragments):
    try:
        function()
    except kind as error:
        for fragment in fragments:
            if fragment not in str(error):
                raise AssertionError(f"{kind.__name__} message lacks {fragment!r}:\n{error}")
        return error
    raise AssertionError(f"expected {kind.__name__}")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    check = Checks()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    artefacts = ROOT / ".build" / "artefacts"
    browser = Browser(chromium=chromium)
    try:
        browser.start()
    except BrowserError as error:
        print(f"FAIL start: {error}")
        return 1
    with browser as b:
        def goto_and_wait():
            assert b.goto(base + "/form") == 200, b.status
            assert b.url() == base + "/form", b.url()
            assert b.wait_for("document.documentElement.dataset.ready") == "yes"
            assert b.eval("document.title") == "Indberet"
            assert b.eval("innerWidth") == 412, b.eval("innerWidth")
            assert b.console_errors() == [], b.console_errors()
        check("goto, url, wait_for, eval, phone-sized window, no errors on a clean page", goto_and_wait)

        def eval_values_and_errors():
            assert b.eval("1 + 1") == 2
            assert b.eval("({a: [1, 'x', null]})") == {"a": [1, "x", None]}
            assert b.eval("undefined") is None
            assert b.eval("Promise.resolve(7)") == 7
            expect_raises(JavaScriptError, lambda: b.eval("nosuch.x"), "nosuch is not defined")
        check("eval returns values and raises with the JS exception text", eval_values_and_errors)

        def command_timeout():
            expect_raises(CommandTimeout, lambda: b.eval("new Promise(() => {})", timeout=0.5),
                          "Runtime.evaluate", "0.5 s")
            assert b.eval("'still alive'") == "still alive"
        check("a command that never answers times out and the browser stays usable", command_timeout)

        def fill_select_check():
            b.fill("#address", "Blågårdsgade 23, 2200 København N")
            assert b.eval("document.getElementById('address').value") == "Blågårdsgade 23, 220", "maxlength"
            assert int(b.text("#typed")) >= 1, "no input events"
            b.fill("#description", "Skud affyret\nto gerningsmænd")
            b.select("#category", "shooting")
            b.check("#injured")
            b.check("#sev-severe")
            b.fill("#day", "2026-03-13")
            assert b.eval("document.getElementById('injured').checked") is True
            assert b.eval("document.getElementById('sev-minor').checked") is False
            expect_raises(JavaScriptError, lambda: b.select("#category", "fire"), "no option", "shooting")
            expect_raises(JavaScriptError, lambda: b.fill("#nope", "x"), "no element matches", "#nope")
            expect_raises(JavaScriptError, lambda: b.click("#nope"), "no element matches")
        check("fill (typed, maxlength), select, check; clear errors for wrong selectors", fill_select_check)

        def late_content():
            b.click("#later")
            b.wait_for("document.getElementById('late')", timeout=5)
            assert b.text("#late") == "Kom senere"
            error = expect_raises(WaitTimeout, lambda: b.wait_for("document.getElementById('never')", timeout=0.5),
                                  "never", base + "/form", "Indberet en hændelse", "Kom senere")
            assert "url:" in str(error)
        check("click, wait_for content added later; a timeout names the URL and the page text", late_content)

        def screenshot():
            path = b.screenshot(str(artefacts / "cdp-selftest.png"))
            width, height = png_size(path)
            assert width >= 400 and height > 1500, (width, height)  # the whole page, not the window
            viewport = b.screenshot(str(artefacts / "cdp-selftest-window.png"), full_page=False)
            assert png_size(viewport)[1] < 1000, png_size(viewport)
        check("screenshot: full page and window PNGs", screenshot)

        def submit():
            status = b.submit_and_wait("#send")
            assert status == 200, status
            assert b.url() == base + "/done", b.url()
            assert b.text("#result") == "Modtaget"
            sent = Handler.submitted
            assert sent["csrf"] == ["tok-123"], sent
            assert sent["address"] == ["Blågårdsgade 23, 220"], sent
            assert sent["description"] == ["Skud affyret\r\nto gerningsmænd"], sent
            assert sent["category"] == ["shooting"] and sent["injured"] == ["yes"], sent
            assert sent["severity"] == ["severe"] and sent["day"] == ["2026-03-13"], sent
            assert b.text("#f-category") == "category=shooting"
        check("submit_and_wait: a real click posts the form, follows the 303, waits for the page", submit)

        def cookies():
            sid = b.cookie("sid")
            assert sid is not None, b.cookies()
            assert sid["httpOnly"] is True and sid["sameSite"] == "Lax" and sid["path"] == "/", sid
            assert sid["secure"] is False, sid
            assert b.eval("document.cookie") == "", "HttpOnly cookie visible to scripts"
        check("cookies: HttpOnly, SameSite and Path as set", cookies)

        def console_errors():
            b.clear_console_errors()
            assert b.goto(base + "/broken") == 200
            b.wait_for("document.title === 'Fejl'")
            time.sleep(0.2)
            errors = b.console_errors()
            text = "\n".join(errors)
            assert any("boom" in e and e.startswith("uncaught") for e in errors), text
            assert any("console.error: oops 42" in e for e in errors), text
            assert any("Content Security Policy" in e for e in errors), text  # the inline script
            assert b.eval("window.inline") is None, "inline script ran despite the CSP"
            b.clear_console_errors()
            assert b.console_errors() == []
        check("console_errors: uncaught exceptions, console.error, CSP violations", console_errors)

        def not_found_and_missing_navigation():
            assert b.goto(base + "/missing") == 404
            b.goto(base + "/form")
            expect_raises(WaitTimeout, lambda: b.submit_and_wait("#later", timeout=1), "no navigation", "#later")
            with socket.socket() as s:  # a port nobody listens on
                s.bind(("127.0.0.1", 0))
                closed = s.getsockname()[1]
            expect_raises(BrowserError, lambda: b.goto(f"http://127.0.0.1:{closed}/"), "ERR_CONNECTION_REFUSED")
        check("goto returns 404s; a click that navigates nowhere and a refused connection raise", not_found_and_missing_navigation)

        process, directory = b.process, b.directory
    def cleaned_up():
        assert process.poll() is not None, "Chromium still running"
        assert group_gone(process), "Chromium's helper processes still running"
        assert not os.path.exists(directory), directory
    check("Chromium ended and its profile removed on exit", cleaned_up)

    def cleaned_up_after_exception():
        holder = {}
        try:
            with Browser(chromium=chromium) as b:
                holder["b"] = (b.process, b.directory)
                raise RuntimeError("test failed")
        except RuntimeError:
            pass
        process, directory = holder["b"]
        assert process.poll() is not None and group_gone(process) and not os.path.exists(directory)
        expect_raises(BrowserError, lambda: Browser(chromium="/nonexistent/chromium").start(), "cannot start")
    check("cleaned up after an exception; a missing Chromium is a clear error", cleaned_up_after_exception)

    server.shutdown()
    print(f"{check.passed} passed, {check.failed} failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())

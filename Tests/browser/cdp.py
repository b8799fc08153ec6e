"""A small Chrome DevTools Protocol driver for testing Beredskab's pages in headless Chromium.

    from cdp import Browser

    with Browser() as b:                       # Debian's /usr/bin/chromium, phone-sized window
        b.goto("http://127.0.0.1:8080/login")
        b.fill("input[name=address]", "bent@example.org")
        b.submit_and_wait("button[type=submit]")
        b.wait_for("document.querySelector('.sent') !== null")
        assert b.console_errors() == []

Clicks are real mouse events at the element's centre (Input.dispatchMouseEvent), so a form is
submitted by the browser as a user's click would submit it: its validation, its hidden fields,
its enctype. Every DevTools command has a timeout, so a hung browser fails the test instead of
hanging CI. Chromium and its temporary profile are removed on exit, also after an exception;
if the test process is killed outright, the kernel kills Chromium with it (Linux), so start
the browser from the thread that will use it, since that thread's end also ends Chromium.

Needs `websocket-client` (PyPI; module `websocket`); otherwise the standard library only.
"""

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import websocket

__all__ = ["Browser", "BrowserError", "CommandTimeout", "JavaScriptError", "WaitTimeout"]

CHROMIUM = "/usr/bin/chromium"


class BrowserError(Exception):
    """Chromium could not be started, a DevTools command failed, or an element was not usable."""


class CommandTimeout(BrowserError):
    """A DevTools command got no answer in time (a hung or crashed browser)."""


class JavaScriptError(BrowserError):
    """JavaScript evaluated with `eval` threw; the message is the exception's text."""


class WaitTimeout(BrowserError):
    """A `wait_for` predicate, a load or a navigation did not happen in time."""


def _js(value):
    """A Python value as a JavaScript literal."""
    return json.dumps(value)


# Finds one element by CSS selector or throws an Error naming the selector.
_FIND = """(function (selector) {
  const element = document.querySelector(selector);
  if (!element) throw new Error('no element matches ' + JSON.stringify(selector) + ' on ' + location.href);
  return element;
})"""


def _die_with_parent():
    """In the child before exec: on Linux, have the kernel kill Chromium when the thread that
    started it dies, so a test killed outright (SIGKILL, a CI timeout) leaves no browser behind.
    Its helpers then exit by themselves once the browser process is gone."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _group_alive(group):
    """Whether any process of the process group is still running (zombies, which a container's
    init may be slow to reap, do not count)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not os.path.isdir("/proc"):
        return True
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


class Browser:
    """Headless Chromium driven over the DevTools protocol; use it as a context manager."""

    def __init__(self, chromium=CHROMIUM, window_size=(412, 915), timeout=15.0, startup_timeout=30.0,
                 args=(), mobile=False, scale=1):
        """`window_size` is the viewport's (width, height) in CSS pixels, by default a phone's;
        `mobile=True` also emulates a phone's browser (the viewport meta tag, overlay scrollbars)
        and `scale` its device pixel ratio. `timeout` bounds every DevTools command and every
        page load; `args` are extra Chromium command-line flags."""
        self.chromium = chromium
        self.window_size = window_size
        self.mobile = mobile
        self.scale = scale
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.args = list(args)
        self.process = None
        self.directory = None
        self.port = None
        self._socket = None
        self._next_id = 0
        self._errors = []            # console errors and uncaught exceptions, in order
        self.dialogs = []            # alert/confirm/prompt texts, each accepted automatically
        self._main_frame = None
        self._navigations = 0        # main-frame navigations (new documents) seen so far
        self._loaded = -1            # the navigation count at the latest load event
        self._document_status = {}   # loaderId -> HTTP status of the main document
        self.status = None           # HTTP status of the latest main document

    # Starting and stopping

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self):
        """Starts Chromium and connects to its page; on failure cleans up and raises BrowserError.
        Does nothing when already started (so `with browser:` after `browser.start()` is fine)."""
        if self.process is not None:
            return self
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self):
        self.directory = tempfile.mkdtemp(prefix="beredskab-chromium-")
        profile = os.path.join(self.directory, "profile")
        self._log_path = os.path.join(self.directory, "chromium.log")
        width, height = self.window_size
        command = [
            self.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-dev-shm-usage", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--disable-component-update",
            "--disable-features=Translate,MediaRouter,OptimizationHints", "--mute-audio", "--hide-scrollbars",
            "--remote-debugging-port=0", f"--user-data-dir={profile}", f"--window-size={width},{height}",
            *self.args, "about:blank",
        ]
        with open(self._log_path, "wb") as log:
            try:
                # Its own process group, so that close() can end Chromium's helper processes too.
                self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                                start_new_session=True, preexec_fn=_die_with_parent)
            except OSError as error:
                raise BrowserError(f"cannot start {self.chromium}: {error}") from None
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise BrowserError(f"{self.chromium} exited with status {self.process.returncode} "
                                   f"before DevTools was ready:\n{self._log_tail()}")
            try:
                with open(port_file) as f:
                    lines = f.read().split("\n")
                if lines[0].strip().isdigit() and len(lines) > 1 and lines[1].strip():
                    self.port = int(lines[0])
                    break
            except FileNotFoundError:
                pass
            if time.monotonic() > deadline:
                raise BrowserError(f"{self.chromium} wrote no {port_file} within {self.startup_timeout:g} s:\n"
                                   f"{self._log_tail()}")
            time.sleep(0.05)
        target = self._page_target(deadline)
        try:
            self._socket = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=self.timeout, suppress_origin=True,
                enable_multithread=False)
        except (OSError, websocket.WebSocketException) as error:
            raise BrowserError(f"cannot connect to the page's DevTools socket: {error}") from None
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # Headless windows are at least 500 pixels wide; the viewport is set exactly here.
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": self.scale, "mobile": self.mobile})
        tree = self.send("Page.getFrameTree")
        self._main_frame = tree["frameTree"]["frame"]["id"]

    def _page_target(self, deadline):
        """The first page target from /json/list (Chromium opens about:blank at start)."""
        base = f"http://127.0.0.1:{self.port}"
        last = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/json/list", timeout=self.timeout) as response:
                    targets = json.load(response)
                pages = [t for t in targets if t.get("type") == "page" and t.get("webSocketDebuggerUrl")]
                if pages:
                    return pages[0]
                request = urllib.request.Request(base + "/json/new?about:blank", method="PUT")
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.load(response)
            except (OSError, ValueError) as error:
                last = error
                time.sleep(0.1)
        raise BrowserError(f"no page target on DevTools port {self.port}: {last}")

    def close(self):
        """Closes the connection, kills Chromium and its helpers, and removes the profile. Idempotent."""
        if self._socket is not None:
            try:
                self._socket.close()
            except Exception:
                pass
            self._socket = None
        if self.process is not None:
            group = self.process.pid  # started with start_new_session: the group has its id
            if self.process.poll() is None:
                try:
                    os.killpg(group, signal.SIGTERM)  # lets Chromium shut its helpers down
                    self.process.wait(timeout=3)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
            # Whatever is left of the group, helpers included, is killed, and awaited, so that no
            # process is still writing into the profile when it is removed.
            deadline = time.monotonic() + 10
            while _group_alive(group) and time.monotonic() < deadline:
                try:
                    os.killpg(group, signal.SIGKILL)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            if os.path.exists(self.directory):
                time.sleep(0.2)
                shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def _log_tail(self, lines=30):
        try:
            with open(self._log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:]) or "(Chromium printed nothing)"
        except OSError:
            return "(no Chromium log)"

    # The protocol

    def send(self, method, params=None, timeout=None):
        """Sends one DevTools command and returns its result; events arriving meanwhile are handled.
        Raises CommandTimeout after `timeout` seconds (default: the browser's) and BrowserError when
        Chromium answers with an error."""
        if self._socket is None:
            raise BrowserError(f"{method}: the browser is not running")
        self._next_id += 1
        ident = self._next_id
        try:
            self._socket.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        except (OSError, websocket.WebSocketException) as error:
            raise BrowserError(f"{method}: cannot send to Chromium ({error}); did it crash?\n"
                               f"{self._log_tail()}") from None
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            message = self._receive(deadline)
            if message is None:
                raise CommandTimeout(f"{method}: no answer from Chromium within {limit:g} s")
            if message.get("id") == ident:
                if "error" in message:
                    error = message["error"]
                    detail = f" ({error['data']})" if error.get("data") else ""
                    raise BrowserError(f"{method} failed: {error.get('message')}{detail}")
                return message.get("result", {})

    def _receive(self, deadline):
        """The next message before the deadline (handling it if it is an event), or None."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        self._socket.settimeout(remaining)
        try:
            raw = self._socket.recv()
        except websocket.WebSocketTimeoutException:
            return None
        except (OSError, websocket.WebSocketException) as error:
            raise BrowserError(f"lost the connection to Chromium ({error}); did it crash?\n"
                               f"{self._log_tail()}") from None
        message = json.loads(raw)
        if "method" in message:
            self._event(message["method"], message.get("params", {}))
        return message

    def _pump(self, seconds):
        """Handles events for a while (used while waiting for something to happen)."""
        deadline = time.monotonic() + seconds
        while self._receive(deadline) is not None:
            pass

    def _event(self, method, params):
        if method == "Page.frameNavigated":
            frame = params["frame"]
            if not frame.get("parentId"):
                self._main_frame = frame["id"]
                self._navigations += 1
                self.status = self._document_status.get(frame.get("loaderId"), self.status)
        elif method == "Page.loadEventFired":
            self._loaded = self._navigations
        elif method == "Network.responseReceived":
            if params.get("type") == "Document" and params.get("frameId") == self._main_frame:
                self._document_status[params.get("loaderId")] = params["response"]["status"]
                self.status = params["response"]["status"]
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            where = details.get("url") or ""
            if where:
                where = f" ({where}:{details.get('lineNumber', 0) + 1}:{details.get('columnNumber', 0) + 1})"
            self._errors.append(f"uncaught: {text}{where}")
        elif method == "Runtime.consoleAPICalled":
            if params.get("type") in ("error", "assert"):
                parts = [a.get("value", a.get("description", a.get("type"))) for a in params.get("args", [])]
                self._errors.append(f"console.{params['type']}: " + " ".join(str(p) for p in parts))
        elif method == "Log.entryAdded":
            entry = params["entry"]
            # The browser's own errors: failed loads, Content-Security-Policy violations.
            # The favicon.ico a browser asks for by itself is not the page's error.
            if entry.get("level") == "error" and not entry.get("url", "").endswith("/favicon.ico"):
                where = f" ({entry['url']})" if entry.get("url") else ""
                self._errors.append(f"{entry.get('source', 'browser')}: {entry.get('text')}{where}")
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(f"{params.get('type')}: {params.get('message')}")
            # Answer without waiting: a dialog blocks the page, and every command after it.
            self._next_id += 1
            self._socket.send(json.dumps({"id": self._next_id, "method": "Page.handleJavaScriptDialog",
                                          "params": {"accept": True}}))

    # Pages

    def goto(self, url, timeout=None):
        """Opens `url` and waits for its load event; returns the document's HTTP status."""
        before = self._navigations
        result = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        if not result.get("loaderId"):
            return self.status  # same-document navigation (a #fragment): no new load
        self._wait_for_load(before, f"opening {url}", timeout)
        return self.status

    def _wait_for_load(self, before, doing, timeout):
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not (self._navigations > before and self._loaded >= self._navigations):
            if self._receive(deadline) is None:
                if self._navigations == before:
                    raise WaitTimeout(f"{doing}: no navigation within {limit:g} s; still on {self.url()}")
                raise WaitTimeout(f"{doing}: the page did not finish loading within {limit:g} s "
                                  f"(now at {self.url()})")

    def eval(self, js, timeout=None):
        """Evaluates a JavaScript expression in the page and returns its value, as JSON would carry
        it (a DOM node comes back as {}); a promise is awaited. Raises JavaScriptError with the exception's text when it throws."""
        result = self.send("Runtime.evaluate", {
            "expression": js, "returnByValue": True, "awaitPromise": True, "userGesture": True,
        }, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            raise JavaScriptError(f"{text}\n  in: {js.strip()[:300]}")
        value = result.get("result", {})
        if value.get("type") == "undefined":
            return None
        return value.get("value")

    def wait_for(self, js_predicate, timeout=10, interval=0.1):
        """Polls a JavaScript expression (a promise is awaited) until it is truthy in JavaScript;
        returns its value (True for a DOM node). On timeout raises WaitTimeout with the page's URL
        and text, and the predicate's last error if it threw."""
        deadline = time.monotonic() + timeout
        last_error = None
        probe = (f"(async () => {{ const v = await ({js_predicate}\n);"
                 " return v ? {ok: true, value: (typeof v === 'object' && !Array.isArray(v)"
                 " && Object.getPrototypeOf(v) !== Object.prototype) ? true : v} : {ok: false}; })()")
        while True:
            try:
                result = self.eval(probe, timeout=max(1.0, min(self.timeout, timeout)))
                if result["ok"]:
                    return result["value"]
                last_error = None
            except JavaScriptError as error:
                last_error = error  # e.g. the element is not there yet, or the page is navigating
            if time.monotonic() >= deadline:
                break
            self._pump(min(interval, max(0.0, deadline - time.monotonic())))
        try:
            url, body = self.url(), self.eval("document.body ? document.body.innerText : ''") or ""
        except BrowserError as error:
            url, body = "(unknown)", f"(cannot read the page: {error})"
        if len(body) > 2000:
            body = body[:2000] + " …"
        threw = f"\nlast error: {last_error}" if last_error else ""
        raise WaitTimeout(f"waited {timeout:g} s for: {js_predicate}{threw}\nurl: {url}\npage text:\n{body}")

    def url(self):
        """The current page's URL."""
        history = self.send("Page.getNavigationHistory")
        return history["entries"][history["currentIndex"]]["url"]

    def text(self, selector):
        """The rendered text (innerText) of the first element matching `selector`."""
        return self.eval(f"{_FIND}({_js(selector)}).innerText")

    def exists(self, selector):
        """Whether an element matches `selector`."""
        return bool(self.eval(f"document.querySelector({_js(selector)}) !== null"))

    # Forms

    def fill(self, selector, text):
        """Replaces the value of an input or textarea with `text`, typed as a user would (input
        events; maxlength applies), then fires `change`. Date, time, colour and range inputs get
        their value set directly, since there is nothing to type into."""
        kind = self.eval(f"""(() => {{
            const e = {_FIND}({_js(selector)});
            if (!('value' in e) || e.tagName === 'SELECT' || e.tagName === 'BUTTON')
              throw new Error({_js(selector)} + ' is a ' + e.tagName.toLowerCase() + ', not a text field');
            if (e.disabled || e.readOnly) throw new Error({_js(selector)} + ' is disabled or read-only');
            e.scrollIntoView({{block: 'center'}});
            e.focus();
            const typeless = ['date', 'time', 'datetime-local', 'month', 'week', 'color', 'range'];
            if (typeless.includes(e.type)) {{
              e.value = {_js(text)};
              e.dispatchEvent(new Event('input', {{bubbles: true}}));
              e.dispatchEvent(new Event('change', {{bubbles: true}}));
              return 'set';
            }}
            e.select ? e.select() : null;
            e.value = '';
            e.dispatchEvent(new Event('input', {{bubbles: true}}));
            return 'type';
        }})()""")
        if kind == "type":
            if text:
                self.send("Input.insertText", {"text": text})
            self.eval(f"{_FIND}({_js(selector)}).dispatchEvent(new Event('change', {{bubbles: true}}))")

    def select(self, selector, value):
        """Chooses the option with `value` in a <select>; raises naming the options if none has it."""
        self.eval(f"""(() => {{
            const e = {_FIND}({_js(selector)});
            if (e.tagName !== 'SELECT') throw new Error({_js(selector)} + ' is not a <select>');
            const values = Array.from(e.options).map(o => o.value);
            if (!values.includes({_js(value)}))
              throw new Error({_js(selector)} + ' has no option ' + {_js(json.dumps(value))}
                              + '; its options are ' + JSON.stringify(values));
            e.value = {_js(value)};
            e.dispatchEvent(new Event('input', {{bubbles: true}}));
            e.dispatchEvent(new Event('change', {{bubbles: true}}));
        }})()""")

    def check(self, selector, checked=True):
        """Ticks (or with checked=False unticks) a checkbox or radio button by clicking it."""
        state = self.eval(f"""(() => {{
            const e = {_FIND}({_js(selector)});
            if (!['checkbox', 'radio'].includes(e.type))
              throw new Error({_js(selector)} + ' is not a checkbox or radio button');
            return e.checked;
        }})()""")
        if state != checked:
            self.click(selector)
            now = self.eval(f"{_FIND}({_js(selector)}).checked")
            if now != checked:
                raise BrowserError(f"clicking {selector} left it {'checked' if now else 'unchecked'}")

    def click(self, selector):
        """Scrolls the element into view and clicks its centre with real mouse events. Raises if it
        is not visible or another element covers its centre."""
        x, y = self._centre(selector)
        for kind, extra in (("mouseMoved", {}), ("mousePressed", {"button": "left", "clickCount": 1}),
                            ("mouseReleased", {"button": "left", "clickCount": 1})):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def _centre(self, selector):
        where = self.eval(f"""(() => {{
            const e = {_FIND}({_js(selector)});
            e.scrollIntoView({{block: 'center', inline: 'center'}});
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden')
              return {{error: {_js(selector)} + ' is not visible'}};
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const top = document.elementFromPoint(x, y);
            if (top && top !== e && !e.contains(top) && !(e.labels && Array.from(e.labels).some(l => l.contains(top)))) {{
              const name = top.tagName.toLowerCase() + (top.id ? '#' + top.id : '')
                + (top.className && typeof top.className === 'string' ? '.' + top.className.split(' ').join('.') : '');
              return {{error: {_js(selector)} + ' is covered by <' + name + '> at its centre'}};
            }}
            if (e.disabled) return {{error: {_js(selector)} + ' is disabled'}};
            return {{x, y}};
        }})()""")
        if "error" in where:
            raise BrowserError(f"cannot click: {where['error']} (on {self.url()})")
        return where["x"], where["y"]

    def submit_and_wait(self, selector, timeout=None):
        """Clicks `selector` (a submit button or a link) and waits until the page it leads to has
        loaded, redirects followed; returns that document's HTTP status."""
        before = self._navigations
        self.click(selector)
        self._wait_for_load(before, f"after clicking {selector}", timeout)
        return self.status

    # What the page left behind

    def cookies(self):
        """Every cookie in the browser, as DevTools gives them: dicts with name, value, domain,
        path, expires, httpOnly, secure, sameSite ('Strict', 'Lax', 'None' or absent), …"""
        try:
            return self.send("Network.getAllCookies")["cookies"]
        except BrowserError:
            return self.send("Storage.getCookies")["cookies"]

    def cookie(self, name):
        """The cookie called `name`, or None."""
        return next((c for c in self.cookies() if c["name"] == name), None)

    def screenshot(self, path, full_page=True):
        """Saves a PNG of the page (the whole page unless full_page=False) to `path`; returns the path."""
        params = {"format": "png"}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.send("Page.captureScreenshot", params)["data"]
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def console_errors(self):
        """Uncaught exceptions, console.error/console.assert calls and the browser's own errors
        (failed loads, Content-Security-Policy violations) since start or the last clear."""
        self.send("Runtime.evaluate", {"expression": "0"})  # handles the events already sent
        return list(self._errors)

    def clear_console_errors(self):
        """Forgets the errors collected so far."""
        self.console_errors()
        self._errors.clear()

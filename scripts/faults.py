#!/usr/bin/env python3
"""Fault scripts (issue 14): break what Beredskab depends on and count what was lost.

Each scenario starts `beredskab serve` on 127.0.0.1 with real receivers from
Tests/BeredskabDeliveryTests/servers, posts reports while something fails, lets it recover and then
counts against the SQLite file: every report answered 2xx must be stored, every notification that
could go (one of its channels is configured) must be delivered. It prints one line
"SCENARIO: lost N, late p50 …/max …, …" and the script exits 1 if anything was lost.

The server reads its time from a file (`serve --test-clock`) that a thread moves on with the wall
clock from a Saturday evening in March 2026 (the demo's rotas then send the police alert to Jens
Kragh, who takes webhooks first); `dst-restart` sets the file by hand.

Usage: scripts/faults [SCENARIO ...] [--quick] [--binary PATH]
Scenarios: kill-storm smtp-outage webhook-500 hanging-receiver sms-timeout disk-full read-only
           dst-restart sigterm (default: all). disk-full and read-only mount a tmpfs (root only).
"""
import argparse, datetime, http.client, json, os, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, threading
import time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SINKS = os.path.join(ROOT, "Tests", "BeredskabDeliveryTests", "servers")
SCENARIOS = ["kill-storm", "smtp-outage", "webhook-500", "hanging-receiver", "sms-timeout", "disk-full",
             "read-only", "dst-restart", "sigterm"]
START = datetime.datetime(2026, 3, 14, 20, 48, tzinfo=datetime.timezone.utc)  # Saturday 21:48 in Copenhagen
SECRET = "fault-secret"
PROCESSES = []  # everything started, stopped at the end whatever happens
MOUNTS = []
ARGS = None


def log(text):
    print(text, flush=True)


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def stop(proc, sig=signal.SIGKILL):
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cleanup():
    for proc in PROCESSES:
        stop(proc)
    for folder in MOUNTS:
        subprocess.run(["umount", "-l", folder], stderr=subprocess.DEVNULL)


class Clock:
    """The server's clock file, moved on with the wall clock from `start` (or set by hand)."""

    def __init__(self, path, start=START, ticking=True):
        self.path, self.origin, self.started = path, start, time.time()
        self.set(start)
        self.stopped = threading.Event()
        if ticking:
            threading.Thread(target=self.tick, daemon=True).start()

    def now(self):
        return self.origin + datetime.timedelta(seconds=time.time() - self.started)

    def set(self, moment):
        with open(self.path + ".new", "w") as f:
            f.write(rfc3339(moment))
        os.replace(self.path + ".new", self.path)

    def tick(self):
        while not self.stopped.wait(0.2):
            self.set(self.now())


class Sink:
    """A receiver from Tests/BeredskabDeliveryTests/servers, restartable on the same port."""

    def __init__(self, script, folder, arguments=(), port=0):
        self.script, self.folder, self.arguments = script, folder, list(arguments)
        os.makedirs(folder, exist_ok=True)
        self.start(port)

    def start(self, port=0, arguments=None):
        if arguments is not None:
            self.arguments = list(arguments)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(SINKS, self.script), self.folder, "--port", str(port)] + self.arguments,
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        PROCESSES.append(self.proc)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit(f"{self.script} did not start")
        self.port = int(line.split()[1])

    def stop(self):
        stop(self.proc)

    def records(self):
        out = []
        for name in os.listdir(self.folder):
            if name.endswith(".json"):
                try:
                    with open(os.path.join(self.folder, name), encoding="utf-8") as f:
                        out.append(json.load(f))
                except (OSError, ValueError):
                    pass
        return out


class Server:
    def __init__(self, data, clock_file, env=None, config=None, contacts=None):
        self.data, self.clock_file, self.env, self.config = data, clock_file, env or {}, config
        self.contacts = contacts or os.path.join(ROOT, "Contacts")
        os.makedirs(data, exist_ok=True)
        self.rules = ["--rules", os.path.join(ROOT, "Rules"), "--rules", self.contacts]

    def start(self):
        command = [ARGS.binary, "serve", "--port", "0", "--data", self.data, "--test-clock", self.clock_file]
        if self.config:
            command += ["--config", self.config]
        self.log = open(os.path.join(os.path.dirname(self.data.rstrip("/")), "server.log"), "a")
        self.proc = subprocess.Popen(command + self.rules, stdout=subprocess.PIPE, stderr=self.log,
                                     stdin=subprocess.DEVNULL, text=True, env={**os.environ, **self.env})
        PROCESSES.append(self.proc)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("listening on "):
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                self.base = line.split()[2]
                return self
            if not line and self.proc.poll() is not None:
                break
        raise SystemExit("the server did not start; see " + self.log.name)

    def token(self, organisation):
        return subprocess.run([ARGS.binary, "token", "create", "--org", organisation, "--data", self.data] + self.rules,
                              check=True, capture_output=True, text=True).stdout.strip()

    def db(self):
        return sqlite3.connect(f"file:{os.path.join(self.data, 'beredskab.sqlite')}?mode=ro", uri=True, timeout=30)


def template(name):
    with open(os.path.join(ROOT, "examples", "reports", name), encoding="utf-8") as f:
        return json.load(f)


class Reporter:
    """Posts weapon reports (or another template), each with a marker in its description, and keeps
    what was answered: the ids answered 2xx and the wall time of each answer."""

    def __init__(self, server, clock, name="vaaben-fundet.json", prefix="r"):
        self.server, self.clock, self.template, self.prefix = server, clock, template(name), prefix
        self.token = server.token(self.template["reporter"]["organisation"])
        self.lock = threading.Lock()
        self.count = 0
        self.answered, self.posted_at, self.statuses, self.refusals = {}, {}, {}, []
        self.connections = threading.local()

    def report(self):
        with self.lock:
            self.count += 1
            n = self.count
        report = json.loads(json.dumps(self.template))
        # Ids are scoped by organisation: one that starts with the reporter's is stored as sent.
        report["id"] = f"{self.template['reporter']['organisation']}:{self.prefix}-{n}"
        # Hours apart, so no two merge.
        report["occurred_at"] = rfc3339(self.clock.now() - datetime.timedelta(hours=2 * n))
        report["description"] = f"Fejltest [{report['id']}]. " + report.get("description", "")
        return report

    def post(self, report=None, keep_alive=False):
        report = report or self.report()
        body = json.dumps(report).encode()
        headers = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        status, text = None, ""
        try:
            if keep_alive:
                connection = getattr(self.connections, "c", None)
                if connection is None:
                    host, port = self.server.base.split("//")[1].split(":")
                    connection = self.connections.c = http.client.HTTPConnection(host, int(port), timeout=30)
                connection.request("POST", "/api/v1/incidents", body=body, headers=headers)
                response = connection.getresponse()
                status, text = response.status, response.read().decode()
            else:
                request = urllib.request.Request(self.server.base + "/api/v1/incidents", data=body, method="POST",
                                                 headers=headers)
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
            retry = error.headers.get("Retry-After")
            if retry:
                text += f" (Retry-After: {retry})"
        except Exception:
            self.connections.c = None
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status in (200, 201):
                self.answered[report["id"]] = status
                self.posted_at[report["id"]] = time.time()
            elif status is not None:
                self.refusals.append((status, text))
        return status, text

    def stream(self, seconds, every=0.5, threads=1, keep_alive=False, until=None):
        """Posts for `seconds` (or until the event is set) from `threads` clients."""
        end = time.time() + seconds
        def run():
            while time.time() < end and not (until and until.is_set()):
                self.post(keep_alive=keep_alive)
                time.sleep(every)
        workers = [threading.Thread(target=run) for _ in range(threads)]
        for w in workers:
            w.start()
        return workers


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def seconds(value):
    return "-" if value is None else (f"{value:.0f} s" if value >= 10 else f"{value:.1f} s")


def millis(value):
    return "-" if value is None else f"{value * 1000:.0f} ms"


def settle(server, clock, kinds, deadline):
    """Waits until no notification that could go (a channel of `kinds`) is due and undelivered."""
    db = server.db()
    while time.time() < deadline:
        if not waiting(db, clock, kinds):
            break
        time.sleep(1)
    db.close()


def waiting(db, clock, kinds):
    now = int(clock.now().timestamp())
    rows = db.execute("SELECT channels FROM notification WHERE status = 'pending' AND send_at <= ?", (now,)).fetchall()
    return [r for r in rows if relevant(r[0], kinds)]


def relevant(channels, kinds):
    return kinds is None or any(f'"{kind}"' in channels for kind in kinds)


def account(name, server, reporter, clock, kinds, extra=""):
    """Counts what was lost and how late the rest was; prints the scenario's line."""
    db = server.db()
    stored = {row[0] for row in db.execute("SELECT id FROM incident")}
    missing = [i for i in reporter.answered if i not in stored]
    now = int(clock.now().timestamp())
    rows = db.execute(
        "SELECT n.id, n.channels, n.status, n.send_at, (SELECT min(attempted_at) FROM delivery_attempt a "
        "WHERE a.notification_id = n.id AND a.outcome = 'delivered') FROM notification n WHERE n.send_at <= ?",
        (now,)).fetchall()
    due = [r for r in rows if relevant(r[1], kinds)]
    undelivered = [r for r in due if r[2] not in ("delivered",) and r[4] is None]
    late = [r[4] - r[3] for r in due if r[4] is not None]
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    lost = len(missing) + len(undelivered)
    line = (f"{name}: lost {lost}, late p50 {seconds(percentile(late, 50))}/max {seconds(max(late) if late else None)}, "
            f"{len(reporter.answered)} reports accepted ({len(missing)} missing), {len(due)} notifications due "
            f"({len(undelivered)} undelivered), integrity {integrity}" + (f", {extra}" if extra else ""))
    log(line)
    for r in undelivered[:5]:
        log(f"  ! notification {r[0]} {r[2]} {r[1]}")
    for i in missing[:5]:
        log(f"  ! report {i} answered 2xx but not stored")
    return lost + (0 if integrity == "ok" else 1)


def workdir(name):
    folder = tempfile.mkdtemp(prefix=f"beredskab-fault-{name}-")
    return folder, os.path.join(folder, "clock")


def write_config(folder, config):
    path = os.path.join(folder, "config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def contacts_with(folder, hooks):
    """The demo contacts with some persons' webhook addresses pointed at local receivers."""
    target = os.path.join(folder, "Contacts")
    shutil.copytree(os.path.join(ROOT, "Contacts"), target)
    path = os.path.join(target, "personer.contacts")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for old, new in hooks.items():
        text = text.replace(old, new)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return target


def sink_latencies(sinks, reporter, exclude=""):
    """Seconds from each report's 2xx answer to each message about it arriving at the receivers
    (but not to the address `exclude`)."""
    out = []
    for sink in sinks:
        for record in sink.records():
            if exclude and exclude in json.dumps(record.get("rcpt_tos", [])):
                continue
            text = (record.get("body") or "") + json.dumps(record.get("headers", {}), ensure_ascii=False)
            start = text.find(f"[{reporter.template['reporter']['organisation']}:{reporter.prefix}-")
            if start < 0:
                continue
            report_id = text[start + 1:text.find("]", start)]
            if report_id in reporter.posted_at:
                out.append(max(0.0, record["received_at"] - reporter.posted_at[report_id]))
    return out


# --- scenarios -----------------------------------------------------------------------------------

def kill_storm():
    folder, _ = workdir("kill")
    data = os.path.join(folder, "data")
    run = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "kill-test.py"), "--rounds", "20",
                          "--binary", ARGS.binary, "--data", data], capture_output=True, text=True)
    out = run.stdout
    def number(label):
        for line in out.splitlines():
            if label in line:
                return int(line.split(label)[1].split(";")[0].split(",")[0].split()[0])
        return -1
    missing, undelivered = number("accepted but missing:"), number("undelivered:")
    db = sqlite3.connect(os.path.join(data, "beredskab.sqlite"))
    late = [r[0] for r in db.execute(
        "SELECT min(a.attempted_at) - n.send_at FROM notification n JOIN delivery_attempt a ON a.notification_id = n.id "
        "AND a.outcome = 'delivered' GROUP BY n.id")]
    db.close()
    lost = max(missing, 0) + max(undelivered, 0) + (0 if run.returncode == 0 else 1) * (missing < 0 or undelivered < 0)
    summary = " ".join(l.strip() for l in out.splitlines()[:3])
    log(f"kill-storm: lost {lost}, late p50 {seconds(percentile(late, 50))}/max {seconds(max(late) if late else None)}, "
        f"20 SIGKILLs; {summary}")
    if run.returncode != 0:
        log(out + run.stderr)
    return lost if run.returncode == 0 else max(lost, 1)


def smtp_outage():
    outage = 20 if ARGS.quick else 120
    folder, clock_file = workdir("smtp")
    clock = Clock(clock_file)
    smtp = Sink("smtp_sink.py", os.path.join(folder, "smtp"))
    server = Server(os.path.join(folder, "data"), clock_file, env={"BEREDSKAB_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"})
    server.start()
    reporter = Reporter(server, clock)
    for w in reporter.stream(3):
        w.join()
    smtp.stop()
    down = time.time()
    workers = reporter.stream(outage, every=1)
    for w in workers:
        w.join()
    smtp.start(smtp.port)
    back = time.time()
    settle(server, clock, ["email"], time.time() + 180)
    recovered = time.time() - back
    lost = account("smtp-outage", server, reporter, clock, ["email"],
                   f"SMTP down {time.time() - down - recovered:.0f} s, all delivered {recovered:.0f} s after it came back")
    stop(server.proc, signal.SIGTERM)
    return lost


def webhook_500():
    failing = 10 if ARGS.quick else 60
    folder, clock_file = workdir("webhook")
    clock = Clock(clock_file)
    hook = Sink("http_sink.py", os.path.join(folder, "hook"), ["--behaviour", "fail-for", "--for", str(failing),
                                                               "--secret", SECRET])
    server = Server(os.path.join(folder, "data"), clock_file, env={
        "BEREDSKAB_WEBHOOK_URL": f"http://127.0.0.1:{hook.port}/hook", "BEREDSKAB_WEBHOOK_SECRET": SECRET})
    server.start()
    reporter = Reporter(server, clock)
    for w in reporter.stream(failing, every=1):
        w.join()
    settle(server, clock, ["webhook"], time.time() + 150)
    answers = [r for r in hook.records()]
    lost = account("webhook-500", server, reporter, clock, ["webhook"],
                   f"500 for {failing} s, {len(answers)} requests to the receiver")
    stop(server.proc, signal.SIGTERM)
    return lost


def hanging_receiver():
    seconds_ = 8 if ARGS.quick else 30
    folder, clock_file = workdir("hang")
    clock = Clock(clock_file)
    hanging = Sink("http_sink.py", os.path.join(folder, "hanging"), ["--behaviour", "hang", "--hang", "600"])
    healthy = Sink("http_sink.py", os.path.join(folder, "healthy"), ["--secret", SECRET])
    smtp = Sink("smtp_sink.py", os.path.join(folder, "smtp"))
    contacts = contacts_with(folder, {
        "https://hooks.example.org/beredskab/politi/jens-kragh": f"http://127.0.0.1:{hanging.port}/kragh",
        "https://hooks.example.org/beredskab/mette": f"http://127.0.0.1:{healthy.port}/mette"})
    config = write_config(folder, {"webhook": {"timeout_seconds": 5}})
    server = Server(os.path.join(folder, "data"), clock_file, config=config, contacts=contacts, env={
        "BEREDSKAB_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "BEREDSKAB_WEBHOOK_SECRET": SECRET})
    server.start()
    reporter = Reporter(server, clock)
    for w in reporter.stream(seconds_, every=1):
        w.join()
    # Kragh's alerts reach him by e-mail once five attempts on the hanging webhook have timed out,
    # eight at a time (the per-destination limit).
    posted = time.time()
    settle(server, clock, None, time.time() + 400)
    fallback = time.time() - posted
    # Healthy: Mette Holm's webhook and every e-mail but those to Kragh (his, after the fallback).
    latencies = sink_latencies([healthy, smtp], reporter, exclude="jens.kragh@")
    lost = account("hanging-receiver", server, reporter, clock, None,
                   f"healthy receivers p50 {millis(percentile(latencies, 50))}/p99 {millis(percentile(latencies, 99))} "
                   f"over {len(latencies)} messages; the hanging one got {len(hanging.records())} requests; "
                   f"all delivered (the hanging receiver's person by e-mail) {fallback:.0f} s after the last report")
    stop(server.proc, signal.SIGTERM)
    return lost


def sms_timeout():
    slow = 10 if ARGS.quick else 45
    folder, clock_file = workdir("sms")
    clock = Clock(clock_file)
    gateway = Sink("http_sink.py", os.path.join(folder, "sms"), ["--behaviour", "hang-for", "--for", str(slow),
                                                                 "--hang", "30"])
    config = write_config(folder, {"sms": {"url": f"http://127.0.0.1:{gateway.port}/sms", "timeout_seconds": 3}})
    server = Server(os.path.join(folder, "data"), clock_file, config=config)
    server.start()
    reporter = Reporter(server, clock)
    for w in reporter.stream(slow, every=1):
        w.join()
    settle(server, clock, ["sms"], time.time() + 150)
    lost = account("sms-timeout", server, reporter, clock, ["sms"],
                   f"gateway silent for {slow} s (timeout 3 s), {len(gateway.records())} requests to it")
    stop(server.proc, signal.SIGTERM)
    return lost


def store_fault(name, fill):
    """disk-full and read-only: the data folder on a small tmpfs that fails under the server."""
    folder, clock_file = workdir(name)
    data = os.path.join(folder, "data")
    os.makedirs(data)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", data], capture_output=True, text=True)
    if mounted.returncode != 0:
        # Not root, or a container without mount: the 503 itself is tested in process (StoreFaultTests).
        raise Skipped("cannot mount a tmpfs (needs root): " + (mounted.stderr.strip().splitlines() or ["?"])[0])
    MOUNTS.append(data)
    clock = Clock(clock_file)
    server = Server(data, clock_file)
    server.start()
    reporter = Reporter(server, clock)
    for _ in range(5):
        reporter.post()
    try:
        undo = fill(data)
    except Skipped:
        stop(server.proc, signal.SIGTERM)
        subprocess.run(["umount", "-l", data])
        MOUNTS.remove(data)
        raise
    # Reports while the store cannot write: each must be refused with 503 and a JSON body.
    refused, answers = 0, []
    for _ in range(60):
        status, text = reporter.post()
        answers.append((status, text))
        if status == 503:
            refused += 1
            if refused >= 10:
                break
    bad = [a for a in answers if a[0] not in (200, 201, 503)]
    bodies = [a[1] for a in answers if a[0] == 503]
    clear = all('"error"' in b and "Retry-After" in b for b in bodies)
    undo(data)
    # Recovery by itself: reports are accepted again without a restart.
    recovered_after = None
    begin = time.time()
    while time.time() - begin < 30:
        status, _ = reporter.post()
        if status in (200, 201):
            recovered_after = time.time() - begin
            break
        time.sleep(0.5)
    for _ in range(5):
        reporter.post()
    settle(server, clock, None, time.time() + 60)
    alive = server.proc.poll() is None
    sample = " ".join(bodies[0].split()) if bodies else "none"
    lost = account(name, server, reporter, clock, None,
                   f"{refused} refused with 503 ({'JSON + Retry-After' if clear else 'NOT CLEAR'}), "
                   f"{len(bad)} other answers, accepting again {seconds(recovered_after)} after the fault ended, "
                   f"server {'up' if alive else 'DEAD'}; 503 body: {sample}")
    stop(server.proc, signal.SIGTERM)
    subprocess.run(["umount", "-l", data])
    MOUNTS.remove(data)
    failed = lost + (refused == 0) + (not clear) + len(bad) + (recovered_after is None) + (not alive)
    return failed


def fill_disk(data):
    filler = os.path.join(data, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    for size in (1 << 20, 4096, 512):
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
    os.close(fd)
    return lambda data: os.remove(filler)


class Skipped(Exception):
    pass


def read_only(data):
    remount = subprocess.run(["mount", "-o", "remount,ro", data], capture_output=True, text=True)
    if remount.returncode != 0:
        # Linux refuses to make a file system read-only while a process holds a file on it open for
        # writing (EBUSY), as the server does its store.
        raise Skipped("mount -o remount,ro: " + remount.stderr.strip().splitlines()[0])
    return lambda data: subprocess.run(["mount", "-o", "remount,rw", data], check=True)


def dst_restart():
    """A shooting (escalation to the steering group after 15 min, repeated twice) 20 minutes before
    each daylight-saving switch in Copenhagen; the server is killed, the clock moved past the switch,
    the server restarted and the clock stepped a minute at a time: each round must fire at its
    absolute instant (or at the restart if it fell due while the server was down), once."""
    total = 0
    switches = [("autumn", datetime.datetime(2026, 10, 25, 1, 0, tzinfo=datetime.timezone.utc)),
                ("spring", datetime.datetime(2027, 3, 28, 1, 0, tzinfo=datetime.timezone.utc))]
    lines = []
    for label, switch in switches:
        folder, clock_file = workdir("dst-" + label)
        received = switch - datetime.timedelta(minutes=20)
        clock = Clock(clock_file, start=received, ticking=False)
        server = Server(os.path.join(folder, "data"), clock_file)
        server.start()
        reporter = Reporter(server, clock, name="skud-blaagaarden.json", prefix="dst")
        report = reporter.report()
        report["occurred_at"] = rfc3339(received - datetime.timedelta(minutes=5))
        status, text = reporter.post(report)
        stop(server.proc)  # SIGKILL
        restart = switch + datetime.timedelta(minutes=2)
        clock.set(restart)
        server.start()
        moment = restart
        while moment < switch + datetime.timedelta(minutes=30):
            moment += datetime.timedelta(minutes=1)
            clock.set(moment)
            time.sleep(0.7 if ARGS.quick else 1.3)
        db = server.db()
        timers = db.execute("SELECT id, due_at, status, round FROM escalation WHERE incident_id = ?",
                            (report["id"],)).fetchall()
        fired = db.execute("SELECT idempotency_key, send_at FROM notification WHERE incident_id = ? AND kind = 'escalation'",
                           (report["id"],)).fetchall()
        db.close()
        stop(server.proc, signal.SIGTERM)
        start = int(received.timestamp())
        expected = [start + 900 * k for k in range(1, len(timers) + 1)]
        wrong = [t for t, e in zip(sorted(timers, key=lambda t: t[1]), expected) if t[1] != e]
        pending = [t for t in timers if t[2] != "fired"]
        # Each round's notifications were enqueued when it fired: at the restart if it fell due while
        # the server was down, else within a clock step (60 s) of its instant.
        rounds = {}
        for key, send_at in fired:
            rounds.setdefault(send_at, []).append(key)
        keys = [k for k, _ in fired]
        doubled = len(keys) - len(set(keys))
        late = []
        for t in timers:
            fire = min((s for s in rounds if s >= t[1]), default=None)
            if fire is not None:
                late.append(fire - max(t[1], int(restart.timestamp())))
        lost = len(wrong) + len(pending) + doubled + (status not in (200, 201)) + (len(timers) == 0)
        total += lost
        lines.append(f"{label} ({rfc3339(received)} accepted, restart {rfc3339(restart)}): {len(timers)} timers, "
                     f"{len(wrong)} at a wrong instant, {len(pending)} not fired, {doubled} doubled, "
                     f"late after due/restart max {seconds(max(late) if late else None)}")
    log(f"dst-restart: lost {total}, " + "; ".join(lines))
    return total


def sigterm():
    folder, clock_file = workdir("sigterm")
    clock = Clock(clock_file)
    hanging = Sink("http_sink.py", os.path.join(folder, "hanging"), ["--behaviour", "hang", "--hang", "600"])
    healthy = Sink("http_sink.py", os.path.join(folder, "healthy"), ["--secret", SECRET])
    smtp = Sink("smtp_sink.py", os.path.join(folder, "smtp"))
    contacts = contacts_with(folder, {
        "https://hooks.example.org/beredskab/politi/jens-kragh": f"http://127.0.0.1:{hanging.port}/kragh",
        "https://hooks.example.org/beredskab/mette": f"http://127.0.0.1:{healthy.port}/mette"})
    server = Server(os.path.join(folder, "data"), clock_file, contacts=contacts, env={
        "BEREDSKAB_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "BEREDSKAB_WEBHOOK_SECRET": SECRET})
    server.start()
    reporter = Reporter(server, clock)
    done = threading.Event()
    workers = reporter.stream(60, every=0.05, threads=4, keep_alive=True, until=done)
    time.sleep(4)
    # And a client in the middle of a request: headers and the start of a body, then nothing.
    host, port = server.base.split("//")[1].split(":")
    stalled = socket.create_connection((host, int(port)))
    stalled.sendall(b"POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Authorization: Bearer " + reporter.token.encode() + b"\r\nContent-Length: 1000\r\n\r\n{")
    time.sleep(0.3)
    in_flight = len(hanging.records())
    began = time.time()
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=30)
        took = time.time() - began
    except subprocess.TimeoutExpired:
        took = None
        stop(server.proc)
    done.set()
    stalled.close()
    for w in workers:
        w.join()
    # After the restart the hanging receiver answers: what was in flight goes now.
    hanging.stop()
    hanging.start(hanging.port, ["--secret", SECRET])
    server.start()
    settle(server, clock, None, time.time() + 120)
    lost = account("sigterm", server, reporter, clock, None,
                   f"exited {seconds(took)} after SIGTERM (limit 5 s) with {in_flight} deliveries hanging, "
                   f"4 keep-alive clients posting and one stalled mid-request")
    stop(server.proc, signal.SIGTERM)
    return lost + (took is None or took > 5)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help="any of " + ", ".join(SCENARIOS) + " (default: all)")
    parser.add_argument("--quick", action="store_true", help="shorter outages (the SMTP outage 20 s instead of 120 s)")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "beredskab"),
                        help="the beredskab binary (default: this checkout's debug build)")
    ARGS = parser.parse_args()
    unknown = [name for name in ARGS.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if not os.access(ARGS.binary, os.X_OK):
        parser.error(f"no beredskab binary at {ARGS.binary}: run `swift build` first, or give --binary PATH")
    functions = {"kill-storm": kill_storm, "smtp-outage": smtp_outage, "webhook-500": webhook_500,
                 "hanging-receiver": hanging_receiver, "sms-timeout": sms_timeout,
                 "disk-full": lambda: store_fault("disk-full", fill_disk),
                 "read-only": lambda: store_fault("read-only", read_only),
                 "dst-restart": dst_restart, "sigterm": sigterm}
    failed = []
    try:
        for name in ARGS.scenarios or SCENARIOS:
            began = time.time()
            try:
                if functions[name]():
                    failed.append(name)
            except Skipped as why:
                log(f"{name}: skipped: {why}")
            except Exception as error:  # a broken scenario is a failure, and the rest still run
                log(f"{name}: FAILED to run: {error!r}")
                failed.append(name)
            finally:
                for proc in PROCESSES:
                    stop(proc)
                PROCESSES.clear()
            log(f"  ({name} took {time.time() - began:.0f} s)")
    finally:
        cleanup()
    log("faults: " + ("all passed" if not failed else "FAILED: " + ", ".join(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()

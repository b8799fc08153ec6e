#!/usr/bin/env python3
"""Intake benchmarks of issue 16: they print figures and never pass or fail on time.

    loadgen.py compare --binary PATH [--rates 200,500,1000,2000] [--seconds 20]
    loadgen.py history --binary PATH [--incidents 100000] [--rate 100] [--step 10000]
    loadgen.py sink                     (the webhook sink, started by the two above)

compare: Debian's prometheus-alertmanager and `beredskab serve` in one run, each started afresh
for every rate (a fresh SQLite file or a fresh Alertmanager storage folder), alternating at each
rate, against the same webhook sink. One report or alert per POST, each leading to exactly one
webhook to the sink. The load is open-loop: request i is due at start + i/rate whatever the
answers of earlier ones, over a pool of keep-alive HTTP/1.1 connections, and every latency is
measured from the due time, so a server that falls behind is not hidden by a waiting client
(coordinated omission). Printed per rate and system: accepted/s, answer and end-to-end (due time
→ arrival at the sink) p50/p99/max, lost (answered 2xx, never at the sink within the grace
period), duplicates (at the sink more than once), CPU ms per report (utime+stime of the server
process, from the first request to the last arrival) and memory (VmHWM), and the generator's own
lateness and CPU.

history: Beredskab alone with the demo rules and contacts (Rules/, Contacts/), its test clock
fixed at one moment and every report's occurred_at within the 60 h before it, so all incidents
stay inside the rules' lookback. Between measuring points it fills as fast as the server takes
reports (closed loop, several connections); at each point (0, step, 2×step … incidents) it
offers a steady --rate reports/s open-loop for --measure-seconds and prints the answer
p50/p99/max and the server's RSS, and at the end VmHWM and p99(last)/p99(first). No transport is
configured, so the demo's messages go to the server's file transport (outbox.jsonl in the data
folder) instead of failing against unreachable addresses.

Stdlib only. The generator, the sink and the server share the machine's cores.
"""
import argparse, asyncio, datetime, http.client, json, os, platform, random, re, resource, shutil, signal, socket
import subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")
MARK = re.compile(rb"benchid:([A-Za-z0-9:._-]+)")
PROCESSES = []


def log(text=""):
    print(text, flush=True)


def note(text):
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The webhook sink: a small asyncio HTTP/1.1 server recording, per POST, the ids it carries
# (`benchid:ID`, each counted once per POST) and the arrival time (CLOCK_MONOTONIC, shared by
# every process on the machine). GET /arrivals hands over what arrived since the last call.

def sink_main(port):
    arrivals = []

    async def handle(reader, writer):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                lower = head.lower()
                length = header_int(lower, b"content-length")
                if b"\r\nexpect: 100-continue" in lower:
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                body = await reader.readexactly(length) if length else b""
                arrived = time.monotonic()
                if head.startswith(b"GET /arrivals"):
                    out = json.dumps(arrivals).encode()
                    arrivals.clear()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                                 % len(out) + out)
                else:
                    for found in set(MARK.findall(body)):
                        arrivals.append((found.decode(), arrived))
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        print("READY", server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


def header_int(lower_head, name):
    i = lower_head.find(b"\r\n" + name + b":")
    if i < 0:
        return 0
    j = lower_head.find(b"\r\n", i + 2)
    return int(lower_head[i + len(name) + 3:j].strip())


class Sink:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "sink"], stdout=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        PROCESSES.append(self.proc)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit("the webhook sink did not start")
        self.port = int(line.split()[1])

    def take(self):
        """What arrived since the last call: [(id, monotonic time)]."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", "/arrivals")
        data = json.loads(connection.getresponse().read())
        connection.close()
        return data


# ---------------------------------------------------------------------------------------------
# The HTTP/1.1 client: keep-alive connections on raw asyncio streams, requests prepared as bytes.

async def exchange(connection, data):
    """Sends one prepared request; returns (status, body, whether the server closes)."""
    reader, writer = connection
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    if b"\r\ncontent-length:" in lower:
        length = header_int(lower, b"content-length")
        body = await reader.readexactly(length) if length else b""
    elif b"\r\ntransfer-encoding: chunked" in lower:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(p[:-2] for p in parts)
    else:
        body = b""
    return status, body, b"\r\nconnection: close" in lower


# LOADGEN_NO_STALE_CHECK=1 sends on idle connections without looking, to show what a client that
# does so loses (requests answered by a closed connection: IncompleteReadError, "new, idle 11 s").
CHECK_STALE = os.environ.get("LOADGEN_NO_STALE_CHECK") != "1"
STALE = [0]  # idle connections found closed by the server and replaced, over all pools


class Pool:
    """At most `size` keep-alive connections to one address; a request waits for an idle one.

    Like urllib3 and Go's net/http, it never sends on an idle connection the server has already
    closed: a server closes a connection that sat unused past its timeout (Beredskab's header
    timeout, 10 s, for one that never carried a request; nginx's is 60 s), and writing a request
    into it would lose the request. Such connections are counted in `stale` and replaced."""

    def __init__(self, host, port, size):
        self.host, self.port, self.size = host, port, size
        self.idle, self.opened, self.waiters = [], 0, []
        self.stale = 0
        self.uses = {}  # id(writer) -> (requests sent on it, when it was last put back or opened)

    async def get(self):
        while self.idle:
            connection = self.idle.pop()
            if CHECK_STALE and (connection[0].at_eof() or connection[1].is_closing()):
                self.stale += 1
                STALE[0] += 1
                self.uses.pop(id(connection[1]), None)
                connection[1].close()
                self.opened -= 1
                continue
            return connection
        if self.opened >= self.size:
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            connection = await waiter
            if connection is not None:
                return connection
        else:
            self.opened += 1
        try:
            connection = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        except OSError:
            self.opened -= 1
            raise
        self.uses[id(connection[1])] = (0, time.monotonic())
        return connection

    def describe(self, connection):
        """How the connection had been used: `new` or `reused`, and how long it had sat idle."""
        uses, since = self.uses.get(id(connection[1]), (0, time.monotonic()))
        return f"{'reused' if uses else 'new'}, idle {time.monotonic() - since:.0f} s"

    def put(self, connection, used=True):
        uses, _ = self.uses.get(id(connection[1]), (0, 0))
        self.uses[id(connection[1])] = (uses + used, time.monotonic())
        while self.waiters:
            waiter = self.waiters.pop(0)
            if not waiter.done():
                waiter.set_result(connection)
                return
        self.idle.append(connection)

    def discard(self, connection):
        self.uses.pop(id(connection[1]), None)
        connection[1].close()
        while self.waiters:
            waiter = self.waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)  # the waiter opens a new one in this one's place
                return
        self.opened -= 1

    def close(self):
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def warm(pool, count):
    connections = [await pool.get() for _ in range(min(count, pool.size))]
    for c in connections:
        pool.put(c, used=False)


class Run:
    """The times of an open-loop run, per request: due, begun (the generator's own lateness), sent
    (a connection was free), answered; the status and body."""

    def __init__(self, n):
        self.due, self.begun, self.sent, self.answered = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
        self.status, self.body = [None] * n, [None] * n


ERRORS = {}  # what went wrong with requests that got no HTTP answer, by exception, printed at the end


async def open_loop(pool, payloads, rate, keep_bodies=False, grace=30.0):
    """Sends payload i at start + i/rate (monotonic) whatever the answers; waits up to `grace`
    seconds after the last is due for the answers. `pool` may be a list of pools (one per
    instance): payload i goes to pool i mod their number, as a round-robin load balancer would."""
    pools = pool if isinstance(pool, list) else [pool]
    n = len(payloads)
    run = Run(n)
    loop = asyncio.get_running_loop()
    start = time.monotonic() + 0.05
    pending = set()

    async def one(i):
        pool = pools[i % len(pools)]
        run.begun[i] = time.monotonic()
        try:
            connection = await pool.get()
        except OSError:
            run.status[i] = -1
            run.answered[i] = time.monotonic()
            return
        run.sent[i] = time.monotonic()
        try:
            status, body, close = await exchange(connection, payloads[i])
        except (OSError, asyncio.IncompleteReadError, ValueError, asyncio.LimitOverrunError) as error:
            run.status[i] = -1
            run.answered[i] = time.monotonic()
            what = f"{type(error).__name__} ({pool.describe(connection)})"
            ERRORS[what] = ERRORS.get(what, 0) + 1
            pool.discard(connection)
            return
        run.answered[i] = time.monotonic()
        run.status[i] = status
        if keep_bodies:
            run.body[i] = body
        if close:
            pool.discard(connection)
        else:
            pool.put(connection)

    i = 0
    while i < n:
        now = time.monotonic()
        due = start + i / rate
        if due > now:
            await asyncio.sleep(due - now)
            continue
        while i < n and start + i / rate <= now:
            run.due[i] = start + i / rate
            task = loop.create_task(one(i))
            pending.add(task)
            task.add_done_callback(pending.discard)
            i += 1
    if pending:
        await asyncio.wait(set(pending), timeout=grace)
    for task in list(pending):
        task.cancel()
    return run


async def closed_loop(pool, make, count, clients, on_answer, deadline=float("inf")):
    """`clients` workers each send make() and wait for its answer, until `count` were accepted;
    a 429 waits a moment and is sent again (another token comes with the next make())."""
    accepted = 0
    refused = {}

    async def worker():
        nonlocal accepted
        while accepted < count and time.monotonic() < deadline:
            payload = make()
            connection = await pool.get()
            try:
                status, body, close = await exchange(connection, payload)
            except (OSError, asyncio.IncompleteReadError):
                pool.discard(connection)
                continue
            (pool.discard if close else pool.put)(connection)
            if 200 <= status < 300:
                accepted += 1
                on_answer(body)
            else:
                refused[status] = refused.get(status, 0) + 1
                if status == 429:
                    await asyncio.sleep(0.05)
    await asyncio.gather(*(worker() for _ in range(clients)))
    return refused


# ---------------------------------------------------------------------------------------------
# Processes: CPU and memory from /proc.

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def io_counters(pid):
    """The process's I/O so far (/proc/PID/io): rchar/wchar (bytes through read and write calls, the
    page cache included), syscr/syscw (calls), write_bytes (bytes sent towards the disk)."""
    try:
        with open(f"/proc/{pid}/io") as f:
            return {k: int(v) for k, v in (line.split(": ") for line in f)}
    except OSError:
        return {}


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def steal_seconds():
    """CPU time the hypervisor gave other machines while this one wanted it (/proc/stat "steal",
    all cores): on a shared host, a run with steal measured the neighbours too."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[8]) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def self_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def settle(pid, limit):
    """Waits (at most `limit` seconds) until the process uses under 20 % of a core, so that work left
    over from filling (the dispatcher's backlog) does not fall into a measurement; returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.1:
            break
    return time.monotonic() - started


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()


POSTGRES = {}  # the throwaway server of this run: its folder and URL


def postgres_database(args, name):
    """A new database `name` on the PostgreSQL server of --store, or on a throwaway one started
    with scripts/postgres (stopped at the end); returns its URL."""
    if "url" not in POSTGRES:
        if args.store:
            POSTGRES["url"] = args.store
        else:
            folder = tempfile.mkdtemp(prefix="beredskab-bench-pg-")
            POSTGRES["folder"] = folder
            POSTGRES["url"] = subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "start", folder],
                                             check=True, capture_output=True, text=True).stdout.strip()
    url = POSTGRES["url"]
    subprocess.run(["psql", url, "-qAtX", "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c",
                    f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + name


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(value):
    if value is None:
        return "-"
    value *= 1000
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def triple(values):
    return "/".join(ms(percentile(values, p)) for p in (50, 99, 100))


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at the end {load} (1/5/15 min; other work on the "
            "machine shows here)")


def git_version():
    try:
        return subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def request_bytes(path, body, headers):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---------------------------------------------------------------------------------------------
# Beredskab.

class Beredskab:
    """`beredskab serve` on 127.0.0.1, with a fresh data folder; tokens made through the admin API."""

    def __init__(self, binary, folder, rules, admin_org, env=None, config=None, clock=None):
        self.binary, self.folder, self.rules = binary, folder, rules
        self.data = os.path.join(folder, "data")
        os.makedirs(self.data, exist_ok=True)
        self.rule_args = [a for path in rules for a in ("--rules", path)]
        self.admin = subprocess.run(
            [binary, "token", "create", "--org", admin_org, "--role", "admin", "--data", self.data] + self.rule_args,
            check=True, capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout.strip()
        command = [binary, "serve", "--port", "0", "--data", self.data] + self.rule_args
        if config:
            command += ["--config", config]
        if clock:
            command += ["--test-clock", clock]
        self.log = open(os.path.join(folder, "server.log"), "a")
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL,
                                     text=True, env={**os.environ, **(env or {})})
        PROCESSES.append(self.proc)
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("listening on "):
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                self.port = int(line.split()[2].rsplit(":", 1)[1])
                return
            if not line and self.proc.poll() is not None:
                break
        raise SystemExit("beredskab serve did not start; see " + self.log.name)

    def tokens(self, organisation, count):
        out = []
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while len(out) < count:
            connection.request("POST", "/api/v1/admin/tokens",
                               body=json.dumps({"organisation": organisation, "role": "reporter",
                                                "label": "bench"}),
                               headers={"Authorization": "Bearer " + self.admin, "Content-Type": "application/json"})
            response = connection.getresponse()
            text = response.read()
            if response.status == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            if response.status != 201:
                raise SystemExit(f"token request: {response.status} {text[:200]!r}")
            out.append(json.loads(text)["token"])
        connection.close()
        return out


COMPARE_RULES = """\
area by "Byen" { }
role vagt "Vagt" { duty "Modtager alarmer" authority only }
organisation kommune "Kommunen" { kind authority }
person v0 "Vagt 0" { organisation kommune webhook "http://127.0.0.1/v0" roles vagt }
guideline alarm "Alarm" { when always notify vagt message da "{description}" }
"""

AM_CONFIG = """\
route:
  receiver: sink
  group_by: ['...']
  group_wait: 0s
  group_interval: {interval}
  repeat_interval: 24h
receivers:
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:{port}/am
        send_resolved: false
"""


class Alertmanager:
    def __init__(self, binary, folder, sink_port, interval):
        os.makedirs(os.path.join(folder, "storage"), exist_ok=True)
        config = os.path.join(folder, "alertmanager.yml")
        with open(config, "w") as f:
            f.write(AM_CONFIG.replace("{port}", str(sink_port)).replace("{interval}", interval))
        self.port = free_port()
        self.log = open(os.path.join(folder, "alertmanager.log"), "a")
        self.proc = subprocess.Popen(
            [binary, "--config.file", config, "--storage.path", os.path.join(folder, "storage"),
             "--web.listen-address", f"127.0.0.1:{self.port}", "--cluster.listen-address", "", "--log.level", "warn"],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        PROCESSES.append(self.proc)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/-/ready")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("alertmanager did not start; see " + self.log.name)


def am_version(binary):
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True)
    except OSError:
        return "?"
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0] if lines else "?"


def measure(system, rate, seconds, sink, args, folder):
    """One system at one rate; returns a dict of figures."""
    n = int(rate * seconds)
    tag = f"{system[0]}{rate}"
    servers = []
    if system == "alertmanager":
        server = Alertmanager(args.alertmanager, folder, sink.port, args.am_group_interval)
        servers = [server]
        payloads = []
        for i in range(n):
            body = json.dumps([{"labels": {"alertname": "bench", "id": f"benchid:{tag}-{i}"},
                                "annotations": {"summary": "bench"}}]).encode()
            payloads.append(request_bytes("/api/v2/alerts", body, {}))
        ids = [f"{tag}-{i}" for i in range(n)]
    else:
        instances = int(system[len("postgres"):]) if system.startswith("postgres") else 1
        env = {"BEREDSKAB_WEBHOOK_URL": f"http://127.0.0.1:{sink.port}/b", "BEREDSKAB_WEBHOOK_SECRET": "bench"}
        if system.startswith("postgres"):
            env["BEREDSKAB_STORE"] = postgres_database(args, f"bench_{tag}_{instances}")
        config = os.path.join(folder, "config.json")
        with open(config, "w") as f:
            json.dump({"http": {"max_connections_per_client": args.connections * 2}}, f)
        rules = os.path.join(folder, "rules")
        os.makedirs(rules, exist_ok=True)
        with open(os.path.join(rules, "bench.rules"), "w") as f:
            f.write(COMPARE_RULES)
        servers = [Beredskab(args.binary, os.path.join(folder, f"instance{k}"), [rules], "kommune", config=config,
                             env=env) for k in range(instances)]
        server = servers[0]
        # The per-token limit (a burst of 200, then 10/s) is meant for one real client: spread the
        # reports over enough tokens that none is refused for it.
        tokens = server.tokens("kommune", max(1, -(-n // int(180 + 9 * seconds))))
        occurred = rfc3339(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1))
        payloads = []
        for i in range(n):
            report_id = f"kommune:{tag}-{i}"
            body = json.dumps({"id": report_id, "reporter": {"organisation": "kommune"}, "occurred_at": occurred,
                               "category": "other", "severity": "moderate", "location": {"area": "by"},
                               "description": f"benchid:{report_id}"}).encode()
            payloads.append(request_bytes("/api/v1/incidents", body,
                                          {"Authorization": "Bearer " + tokens[i % len(tokens)]}))
        ids = [f"kommune:{tag}-{i}" for i in range(n)]
    sink.take()
    pools = [Pool("127.0.0.1", s.port, max(1, args.connections // len(servers))) for s in servers]

    def server_cpu():
        return sum(cpu_seconds(s.proc.pid) for s in servers)

    async def go():
        for pool in pools:
            await warm(pool, 16)
        before = (server_cpu(), cpu_seconds(sink.proc.pid), self_cpu(), steal_seconds(), time.monotonic())
        run = await open_loop(pools, payloads, rate, grace=args.grace)
        for pool in pools:
            pool.close()
        return before, run

    before, run = asyncio.run(go())
    # Wait for the webhooks of everything accepted, at most `grace` seconds after the last answer.
    accepted = {ids[i]: i for i in range(n) if run.status[i] is not None and 200 <= run.status[i] < 300}
    arrivals = {}
    duplicates = 0
    deadline = time.monotonic() + args.grace
    while True:
        for key, at in sink.take():
            if key in arrivals:
                duplicates += 1
            else:
                arrivals[key] = at
        if all(k in arrivals for k in accepted) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    for key, at in sink.take():  # late duplicates
        duplicates += key in arrivals
        arrivals.setdefault(key, at)
    after = (server_cpu(), cpu_seconds(sink.proc.pid), self_cpu(), steal_seconds(), time.monotonic())
    hwm = max(status_kib(s.proc.pid, "VmHWM") for s in servers)
    for s in servers:
        stop(s.proc)
    index = {k: i for i, k in enumerate(ids)}
    end_to_end = [at - run.due[index[k]] for k, at in arrivals.items() if k in accepted]
    duration = max(run.answered) - run.due[0] if n else 0
    statuses = {}
    for s in run.status:
        if s is None or not 200 <= s < 300:
            statuses[s] = statuses.get(s, 0) + 1
    return {
        "system": system, "rate": rate, "n": n, "accepted": len(accepted),
        "accepted_per_s": len(accepted) / max(duration, seconds),
        "answer": [run.answered[i] - run.due[i] for i in accepted.values()],
        "e2e": end_to_end, "lost": sum(1 for k in accepted if k not in arrivals), "duplicates": duplicates,
        "unanswered_delivered": sum(1 for k in arrivals if k not in accepted),
        # Over what the server processed: requests given up on (no answer within the grace) may
        # still have been stored and sent.
        "refused": statuses, "cpu_ms": (after[0] - before[0]) * 1000 / max(1, len(accepted) + sum(
            1 for k in arrivals if k not in accepted)),
        "hwm_mib": hwm / 1024, "late": [run.begun[i] - run.due[i] for i in range(n)],
        "waited": [run.sent[i] - run.begun[i] for i in range(n) if run.sent[i]],
        "gen_cpu": after[2] - before[2], "sink_cpu": after[1] - before[1],
        "connections": sum(pool.opened for pool in pools),
        "steal": (after[3] - before[3]) * 100 / max(1e-9, (after[4] - before[4]) * os.cpu_count()),
    }


def compare(args):
    rates = [int(r) for r in args.rates.split(",")]
    systems = [s for s in args.systems.split(",")]
    if "alertmanager" in systems and not os.path.exists(args.alertmanager):
        raise SystemExit(f"{args.alertmanager} is missing (apt-get install prometheus-alertmanager)")
    top = tempfile.mkdtemp(prefix="beredskab-compare-")
    sink = Sink()
    results = []
    try:
        for rate in rates:
            for system in systems:
                folder = os.path.join(top, f"{system}-{rate}")
                os.makedirs(folder)
                note(f"{system} at {rate}/s for {args.seconds} s …")
                r = measure(system, rate, args.seconds, sink, args, folder)
                note(f"  accepted {r['accepted']}/{r['n']}, lost {r['lost']}, e2e p99 {ms(percentile(r['e2e'], 99))} ms")
                results.append(r)
    finally:
        stop(sink.proc)
    log(f"Machine: {machine()}")
    log(f"Versions: Beredskab {git_version()} ({args.binary}; SQLite synchronous=FULL, every report committed "
        "before the answer)" + (f"; {am_version(args.alertmanager)} (alerts in memory)" if "alertmanager" in systems
                                else ""))
    if any(s.startswith("postgres") for s in systems):
        log("postgresN: N instances of Beredskab sharing one PostgreSQL "
            f"{subprocess.run(['psql', '--version'], capture_output=True, text=True).stdout.split()[2]} "
            "server on the same machine (fsync and synchronous_commit on), requests round-robin over them")
    log(f"Load: open-loop, {args.seconds} s per rate, one report or alert per POST, one webhook each, "
        f"up to {args.connections} keep-alive connections; latencies in ms from each request's due time; "
        f"grace {args.grace:.0f} s.")
    log()
    log("| offered/s | system | accepted/s | refused | answer p50/p99/max ms | end-to-end p50/p99/max ms "
        "| lost | dup | CPU ms/report | VmHWM MiB |")
    log("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        refused = sum(r["refused"].values())
        detail = ", ".join(f"{'no answer' if k is None else 'error' if k == -1 else k}: {v}"
                           for k, v in sorted(r["refused"].items(), key=lambda kv: str(kv[0])))
        log(f"| {r['rate']:,} | {r['system']} | {r['accepted_per_s']:,.0f} | {refused}{f' ({detail})' if refused else ''} "
            f"| {triple(r['answer'])} | {triple(r['e2e'])} | {r['lost']} | {r['duplicates']} "
            f"| {r['cpu_ms']:.2f} | {r['hwm_mib']:.0f} |")
    log()
    log("| offered/s | system | generator late p50/p99/max ms | waited for a connection p99/max ms "
        "| connections | generator CPU s (ms/request) | sink CPU s | steal % |")
    log("|---|---|---|---|---|---|---|---|")
    for r in results:
        waited = "/".join(ms(percentile(r["waited"], p)) for p in (99, 100))
        log(f"| {r['rate']:,} | {r['system']} | {triple(r['late'])} | {waited} | {r['connections']} "
            f"| {r['gen_cpu']:.1f} ({r['gen_cpu'] * 1000 / max(1, r['n']):.2f}) | {r['sink_cpu']:.1f} "
            f"| {r['steal']:.1f} |")
    if any(r["unanswered_delivered"] for r in results):
        log()
        log("Delivered without a 2xx answer: " + ", ".join(
            f"{r['system']} {r['rate']}/s: {r['unanswered_delivered']}" for r in results if r["unanswered_delivered"]))
    if not args.keep:
        shutil.rmtree(top, ignore_errors=True)
    else:
        log(f"\nKept {top}")


# ---------------------------------------------------------------------------------------------
# history

ORGANISATIONS = ["politi", "akb", "lejerbo", "helhedsplan-prater", "natteravnene", "friskolen-ved-soerne",
                 "beredskabet", "ssp"]
AREAS = ["indre-norrebro", "blaagaarden", "prater", "aagaarden", "ydre-norrebro", "haraldsgadekvarteret",
         "mjolnerparken", "valby", "akacieparken", "sjaelor-boulevard", "folehaven", "bronshoj-husum", "tingbjerg",
         "kobenhavn"]
STREETS = ["Nørrebrogade", "Jagtvej", "Ågade", "Blågårdsgade", "Rantzausgade", "Wesselsgade", "Heimdalsgade",
           "Stengade", "Korsgade", "Baggesensgade", "Ukendtvej", "Tagensvej"]
# Mostly categories whose guidelines do not merge (or only under flags), so most reports become
# incidents of their own; some of every kind the demo rules count or merge.
CATEGORIES = (["theft"] * 14 + ["burglary"] * 14 + ["harassment"] * 10 + ["discrimination"] * 6 + ["other"] * 10
              + ["gang"] * 8 + ["release"] * 4 + ["violence"] * 8 + ["threat"] * 6 + ["unrest"] * 6
              + ["shooting"] * 2 + ["weapons"] * 2 + ["fire"] * 4 + ["vandalism"] * 2 + ["insecurity"] * 2
              + ["drugs"] * 2)
SEVERITIES = ["minor", "moderate", "moderate", "severe", "extreme"]
HISTORY_CLOCK = datetime.datetime(2026, 3, 14, 20, 48, tzinfo=datetime.timezone.utc)  # Saturday 21:48 local
SPREAD_HOURS = 60


class Reports:
    """Deterministic varied reports; report k of `total` occurred k/total of the way through the
    60 h before the clock."""

    def __init__(self, tokens, total, seed=16):
        self.tokens, self.total, self.k = tokens, total, 0
        self.random = random.Random(seed)
        self.orgs = list(tokens)

    def next(self):
        k, rnd = self.k, self.random
        self.k += 1
        org = self.orgs[k % len(self.orgs)]
        token = self.tokens[org][(k // len(self.orgs)) % len(self.tokens[org])]
        occurred = HISTORY_CLOCK - datetime.timedelta(hours=SPREAD_HOURS) * (1 - min(k, self.total) / self.total)
        location = ({"area": rnd.choice(AREAS)} if rnd.random() < 0.8 else
                    {"address": f"{rnd.choice(STREETS)} {rnd.randint(1, 260)}, 2200 København N"})
        flags = {}
        if rnd.random() < 0.1:
            flags["minors"] = True
        if rnd.random() < 0.1:
            flags["injured"] = True
        report = {"id": f"{org}:h-{k}", "reporter": {"organisation": org}, "occurred_at": rfc3339(occurred),
                  "category": rnd.choice(CATEGORIES), "severity": rnd.choice(SEVERITIES), "location": location,
                  "description": f"Belastningsprøve {k}."}
        if flags:
            report["flags"] = flags
        return request_bytes("/api/v1/incidents", json.dumps(report).encode(), {"Authorization": "Bearer " + token})


def history(args):
    top = tempfile.mkdtemp(prefix="beredskab-history-")
    clock = os.path.join(top, "clock")
    with open(clock, "w") as f:
        f.write(rfc3339(HISTORY_CLOCK))
    server = Beredskab(args.binary, top, [os.path.join(ROOT, "Rules"), os.path.join(ROOT, "Contacts")],
                       "politi", clock=clock)
    per_step = int(args.rate * args.measure_seconds)
    steps = list(range(0, args.incidents + 1, args.step))
    # Reports spread over the 60 h in the order sent. About a quarter merge into an incident
    # (39,802 of 151,233 in one run), so filling to N incidents takes about 1.35 N reports: with
    # no room for them, every report past `total` occurred at the clock itself, and the last
    # points measured thousands of reports at one instant instead of a growing history.
    total = int((args.incidents + per_step * len(steps)) * 1.5) + 1
    tokens = {org: server.tokens(org, args.tokens_per_org) for org in ORGANISATIONS}
    reports = Reports(tokens, total)
    incidents, accepted = [0], [0]
    rows = []

    def answered(body):
        # An accepted report is an incident of its own unless the answer names one it merged into.
        accepted[0] += 1
        try:
            merged = json.loads(body).get("merged_into")
        except (ValueError, AttributeError):
            merged = None
        if not merged:
            incidents[0] += 1

    stopped = []

    async def go():
        begun = time.monotonic()
        pool = Pool("127.0.0.1", server.port, max(args.clients, 32))
        await warm(pool, 8)
        for target in steps:
            if incidents[0] < target:
                started, cpu0 = time.monotonic(), cpu_seconds(server.proc.pid)
                deadline = begun + args.budget * 60
                refused = await closed_loop(pool, reports.next, target - incidents[0], args.clients, answered,
                                            deadline)
                # closed_loop counts accepted reports; merged ones add no incident, so top up.
                while incidents[0] < target and time.monotonic() < deadline:
                    refused = await closed_loop(pool, reports.next, target - incidents[0], args.clients, answered,
                                                deadline)
                took = time.monotonic() - started
                # Reports are counted from the start (the measured phases add some too); the server's
                # CPU is per second of filling, in ms of CPU time.
                note(f"filled to {incidents[0]:,} incidents ({accepted[0]:,} reports so far) in {took:.1f} s, "
                     f"{(cpu_seconds(server.proc.pid) - cpu0) * 1000 / max(0.001, took):.0f} ms CPU per second"
                     + (f", refused {refused}" if refused else ""))
            waited = settle(server.proc.pid, args.settle_seconds)
            at = incidents[0]
            payloads = [reports.next() for _ in range(per_step)]
            cpu0, self0, io0 = cpu_seconds(server.proc.pid), self_cpu(), io_counters(server.proc.pid)
            steal0, wall0 = steal_seconds(), time.monotonic()
            run = await open_loop(pool, payloads, args.rate, keep_bodies=True)
            cpu1, self1, io1 = cpu_seconds(server.proc.pid), self_cpu(), io_counters(server.proc.pid)
            steal1, wall1 = steal_seconds(), time.monotonic()
            ok = [i for i in range(per_step) if run.status[i] is not None and 200 <= run.status[i] < 300]
            for i in ok:
                answered(run.body[i])
            latencies = [run.answered[i] - run.due[i] for i in ok]
            rows.append({"incidents": at, "answer": latencies, "ok": len(ok), "n": per_step,
                         "rss": status_kib(server.proc.pid, "VmRSS") / 1024,
                         "cpu_ms": (cpu1 - cpu0) * 1000 / max(1, len(ok)),
                         "late": percentile([run.begun[i] - run.due[i] for i in range(per_step)], 99),
                         "gen_cpu": self1 - self0,
                         "steal": (steal1 - steal0) * 100 / max(1e-9, (wall1 - wall0) * os.cpu_count()),
                         "io": {k: (io1.get(k, 0) - io0.get(k, 0)) / max(1, len(ok)) for k in io1}})
            r = rows[-1]
            r["settled"] = waited
            p99 = percentile(latencies, 99)
            note(f"at {at:,} incidents (settled {waited:.1f} s): p99 {ms(p99)} ms, {r['ok']}/{per_step} accepted")
            if p99 is None or p99 > args.give_up or time.monotonic() - begun > args.budget * 60:
                stopped.append(f"Stopped after the point at {at:,} incidents: "
                               + (f"p99 {ms(p99)} ms is past --give-up {args.give_up:g} s (saturated)"
                                  if p99 is None or p99 > args.give_up else f"the --budget of {args.budget:g} min is spent"))
                break
        pool.close()

    try:
        asyncio.run(go())
        hwm, rss = status_kib(server.proc.pid, "VmHWM") / 1024, status_kib(server.proc.pid, "VmRSS") / 1024
        if reports.k > total:
            stopped.append(f"{reports.k - total:,} reports past the spread occurred at the clock itself")
        outbox = os.path.join(server.data, "outbox.jsonl")
        messages = sum(1 for _ in open(outbox, "rb")) if os.path.exists(outbox) else 0
    finally:
        stop(server.proc)
    size = sum(os.path.getsize(os.path.join(server.data, f)) for f in os.listdir(server.data))
    log(f"Machine: {machine()}")
    log(f"Version: Beredskab {git_version()} ({args.binary}), demo Rules/ and Contacts/, test clock fixed at "
        f"{rfc3339(HISTORY_CLOCK)}, reports occurred within the {SPREAD_HOURS} h before it; no transport "
        f"configured, so messages go to the file transport (outbox.jsonl).")
    log(f"Load: filled closed-loop with {args.clients} connections between points; at each point "
        f"{args.rate}/s open-loop for {args.measure_seconds:g} s; latencies in ms from each request's due time.")
    log()
    log(f"| incidents in window | answer p50/p99/max ms at {args.rate}/s | accepted | CPU ms/report | RSS MiB "
        "| generator late p99 ms | idle after filling s | read KiB/report (calls) | written KiB/report (calls) "
        "| steal % |")
    log("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        io = r["io"]
        log(f"| {r['incidents']:,} | {triple(r['answer'])} | {r['ok']}/{r['n']} | {r['cpu_ms']:.2f} "
            f"| {r['rss']:.0f} | {ms(r['late'])} | {r['settled']:.1f} "
            f"| {io.get('rchar', 0) / 1024:.0f} ({io.get('syscr', 0):.0f}) "
            f"| {io.get('wchar', 0) / 1024:.0f} ({io.get('syscw', 0):.0f}) | {r['steal']:.1f} |")
    log()
    first, last = percentile(rows[0]["answer"], 99), percentile(rows[-1]["answer"], 99)
    ratio = f"{last / first:.1f}" if first and last else "-"
    log(f"Reports accepted: {accepted[0]:,}; incidents: {incidents[0]:,} "
        f"({accepted[0] - incidents[0]:,} merged into another); messages in the outbox file: {messages:,}; "
        f"data folder {size / 2**20:.0f} MiB.")
    log(f"Server memory at the end: RSS {rss:.0f} MiB, VmHWM {hwm:.0f} MiB (goal under 200 MB). "
        f"p99(last)/p99(first) = {ratio} (goal within 2).")
    for line in stopped:
        log(line + ".")
    log(f"Generator CPU during the measured phases: "
        f"{sum(r['gen_cpu'] for r in rows):.1f} s for {sum(r['n'] for r in rows):,} requests.")
    if not args.keep:
        shutil.rmtree(top, ignore_errors=True)
    else:
        log(f"\nKept {top}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("sink")
    c = sub.add_parser("compare")
    c.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "beredskab"))
    c.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    c.add_argument("--rates", default="200,500,1000,2000")
    c.add_argument("--seconds", type=float, default=20)
    c.add_argument("--systems", default="alertmanager,beredskab",
                   help="alertmanager, beredskab (one instance on SQLite) and postgresN (N instances sharing a "
                        "PostgreSQL store, the load spread round-robin over them)")
    c.add_argument("--store", help="the PostgreSQL server for postgresN, as a URL (default: a throwaway one "
                                   "from scripts/postgres); each run gets a new database on it")
    c.add_argument("--connections", type=int, default=256, help="keep-alive connections at most (default 256)")
    c.add_argument("--grace", type=float, default=30, help="seconds to wait for late answers and webhooks")
    c.add_argument("--am-group-interval", default="5m",
                   help="Alertmanager's group_interval (default 5m; the first webhook of a group waits only "
                        "for group_wait, 0s)")
    c.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    h = sub.add_parser("history")
    h.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "beredskab"))
    h.add_argument("--incidents", type=int, default=100_000)
    h.add_argument("--rate", type=float, default=100)
    h.add_argument("--step", type=int, default=10_000)
    h.add_argument("--measure-seconds", type=float, default=20,
                   help="seconds offered at each point (default 20: 2,000 answers at 100/s, as a p99 of 1,000 moved with one stall)")
    h.add_argument("--clients", type=int, default=8, help="connections filling between points (default 8)")
    h.add_argument("--tokens-per-org", type=int, default=20)
    h.add_argument("--settle-seconds", type=float, default=60,
                   help="after filling, wait at most this long for the server to go idle (default 60)")
    h.add_argument("--give-up", type=float, default=5,
                   help="stop when a point's p99 passes this many seconds: saturated (default 5)")
    h.add_argument("--budget", type=float, default=60, help="stop after the point that ends past this many minutes")
    h.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.mode == "sink":
        return sink_main(0)
    try:
        (compare if args.mode == "compare" else history)(args)
        if STALE[0]:
            print(f"Idle connections the server had closed (its header or idle timeout), replaced before sending: "
                  f"{STALE[0]}")
        if ERRORS:
            print("Requests without an HTTP answer, by what went wrong: "
                  + ", ".join(f"{name} ×{count}" for name, count in sorted(ERRORS.items())))
    finally:
        for proc in PROCESSES:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if "folder" in POSTGRES:
            subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "stop", POSTGRES["folder"]],
                           capture_output=True)
            shutil.rmtree(POSTGRES["folder"], ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Cluster test: three instances on one PostgreSQL store, two of them killed, nothing lost.

Starts a throwaway PostgreSQL server (scripts/postgres) unless --store names one (a new database
is made on it either way), and three
`beredskab serve` instances on it, each with its own data folder and outbox file. Then:
  1. posts the same shooting to two instances at the same moment, many times over: each pair
     must make one incident (the other report merged into it, or replayed);
  2. streams reports spread over the instances, kills one with SIGKILL, later another, and keeps
     streaming to whoever is alive (a request that died is sent again to another instance with the
     same id, as a load balancer's client would);
  3. lets the last instance finish (a dead instance's sends are taken over when their lease lapses).
Before that, two instances with their own copies of the rule files check that a reload on one
reaches the other and that one left with other rules answers /readyz with 503.
It prints: reports lost (answered 2xx but not stored: must be 0), notifications due but never
delivered (must be 0), and duplicates in the outboxes, which at-least-once delivery allows only
for the sends the killed instances had in flight.

Usage: scripts/cluster-test.py [--binary PATH] [--store postgres://…] [--seconds N] [--seed N]
"""
import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time
import urllib.request, urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = ["--rules", os.path.join(ROOT, "Rules"), "--rules", os.path.join(ROOT, "Contacts")]


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "beredskab"))
    p.add_argument("--store", help="a PostgreSQL URL (default: a throwaway server from scripts/postgres)")
    p.add_argument("--seconds", type=float, default=12, help="how long reports stream in")
    p.add_argument("--seed", type=int, default=17)
    return p.parse_args()


def psql(url, sql):
    return subprocess.run(["psql", url, "-qAtX", "-c", sql], check=True, capture_output=True, text=True).stdout


class Instance:
    def __init__(self, binary, url, folder, name, rules=RULES):
        self.folder, self.name = folder, name
        os.makedirs(folder, exist_ok=True)
        env = dict(os.environ, BEREDSKAB_STORE=url)
        self.log = os.path.join(folder, "server.log")
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", "--data", folder] + rules, env=env,
                                     stdout=subprocess.PIPE, stderr=open(self.log, "a"), text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if " shared as instance " in line:
                self.instance = line.rsplit(" ", 1)[1].strip()
            if line.startswith("listening on "):
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                self.base = line.split()[2]
                self.alive = True
                return
            if not line and self.proc.poll() is not None:
                break
        raise SystemExit(f"instance {name} did not start")

    def kill(self):
        self.alive = False
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.alive:
            self.alive = False
            self.proc.terminate()
            self.proc.wait()


def post(base, token, report):
    body = json.dumps(report).encode()
    request = urllib.request.Request(base + "/api/v1/incidents", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, None
    except Exception:
        return None, None  # the instance died mid-request


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def reload(base, token):
    request = urllib.request.Request(base + "/api/v1/admin/reload", data=b"", method="POST",
                                     headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def wait_for(check, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def rules_in_step(args, url, work, admin):
    """Two instances with their own copies of the rule files: a reload on one reaches the other
    (NOTIFY), and the one left with other rules says so on /readyz (503, rules differ)."""
    copies = []
    for name in ("a", "b"):
        folder = os.path.join(work, f"rules-{name}")
        shutil.copytree(os.path.join(ROOT, "Rules"), os.path.join(folder, "Rules"))
        shutil.copytree(os.path.join(ROOT, "Contacts"), os.path.join(folder, "Contacts"))
        copies.append(folder)
    pair = [Instance(args.binary, url, os.path.join(work, f"rules-{n}-data"), f"rules-{n}",
                     ["--rules", os.path.join(c, "Rules"), "--rules", os.path.join(c, "Contacts")])
            for n, c in zip("ab", copies)]
    failed = 0
    try:
        def ready(instance):
            return get(instance.base, "/readyz")
        both = wait_for(lambda: all(ready(i)[0] == 200 and ready(i)[1].get("instances", 0) >= 2 for i in pair))
        print(f"rules in step: two instances with the same rules both ready: {'yes' if both else 'NO'}")
        failed += int(not both)
        # New rules in both folders, reloaded on a only: b hears of it and reloads its own files.
        for c in copies:
            with open(os.path.join(c, "Rules", "uro.rules"), "a", encoding="utf-8") as f:
                f.write("\n# changed by the cluster test\n")
        before = ready(pair[1])[1].get("rules")
        reload(pair[0].base, admin)
        followed = wait_for(lambda: ready(pair[1])[1].get("rules") == ready(pair[0])[1].get("rules") != before)
        print(f"  a reload on one reached the other (LISTEN/NOTIFY): {'yes' if followed else 'NO'}")
        failed += int(not followed)
        both = wait_for(lambda: all(ready(i)[0] == 200 for i in pair))
        print(f"  both ready afterwards: {'yes' if both else 'NO'}")
        failed += int(not both)
        # New rules in a's folder only: b reloads, finds its files unchanged and is left behind.
        with open(os.path.join(copies[0], "Rules", "uro.rules"), "a", encoding="utf-8") as f:
            f.write("# changed again, on a only\n")
        reload(pair[0].base, admin)
        def differs():
            status, body = ready(pair[1])
            return status == 503 and "rules differ" in body.get("error", {}).get("message", "")
        behind = wait_for(differs)
        print(f"  the instance left with other rules answers /readyz 503, rules differ: {'yes' if behind else 'NO'}"
              f" ({ready(pair[1])[1].get('error', {}).get('message', '')})")
        failed += int(not behind)
        ahead = ready(pair[0])[0] == 200
        print(f"  the instance with the newest rules stays ready: {'yes' if ahead else 'NO'}")
        failed += int(not ahead)
        # A third instance started with the old files (a restarted machine): it is the one not
        # ready; starting is not a reload, so the others stay as they are.
        late = Instance(args.binary, url, os.path.join(work, "rules-c-data"), "rules-c", RULES)
        pair.append(late)
        stale = wait_for(lambda: ready(late)[0] == 503) and ready(pair[0])[0] == 200
        print(f"  an instance started later with old files is the one not ready, the others unmoved: "
              f"{'yes' if stale else 'NO'}")
        failed += int(not stale)
    finally:
        for i in pair:
            i.stop()
    return failed


def load(name):
    with open(os.path.join(ROOT, "examples", "reports", name), encoding="utf-8") as f:
        return json.load(f)


def main():
    args = parse()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="beredskab-cluster-")
    pg_dir = None
    server = args.store
    if not server:
        pg_dir = os.path.join(work, "postgres")
        server = subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "start", pg_dir], check=True,
                                capture_output=True, text=True).stdout.strip()
    # A database of its own on that server.
    name = f"cluster_{os.getpid()}"
    psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    psql(server, f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    instances = []
    try:
        templates = [load(n) for n in sorted(os.listdir(os.path.join(ROOT, "examples", "reports")))
                     if n.endswith(".json")]
        tokens = {}
        env = dict(os.environ, BEREDSKAB_STORE=url)
        for org in sorted({t["reporter"]["organisation"] for t in templates}):
            tokens[org] = subprocess.run([args.binary, "token", "create", "--org", org] + RULES, env=env,
                                         check=True, capture_output=True, text=True).stdout.strip()
        admin = subprocess.run([args.binary, "token", "create", "--org", "politi", "--role", "admin"] + RULES,
                               env=env, check=True, capture_output=True, text=True).stdout.strip()
        failed = rules_in_step(args, url, work, admin)
        instances = [Instance(args.binary, url, os.path.join(work, f"i{n}"), f"i{n}") for n in range(3)]

        # 1. The same shooting posted to two instances at the same moment.
        shooting, second = load("skud-blaagaarden.json"), load("skud-blaagaarden-akb.json")
        pairs, split = 20, 0
        base_time = time.time() - 3600
        for n in range(pairs):
            a, b = dict(shooting), dict(second)
            a["id"] = f"{a['reporter']['organisation']}:pair-{args.seed}-{n}"
            b["id"] = f"{b['reporter']['organisation']}:pair-{args.seed}-{n}"
            # A day apart from the other pairs (a shooting merges within 15 min), so each pair is its own incident.
            moment = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(base_time - n * 86400))
            a["occurred_at"] = b["occurred_at"] = moment
            results = [None, None]
            def send(i, report, instance):
                results[i] = post(instance.base, tokens[report["reporter"]["organisation"]], report)
            threads = [threading.Thread(target=send, args=(0, a, instances[n % 3])),
                       threading.Thread(target=send, args=(1, b, instances[(n + 1) % 3]))]
            for t in threads: t.start()
            for t in threads: t.join()
            merged = psql(url, f"SELECT count(*) FROM incident WHERE id IN ('{a['id']}', '{b['id']}') "
                               "AND merged_into IS NULL").strip()
            if merged != "1" or any(r[0] not in (200, 201) for r in results):
                split += 1
                print(f"  ! pair {n}: {results[0][0]}/{results[1][0]}, {merged} incidents", file=sys.stderr)
        print(f"same shooting to two instances at once: {pairs} pairs, {pairs - split} made one incident, "
              f"{split} made two")
        failed += int(split > 0)

        # 2. A stream spread over the instances; kill one, then another.
        sent, answered, retried = {}, {}, 0
        stop = threading.Event()
        lock = threading.Lock()
        counter = [0]
        now = time.time()
        def stream(worker):
            nonlocal retried
            while not stop.is_set():
                with lock:
                    counter[0] += 1
                    n = counter[0]
                template = rng.choice(templates)
                report = dict(template)
                report["id"] = f"{report['reporter']['organisation']}:cluster-{args.seed}-{n}"
                report["occurred_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                      time.gmtime(now - rng.randint(0, 30 * 86400)))
                sent[report["id"]] = report
                for attempt in range(6):
                    alive = [i for i in instances if i.alive]
                    if not alive:
                        return
                    target = alive[(n + attempt) % len(alive)]
                    status, _ = post(target.base, tokens[report["reporter"]["organisation"]], report)
                    if status in (200, 201):
                        answered[report["id"]] = status
                        break
                    with lock:
                        retried += 1
                    time.sleep(0.05)
        workers = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
        for w in workers: w.start()
        held = 0
        def kill(instance, after):
            # What it held when it died: the only notifications another instance may send again.
            instance.kill()
            count = int(psql(url, f"SELECT count(*) FROM notification WHERE claimed_by = '{instance.instance}'"))
            print(f"killed {instance.name} with SIGKILL after {after:.0f} s; it held {count} notifications")
            return count
        time.sleep(args.seconds / 3)
        held += kill(instances[0], args.seconds / 3)
        time.sleep(args.seconds / 3)
        held += kill(instances[1], 2 * args.seconds / 3)
        time.sleep(args.seconds / 3)
        stop.set()
        for w in workers: w.join()

        # 3. The survivor takes over what the dead held once their leases lapse (30 s).
        def due_undelivered():
            return int(psql(url, "SELECT count(*) FROM notification n JOIN incident i ON i.id = n.incident_id "
                                 "WHERE n.status = 'pending' AND n.acknowledged_at IS NULL "
                                 f"AND COALESCE(n.next_attempt_at, n.send_at) <= {int(time.time())}").strip())
        deadline = time.time() + 120
        while due_undelivered() and time.time() < deadline:
            time.sleep(1)
        for i in instances: i.stop()

        stored = set(psql(url, "SELECT id FROM incident").split())
        lost = sorted(i for i in answered if i not in stored)
        due = [line.split("|") for line in psql(
            url, f"SELECT idempotency_key, status FROM notification WHERE send_at <= {int(time.time())}").split("\n")
            if line]
        keys = {}
        for i in instances:
            path = os.path.join(i.folder, "outbox.jsonl")
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    try:
                        key = json.loads(line)["idempotency_key"]
                    except ValueError:
                        continue  # a line cut by SIGKILL
                    keys[key] = keys.get(key, 0) + 1
        undelivered = [k for k, status in due if status != "cancelled" and keys.get(k, 0) == 0]
        duplicates = sum(n - 1 for n in keys.values() if n > 1)
        print(f"stream: {len(sent)} reports over 3 instances, {len(answered)} answered 2xx, "
              f"{retried} requests sent again to another instance")
        print(f"  reports lost: {len(lost)}")
        print(f"  notifications due: {len(due)}; never delivered: {len(undelivered)}; "
              f"duplicates: {duplicates} (at most the {held} the killed instances held)")
        for item in lost[:10] + undelivered[:10]:
            print(f"  ! {item}")
        failed += int(bool(lost)) + int(bool(undelivered)) + int(len(answered) < len(sent)) + int(duplicates > held)
        print(f"{11 - failed} passed, {failed} failed")
        sys.exit(1 if failed else 0)
    finally:
        for i in instances:
            if i.alive:
                i.stop()
        if pg_dir:
            subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "stop", pg_dir], capture_output=True)
        if os.environ.get("KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()

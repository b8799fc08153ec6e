#!/usr/bin/env python3
"""Hostile clients against a running `beredskab serve`: one client opens thousands of half-sent requests.

Starts the server with a 2 s header timeout and the default per-client limit (64), then from
127.0.0.2 opens --connections connections (--rate a second), each sending half a request's
headers, and keeps them. Meanwhile /healthz is asked from 127.0.0.1 every 20 ms. Prints the /healthz latencies
(median, 99th percentile, worst) and how many of the attacker's connections the server closed;
exits 1 if /healthz ever took 100 ms or more, failed, or a half-sent request was left open.
Timing here is real time on purpose: it measures sockets, not incidents.
"""

import argparse, http.client, json, multiprocessing, os, resource, socket, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connections", type=int, default=20000)
    p.add_argument("--rate", type=int, default=1000, help="connections opened per second")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "beredskab"))
    return p.parse_args()


def start(binary, data):
    config = os.path.join(data, "server.json")
    with open(config, "w") as f:
        json.dump({"http": {"header_timeout_seconds": 2}}, f)
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--data", data, "--config", config,
                             "--rules", os.path.join(ROOT, "Rules"), "--rules", os.path.join(ROOT, "Contacts")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith("listening on "):
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, int(line.split()[2].rsplit(":", 1)[1])
        if not line and proc.poll() is not None:
            break
    raise SystemExit("the server did not start")


def attack(port, count, rate, report):
    """Opens `count` connections from 127.0.0.2, each with half a request, and keeps them; then
    waits past the header timeout and reports how many were opened and how many are still open.
    A process of its own, so that it does not slow the /healthz measurement down."""
    sockets = []
    began = time.monotonic()
    for i in range(count):
        # Paced: a flood of SYNs faster than any server accepts is for the firewall; this is about holding.
        ahead = began + i / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
        s = socket.socket()
        try:
            s.bind(("127.0.0.2", 0))
            s.settimeout(2)
            s.connect(("127.0.0.1", port))
            s.send(b"POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applica")
            s.setblocking(False)
            sockets.append(s)
        except OSError:
            s.close()
    report.send(len(sockets))
    # Every half-sent request is closed: at once beyond the client's share, the rest after the header timeout.
    time.sleep(5)
    report.send(sum(1 for s in sockets if not closed(s)))
    for s in sockets:
        s.close()


def closed(s):
    """Whether the server has closed this connection (EOF or reset)."""
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    args = parse()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = min(args.connections, hard - 200)
    data = tempfile.mkdtemp(prefix="beredskab-hostile-")
    proc, port = start(args.binary, data)
    try:
        ours, theirs = multiprocessing.Pipe()
        attacker = multiprocessing.Process(target=attack, args=(port, count, args.rate, theirs))
        attacker.start()
        latencies, failures, opened = [], 0, None
        started = time.monotonic()
        while opened is None or time.monotonic() - started < 3:
            t = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                ok = connection.getresponse().status == 200
                connection.close()
            except OSError:
                ok = False
            latencies.append((time.monotonic() - t) * 1000)
            failures += 0 if ok else 1
            if opened is None and ours.poll():
                opened = ours.recv()
            time.sleep(0.02)
        open_left = ours.recv()
        attacker.join()
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"attacker connections opened: {opened} of {count}; still open after the header timeout: {open_left}")
        print(f"/healthz meanwhile: {len(latencies)} requests, {failures} failed, "
              f"median {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, worst {latencies[-1]:.1f} ms")
        if failures or latencies[-1] >= 100 or open_left:
            print("FAIL: /healthz must answer within 100 ms and every half-sent request must be closed")
            return 1
        print("ok")
        return 0
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())

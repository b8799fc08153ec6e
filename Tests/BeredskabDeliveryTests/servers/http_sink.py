#!/usr/bin/env python3
"""A real HTTP receiver on 127.0.0.1 for the delivery tests (webhooks and the SMS gateway).

Every request is written to the output folder as N.json: method, path, headers, body (text and
base64) and, with --secret, whether the X-Beredskab-Signature header is the HMAC-SHA256 of the body.
Prints `READY <port>` on stdout when it accepts connections, then nothing more.

    http_sink.py DIR [--behaviour ok|fail-then-ok|bad-request|hang|fail-for|hang-for] [--failures N]
                 [--hang SECONDS] [--for SECONDS] [--port N] [--secret SECRET] [--refuse-longer-than N]
                 [--text-field NAME]

ok: always 200. fail-then-ok: 500 for the first N requests, then 200. bad-request: always 400.
hang: record the request, wait SECONDS without answering, then 200.
fail-for: 500 for --for SECONDS after the start, then 200. hang-for: like hang for requests arriving
in the first --for SECONDS, then 200 at once (a gateway that times out for a while).
--port N listens on that port (to restart a receiver where it was); each record has `received_at`
(seconds since the epoch, when the request arrived).
--refuse-longer-than N: like an SMS gateway with a length limit, answer 400 to a request whose text
(the field --text-field, default `text`, of a JSON object body, a form body or the query) is longer
than N characters (code points).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def text_of(args, path, body):
    """The message text in a request: a JSON object's field, a form field or a query parameter."""
    try:
        value = json.loads(body.decode("utf-8"))
        if isinstance(value, dict) and isinstance(value.get(args.text_field), str):
            return value[args.text_field]
    except ValueError:
        pass
    for source in (body.decode("utf-8", errors="replace"), urlsplit(path).query):
        fields = parse_qs(source, keep_blank_values=True)
        if args.text_field in fields:
            return fields[args.text_field][0]
    return ""


def make_handler(args):
    started = time.time()
    lock = threading.Lock()
    state = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *arguments):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                state["count"] += 1
                number = state["count"]
            arrived = time.time()
            record = {
                "number": number,
                "received_at": arrived,
                "method": self.command,
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", errors="replace"),
                "body_base64": base64.b64encode(body).decode(),
            }
            if args.secret is not None:
                expected = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
                given = self.headers.get("X-Beredskab-Signature", "")
                record["signature_valid"] = hmac.compare_digest(expected, given)
            write_atomically(os.path.join(args.folder, f"{number}.json"), json.dumps(record).encode())

            too_long = args.refuse_longer_than is not None and \
                len(text_of(args, self.path, body)) > args.refuse_longer_than
            if too_long:
                status = 400
            elif args.behaviour == "hang":
                time.sleep(args.hang)
                status = 200
            elif args.behaviour == "hang-for" and arrived - started < args.duration:
                time.sleep(args.hang)
                status = 200
            elif args.behaviour == "fail-for":
                status = 500 if arrived - started < args.duration else 200
            elif args.behaviour == "fail-then-ok":
                status = 500 if number <= args.failures else 200
            elif args.behaviour == "bad-request":
                status = 400
            else:
                status = 200
            reply = json.dumps({"status": status, "request": number}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--behaviour", choices=["ok", "fail-then-ok", "bad-request", "hang", "fail-for", "hang-for"], default="ok")
    parser.add_argument("--failures", type=int, default=1)
    parser.add_argument("--hang", type=float, default=30)
    parser.add_argument("--for", dest="duration", type=float, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret")
    parser.add_argument("--refuse-longer-than", type=int)
    parser.add_argument("--text-field", default="text")
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), make_handler(args))
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()

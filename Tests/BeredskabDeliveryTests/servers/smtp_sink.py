#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the delivery tests.

Every accepted message is written to the output folder as N.eml (the bytes as received, after
dot-unstuffing) and N.json (envelope, and the message as Python's `email` package parses it).
Prints `READY <port>` on stdout when it accepts connections, then nothing more.

Recipients at @reject.invalid get `550 5.1.1`, at @later.invalid `451 4.3.0`.

    smtp_sink.py DIR [--mode plain|starttls|smtps] [--cert FILE --key FILE] [--auth USER:PASSWORD] [--port N]

--port N listens on that port (to restart a server where it was); each record has `received_at`.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@reject.invalid"):
            return "550 5.1.1 no such user here"
        if address.endswith("@later.invalid"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.counter)
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "received_at": time.time(),
            "mail_from": envelope.mail_from,
            # The client's address and port: one per connection, so reused connections show.
            "peer": list(session.peer) if session.peer else None,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
            "authenticated": bool(session.authenticated),
            "login": login.decode() if isinstance(login := getattr(session.auth_data, "login", None), bytes) else None,
            "headers": {name: str(value) for name, value in parsed.items()},
            "raw_headers": [[name, value] for name, value in parsed.raw_items()],
            "subject": str(parsed["subject"]),
            "body": parsed.get_content() if not parsed.is_multipart() else None,
            "defects": [repr(d) for d in parsed.defects]
            + [repr(d) for name in parsed.keys() for d in getattr(parsed[name], "defects", [])],
        }
        write_atomically(os.path.join(self.folder, f"{number}.eml"), raw)
        write_atomically(
            os.path.join(self.folder, f"{number}.json"), json.dumps(record, ensure_ascii=False).encode()
        )
        return f"250 OK queued as {number}"


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


class Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--mode", choices=["plain", "starttls", "smtps"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=Authenticator(user, password), auth_required=True)
        # On SMTPS the connection is TLS from the start; aiosmtpd only knows about STARTTLS.
        options["auth_require_tls"] = args.mode == "starttls"
    if args.mode == "starttls":
        options.update(tls_context=context, require_starttls=True)

    sink = Sink(args.folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", **options),
        host="127.0.0.1",
        port=args.port,
        ssl=context if args.mode == "smtps" else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)

"""The on-call feeds as a calendar program reads them (Python's icalendar), across daylight saving.

Runs the built binary: `beredskab oncall --format ics` for a role and for a person over two weeks
around the switch to summer time (29 March 2026), and checks that every shift starts at the
rota's local handover time on both sides, that the shifts follow each other without holes, and
that they agree with `--format json`.

Then the same feeds over HTTP from `beredskab serve` (its clock set with `--test-clock`), read with
a calendar token made by `beredskab token create --role calendar`: a role feed from late March and
a person feed from late October, each across a daylight-saving change, and 401 once the token is
revoked with `beredskab token revoke`.
"""
import datetime, json, os, shutil, subprocess, sys, tempfile, time, urllib.error, urllib.request, zoneinfo

import icalendar

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("BEREDSKAB_BIN", os.path.join(ROOT, ".build", "debug", "beredskab"))
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def oncall(*arguments):
    done = subprocess.run([BINARY, "oncall", *arguments], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def events(text):
    calendar = icalendar.Calendar.from_ical(text)
    found = []
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and start.utcoffset() == datetime.timedelta(0), start
        found.append((start.astimezone(CPH), end.astimezone(CPH), str(event["SUMMARY"]), str(event["UID"])))
    return found


def test_role_feed_across_spring_switch():
    window = ["--at", "2026-03-23 00:00", "--days", "14"]
    # The police duty officer: a daily handover at 07:00.
    feed = events(oncall("--role", "politi-vagt", "--format", "ics", *window))
    assert len(feed) == 15, feed
    for (start, end, summary, _), following in zip(feed, feed[1:]):
        assert end == following[0], "shifts follow each other"
    # Every shift starts at its handover, the one under way at --at too (whole, so that a feed
    # fetched again has the same events).
    for start, _, summary, _ in feed:
        assert (start.hour, start.minute) == (7, 0), (start, summary)
    assert feed[0][0] == datetime.datetime(2026, 3, 22, 7, 0, tzinfo=CPH), feed[0]
    offsets = {start.utcoffset() for start, *_ in feed}
    assert offsets == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}, offsets
    assert len({uid for *_, uid in feed}) == len(feed), "every event has its own UID"
    # The same shifts as the JSON.
    shifts = json.loads(oncall("--role", "politi-vagt", "--format", "json", *window))["roles"][0]["shifts"]
    # The listing starts at --at; after the first shift, the same shifts.
    assert datetime.datetime.fromisoformat(shifts[0]["start"]) == datetime.datetime(2026, 3, 23, 0, 0, tzinfo=CPH)
    assert [datetime.datetime.fromisoformat(s["start"]) for s in shifts][1:] == [e[0] for e in feed][1:]
    assert [", ".join(p["name"] for p in s["persons"]) for s in shifts] == [e[2].split(": ", 1)[1] for e in feed]


def test_person_feed_marks_overrides():
    # SSP evening duty: Bo's week, covered by Emil over Christmas; the person feed shows it.
    feed = events(oncall("--person", "emil-hansen", "--format", "ics", "--at", "2026-12-21 08:00", "--days", "14"))
    assert feed, "Emil is on call in those weeks"
    assert any("for Bo Lund" in summary for _, _, summary, _ in feed), feed
    # He also holds SSP+ (no rota: on call all the time). His SSP duty is the evening, night, weekend
    # and holiday rota: each shift starts at 17:00, the one from 23 December running through
    # juleaften, the Christmas days and the weekend to Monday 08:00.
    ssp = [(start, end) for start, end, summary, _ in feed if summary.startswith("SSP-vagt")]
    assert len(ssp) >= 5, feed
    assert (datetime.datetime(2026, 12, 23, 17, 0, tzinfo=CPH), datetime.datetime(2026, 12, 28, 8, 0, tzinfo=CPH)) in ssp
    for start, end in ssp:
        assert start < end and (start.hour, start.minute) == (17, 0), start
    # The same feed a minute later has the same events: nothing is cut at the moment of asking.
    again = events(oncall("--person", "emil-hansen", "--format", "ics", "--at", "2026-12-21 08:01", "--days", "14"))
    assert [uid for *_, uid in again] == [uid for *_, uid in feed]
    assert any(summary.startswith("SSP+") for _, _, summary, _ in feed), feed


class Server:
    """`beredskab serve` on a free port with a fixed clock, in a fresh data folder."""

    def __init__(self, now):
        self.work = tempfile.mkdtemp(prefix="beredskab-calendar-")
        self.data = os.path.join(self.work, "data")
        self.clock = os.path.join(self.work, "clock")
        self.set_clock(now)
        self.rules = ["--rules", os.path.join(ROOT, "Rules"), "--rules", os.path.join(ROOT, "Contacts")]
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", "0", "--data", self.data, "--test-clock", self.clock, *self.rules],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.work, "server.log"), "w"), text=True)
        deadline = time.time() + 60
        self.base = None
        while time.time() < deadline and self.base is None:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                raise RuntimeError("the server exited before listening")
            if line.startswith("listening on"):
                self.base = line.split()[2]
        assert self.base, "the server did not say where it listens"

    def set_clock(self, now):
        with open(self.clock + ".new", "w") as file:
            file.write(now)
        os.replace(self.clock + ".new", self.clock)

    def token(self, *arguments):
        """A new token's (id, secret), made on the command line beside the running server."""
        done = subprocess.run([BINARY, "token", "create", "--data", self.data, *arguments, *self.rules],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stderr.split()[1], done.stdout.strip()

    def revoke(self, token_id):
        done = subprocess.run([BINARY, "token", "revoke", token_id, "--data", self.data], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def get(self, path):
        """(status, content type, body) of a GET."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as answer:
                return answer.status, answer.headers["Content-Type"], answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode("utf-8")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)


def daily_handovers_across(feed, first_day, days, hour):
    """The feed's shifts starting on `days` days from `first_day` (Copenhagen dates) all start at
    `hour`:00 local time, follow each other, and span both UTC offsets; the shift over the night of
    the change is 23 or 25 hours long."""
    week = [event for event in feed if first_day <= event[0].date() < first_day + datetime.timedelta(days=days)]
    assert len(week) == days, [(str(e[0]), e[2]) for e in week]
    for start, *_ in week:
        assert (start.hour, start.minute) == (hour, 0), start
    for (_, end, *_), following in zip(week, week[1:]):
        assert end == following[0], "shifts follow each other"
    assert {start.utcoffset() for start, *_ in week} == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}
    # Elapsed time: Python subtracts times of the same zone by their wall clocks, so in UTC.
    utc = datetime.timezone.utc
    lengths = {end.astimezone(utc) - start.astimezone(utc) for start, end, *_ in week}
    return lengths


def test_feeds_over_http_across_both_switches():
    server = Server("2026-03-25T12:00:00+01:00")
    try:
        token_id, secret = server.token("--role", "calendar", "--org", "okf", "--label", "the duty calendar")
        status, content_type, body = server.get("/oncall/politi-vagt.ics?token=" + secret)
        assert status == 200, body
        assert content_type == "text/calendar; charset=utf-8", content_type
        feed = events(body)
        # From now for 60 days: the shift under way, then one a day from 07:00.
        # The shift under way is whole: from its 07:00 handover, not from the server's now.
        assert feed[0][0] == datetime.datetime(2026, 3, 25, 7, 0, tzinfo=CPH), feed[0]
        assert 60 <= len(feed) <= 61, len(feed)
        # The week of the spring switch (Sunday 29 March): 07:00 on both sides; Saturday's shift is 23 h.
        lengths = daily_handovers_across(feed, datetime.date(2026, 3, 26), 7, 7)
        assert datetime.timedelta(hours=23) in lengths, lengths

        # A person's feed, from late October, with a token bound to that person.
        server.set_clock("2026-10-21T12:00:00+02:00")
        person_id, person_secret = server.token("--role", "calendar", "--person", "jens-kragh")
        status, _, body = server.get("/oncall/persons/jens-kragh.ics?token=" + person_secret)
        assert status == 200, body
        mine = events(body)
        assert 14 <= len(mine) <= 16, len(mine)
        for start, end, summary, _ in mine:
            assert (start.hour, start.minute) == (7, 0) and (end.hour, end.minute) == (7, 0), (start, end)
            assert summary.startswith("Vagthavende"), summary
        assert {start.utcoffset() for start, *_ in mine} == {datetime.timedelta(hours=2), datetime.timedelta(hours=1)}
        # The role feed across the autumn switch (Sunday 25 October): Saturday's shift is 25 h.
        status, _, body = server.get("/oncall/politi-vagt.ics?token=" + person_secret)
        assert status == 200, body
        lengths = daily_handovers_across(events(body), datetime.date(2026, 10, 22), 7, 7)
        assert datetime.timedelta(hours=25) in lengths, lengths
        # Not a role he has nothing to do with, nor a colleague's feed.
        assert server.get("/oncall/ssp-vagt.ics?token=" + person_secret)[0] == 403
        assert server.get("/oncall/persons/lone-vestergaard.ics?token=" + person_secret)[0] == 403
        # And nothing but feeds.
        assert server.get("/api/v1/incidents?token=" + person_secret)[0] == 401

        # Revoked on the command line: refused at once, as JSON.
        server.revoke(token_id)
        status, content_type, body = server.get("/oncall/politi-vagt.ics?token=" + secret)
        assert status == 401, (status, body)
        assert content_type.startswith("application/json") and json.loads(body)["error"]["status"] == 401, body
        assert server.get("/oncall/persons/jens-kragh.ics?token=" + person_secret)[0] == 200, "the other still works"
    finally:
        server.close()


if __name__ == "__main__":
    failures = 0
    for name, test in sorted(globals().items()):
        if name.startswith("test_") and callable(test):
            try:
                test()
                print(f"ok   {name}")
            except AssertionError as error:
                failures += 1
                print(f"FAIL {name}: {error}")
    sys.exit(1 if failures else 0)

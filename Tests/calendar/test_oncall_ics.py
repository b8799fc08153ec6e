"""The on-call feeds as a calendar program reads them (Python's icalendar), across daylight saving.

Runs the built binary: `beredskab oncall --format ics` for a role and for a person over two weeks
around the switch to summer time (29 March 2026), and checks that every shift starts at the
rota's local handover time on both sides, that the shifts follow each other without holes, and
that they agree with `--format json`.
"""
import datetime, json, os, subprocess, sys, zoneinfo

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
    for start, _, summary, _ in feed[1:]:
        assert (start.hour, start.minute) == (7, 0), (start, summary)
    offsets = {start.utcoffset() for start, *_ in feed}
    assert offsets == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}, offsets
    assert len({uid for *_, uid in feed}) == len(feed), "every event has its own UID"
    # The same shifts as the JSON.
    shifts = json.loads(oncall("--role", "politi-vagt", "--format", "json", *window))["roles"][0]["shifts"]
    assert [datetime.datetime.fromisoformat(s["start"]) for s in shifts] == [e[0] for e in feed]
    assert [", ".join(p["name"] for p in s["persons"]) for s in shifts] == [e[2].split(": ", 1)[1] for e in feed]


def test_person_feed_marks_overrides():
    # SSP evening duty: Bo's week, covered by Emil over Christmas; the person feed shows it.
    feed = events(oncall("--person", "emil-hansen", "--format", "ics", "--at", "2026-12-21 08:00", "--days", "14"))
    assert feed, "Emil is on call in those weeks"
    assert any("for Bo Lund" in summary for _, _, summary, _ in feed), feed
    # He also holds SSP+ (no rota: on call all the time). His SSP duty is the evening, night and
    # weekend rota: each shift starts at 17:00 on a weekday, or is the weekend's.
    ssp = [(start, end) for start, end, summary, _ in feed if summary.startswith("SSP-vagt")]
    assert len(ssp) >= 8, feed
    for start, end in ssp:
        assert start < end and (start.hour, start.minute) == (17, 0), start
    assert any(summary.startswith("SSP+") for _, _, summary, _ in feed), feed


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

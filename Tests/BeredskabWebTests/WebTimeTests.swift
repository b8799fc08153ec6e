import BeredskabRules
import BeredskabTime
import Testing

@testable import BeredskabWeb

@Suite struct WebTimeTests {
    @Test func dateTimeLocalValuesRoundTrip() {
        let winter = local("2026-11-21 22:30")
        #expect(WebTime.dateTimeLocal(winter) == "2026-11-21T22:30")
        #expect(WebTime.parseDateTimeLocal("2026-11-21T22:30") == winter)
        #expect(WebTime.parseDateTimeLocal("2026-11-21T22:30:00") == winter)
        let summer = local("2026-07-01 08:05")
        #expect(WebTime.dateTimeLocal(summer) == "2026-07-01T08:05")
        #expect(WebTime.parseDateTimeLocal("2026-07-01T08:05") == summer)
        #expect(summer.seconds == Instant(rfc3339: "2026-07-01T06:05:00Z")!.seconds)
    }

    @Test func notADateTime() {
        for text in [
            "", "2026-11-21", "2026-13-01T10:00", "2026-11-21T25:00", "2026-11-21T22:30:xx", "x2026-11-21T22:30",
            "2026-11-21T22:30:00.000", "<script>",
        ] {
            #expect(WebTime.parseDateTimeLocal(text) == nil, "\(text)")
        }
    }

    @Test func timesForPeople() {
        let t = local("2026-11-21 09:05")
        #expect(WebTime.text(t, .da) == "21-11-2026 09:05")
        #expect(WebTime.text(t, .en) == "21 Nov 2026 09:05")
        #expect(WebTime.element(t, .da) == "<time datetime=\"2026-11-21T09:05:00+01:00\">21-11-2026 09:05</time>")
    }
}

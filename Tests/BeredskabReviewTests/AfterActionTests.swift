import BeredskabReview
import BeredskabTime
import Testing

/// The after-action figures of a small scripted incident, worked out by hand (issue 12). The clock
/// is fixed: every time is Copenhagen wall-clock on 18 November 2026 (UTC+1).
@Suite struct AfterActionTests {
    /// `HH:MM` or `HH:MM:SS` on that evening.
    static func at(_ clock: String) -> Instant {
        let minute = Copenhagen.instant(LocalDateTime(parsing: "2026-11-18 \(clock.prefix(5))", requireTime: true)!)
        return Instant(seconds: minute.seconds + (clock.count > 5 ? Int(clock.suffix(2))! : 0))
    }

    /// Received 22:30:00. Anna and Bo (vagt) are alerted at once, Dina (gade, reporter) after a
    /// 10-minute delay, Carl (chef) by the escalation at 22:40; Carl is also asked about the school.
    /// Erik's alert was cancelled (superseded) and counts nowhere but the list of messages.
    static func scripted(exercise: Bool = true) -> AfterActionRecord {
        var r = AfterActionRecord(
            incident: "fsb-2", exercise: exercise, category: "shooting", severity: "severe", area: "blaa",
            occurredAt: at("22:28"), receivedAt: at("22:30"), closedAt: nil)
        typealias N = AfterActionRecord.Notification
        r.notifications = [
            N(
                id: 1, person: "anna", name: "Anna", roles: ["vagt"], kind: "notification", sendAt: at("22:30"),
                status: "delivered", acknowledgedAt: at("22:34"), ackKind: "acknowledged"),
            N(
                id: 2, person: "bo", name: "Bo", roles: ["vagt"], kind: "notification", sendAt: at("22:30"),
                status: "delivered"),
            N(
                id: 3, person: "dina", name: "Dina", roles: ["gade", "reporter"], kind: "notification",
                sendAt: at("22:40"), status: "delivered", acknowledgedAt: at("22:41:30"), ackKind: "acknowledged"),
            N(
                id: 4, person: "carl", name: "Carl", roles: ["chef"], kind: "escalation", sendAt: at("22:40"),
                status: "delivered"),
            N(
                id: 5, person: "carl", name: "Carl", roles: ["leder:skole"], kind: "watch", sendAt: at("22:30"),
                status: "delivered", acknowledgedAt: at("22:45"), ackKind: "seen"),
            N(
                id: 6, person: "erik", name: "Erik", roles: ["reporter"], kind: "notification", sendAt: at("22:30"),
                status: "cancelled"),
        ]
        typealias A = AfterActionRecord.Attempt
        r.attempts = [
            A(notification: 1, at: at("22:30:04"), channel: "email", outcome: "delivered"),
            A(notification: 2, at: at("22:30:10"), channel: "sms", outcome: "retry"),
            A(notification: 2, at: at("22:31:10"), channel: "sms", outcome: "delivered"),
            A(notification: 3, at: at("22:40:02"), channel: "email", outcome: "delivered"),
            A(notification: 4, at: at("22:40:01"), channel: "webhook", outcome: "delivered"),
            A(notification: 5, at: at("22:30:03"), channel: "email", outcome: "delivered"),
        ]
        r.escalations = [
            .init(guideline: "skud", round: 1, roles: ["chef"], dueAt: at("22:50"), status: "cancelled"),
            .init(guideline: "skud", round: 0, roles: ["chef"], dueAt: at("22:40"), status: "fired"),
        ]
        r.tasks = [
            .init(text: "Sikr stedet", role: "vagt", dueAt: at("23:30"), doneAt: at("23:10")),
            .init(text: "Ring til skolen", role: "gade", dueAt: at("22:45"), doneAt: at("22:50")),
            .init(text: "Skriv rapport", role: "vagt", dueAt: at("23:59"), doneAt: nil),
        ]
        r.watches = [
            .init(
                institution: "skole", requestedAt: at("22:30"), confirmBy: at("23:00"), answeredAt: at("22:45"),
                status: "closed"),
            .init(
                institution: "klub", requestedAt: at("22:30"), confirmBy: at("23:00"), answeredAt: nil,
                status: "requested"),
        ]
        r.leftOut = [.init(person: "frida", name: "Frida", roles: ["tmf"])]
        return r
    }

    @Test func theFiguresOfAScriptedIncidentAreThoseWorkedOutByHand() {
        let r = AfterAction.compute(Self.scripted())
        // Send order, ties in stored order: the four at 22:30, then the two at 22:40.
        #expect(r.alerts.map(\.person) == ["anna", "bo", "carl", "erik", "dina", "carl"])
        #expect(r.alerts.map(\.deliverySeconds) == [4, 70, 3, nil, 2, 1])
        #expect(r.alerts.map(\.channel) == ["email", "sms", "email", nil, "email", "webhook"])
        #expect(r.alerts.map(\.acknowledgeSeconds) == [240, nil, 900, nil, 90, nil])
        // Delivered: 1, 2, 3, 4, 70 seconds.
        #expect(r.medianDeliverySeconds == 3 && r.worstDeliverySeconds == 70)
        // Per role, from the role's first alert; the watch request (Carl as leader) and Erik's
        // cancelled alert are not alerts to answer.
        #expect(r.roles.map(\.role) == ["chef", "gade", "reporter", "vagt"])
        #expect(r.roles.map(\.secondsToFirstAcknowledgement) == [nil, 90, 90, 240])
        #expect(r.roles.map(\.firstAcknowledgedBy) == [nil, "Dina", "Dina", "Anna"])
        #expect(r.roles.map(\.alerted) == [1, 1, 1, 2])
        #expect(r.roles.map(\.neverAcknowledged) == [["Carl"], [], [], ["Bo"]])
        #expect(r.neverAcknowledged.map(\.person) == ["bo", "carl"])
        #expect(r.escalationsFired.map(\.round) == [0] && r.escalationsFired.first?.dueAt == Self.at("22:40"))
        #expect(r.tasks.map(\.text) == ["Ring til skolen", "Sikr stedet", "Skriv rapport"])
        #expect(r.tasks.map(\.outcome) == ["late", "on time", "not done"])
        #expect(r.tasks.map(\.secondsLate) == [300, -1200, nil])
        #expect(r.watches.map(\.institution) == ["klub", "skole"])
        #expect(r.watches.map(\.secondsToAnswer) == [nil, 900])
        #expect(r.watches.map(\.onTime) == [false, true])
        #expect(r.watches.map(\.answer) == [nil, "closed"])
        #expect(r.leftOut.map(\.person) == ["frida"])
    }

    @Test func drillStatisticsTakeTheMedianAndWorstPerRoleOverExercisesOnly() {
        let first = AfterAction.compute(Self.scripted())
        var second = Self.scripted()
        second.incident = "fsb-7"
        second.receivedAt = Self.at("10:00")
        // Anna answers after 10 minutes this time; Bo again never.
        second.notifications[0].acknowledgedAt = Self.at("22:40")
        var real = Self.scripted(exercise: false)
        real.notifications[0].acknowledgedAt = Self.at("23:30")
        let statistics = DrillStatistics.compute([first, AfterAction.compute(second), AfterAction.compute(real)])
        #expect(statistics.drills == ["fsb-7", "fsb-2"])
        let vagt = statistics.roles.first { $0.role == "vagt" }
        // 240 s and 600 s: median 420 s, worst 600 s; the real incident's 3600 s is not counted.
        #expect(vagt?.medianSecondsToAcknowledge == 420 && vagt?.worstSecondsToAcknowledge == 600)
        #expect(vagt?.silentPersons == ["Bo": 2] && vagt?.unanswered == 0)
        let chef = statistics.roles.first { $0.role == "chef" }
        #expect(chef?.drills == 2 && chef?.unanswered == 2 && chef?.medianSecondsToAcknowledge == nil)
    }
}

import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime

/// Escalation firing: what the dispatcher puts in the outbox when nobody acknowledged in time, an
/// institution did not answer, a task is overdue, or a person cannot be reached on any channel.
extension Dispatcher {
    /// Fires the escalation timers, unanswered watches and overdue tasks due by `now`; each
    /// recipient gets the text from `messages` in their language.
    func fireTimers(now: Instant) throws {
        let engine = engine
        let messages = messages
        _ = try store.fireDueEscalations(at: now) { escalation in
            let title = engine.rules.guideline(escalation.guideline)?.title ?? escalation.guideline
            return engine.notifications(
                roles: escalation.roles, tier: escalation.tier, at: now, guideline: escalation.guideline,
                message: { messages.text(.escalation, in: $0, ["title": title, "incident": escalation.incident]) }
            ).notifications
        }
        for watch in try store.takeUnansweredWatches(at: now) {
            let name = engine.roster.institutions[watch.institution]?.name ?? watch.institution
            try escalate(
                { messages.text(.watchUnanswered, in: $0, ["institution": name, "incident": watch.incident]) },
                to: watch.escalateTo, guideline: watch.guideline, incident: watch.incident,
                purpose: "watch-unanswered-\(watch.id)", now: now)
        }
        for task in try store.takeOverdueTasks(at: now) {
            let local = LocalTime.local(task.dueAt)
            let role = engine.rules.roles[task.role]?.name ?? task.role
            try escalate(
                { language in
                    // Danish readers write 21-11-2026 22:30; English ones 2026-11-21 22:30.
                    let deadline =
                        language == .da ? local.danishText : "\(local.dateText) \(WeeklyWindow.clock(local.minutes))"
                    return messages.text(
                        .taskOverdue, in: language,
                        ["task": task.text, "role": role, "deadline": deadline, "incident": task.incident])
                },
                to: task.escalateTo, guideline: task.guideline, incident: task.incident,
                purpose: "task-overdue-\(task.id)", now: now)
        }
    }

    /// Puts a situation-tier escalation message for whoever is on duty in `roles` into the outbox, once
    /// per `purpose` (an unanswered watch, an overdue task).
    func escalate(
        _ message: (Language) -> String, to roles: [String], guideline: String, incident: String, purpose: String,
        now: Instant
    ) throws {
        let notifications = engine.notifications(
            roles: roles, tier: .situation, at: now, guideline: guideline, message: message
        ).notifications
        try store.enqueue(notifications, incident: incident, purpose: purpose, kind: "escalation")
    }

    /// Tells the configured duty role, once per notification, that a person could not be reached on
    /// any channel: while Beredskab keeps trying, or (`gaveUp`) when every address refused it.
    func reportFailure(_ notification: StoredNotification, gaveUp: Bool, now: Instant) throws {
        guard let failureRole, notification.kind != "delivery-problem",
            let guideline = notification.guidelines.first
        else { return }
        let who = "\(notification.name) (\(notification.roles.joined(separator: ", ")))"
        let messages = messages
        let notifications = engine.notifications(
            roles: [failureRole], tier: .situation, at: now, guideline: guideline,
            message: {
                messages.text(
                    gaveUp ? .deliveryFailed : .deliveryPending, in: $0,
                    ["person": who, "incident": notification.incident])
            }
        ).notifications
        try store.enqueue(
            notifications, incident: notification.incident, purpose: "failed-\(notification.id)",
            kind: "delivery-problem")
    }
}

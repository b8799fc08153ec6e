import BeredskabEngine
import BeredskabStore
import BeredskabTime

/// Escalation firing: what the dispatcher puts in the outbox when nobody acknowledged in time, an
/// institution did not answer, a task is overdue, or a person cannot be reached on any channel.
extension Dispatcher {
    /// Fires the escalation timers, unanswered watches and overdue tasks due by `now`.
    func fireTimers(now: Instant) throws {
        let engine = engine
        _ = try store.fireDueEscalations(at: now) { escalation in
            let title = engine.rules.guideline(escalation.guideline)?.title ?? escalation.guideline
            let message =
                "ESKALERING: ingen har kvitteret for \"\(title)\" (hændelse \(escalation.incident)). Kvittér her: {link}"
            return engine.notifications(
                roles: escalation.roles, tier: escalation.tier, at: now, guideline: escalation.guideline,
                message: message
            ).notifications
        }
        for watch in try store.takeUnansweredWatches(at: now) {
            let name = engine.roster.institutions[watch.institution]?.name ?? watch.institution
            try escalate(
                "INTET SVAR: \(name) har ikke bekræftet, om den holder åbent (hændelse \(watch.incident)). Kontakt lederen. Kvittér: {link}",
                to: watch.escalateTo, guideline: watch.guideline, incident: watch.incident,
                purpose: "watch-unanswered-\(watch.id)", now: now)
        }
        for task in try store.takeOverdueTasks(at: now) {
            let deadline = Copenhagen.local(task.dueAt).danishText
            let role = engine.rules.roles[task.role]?.name ?? task.role
            try escalate(
                "OPGAVE OVERSKREDET: \"\(task.text)\" (\(role)) skulle være løst \(deadline) (hændelse \(task.incident)). Følg op: {link}",
                to: task.escalateTo, guideline: task.guideline, incident: task.incident,
                purpose: "task-overdue-\(task.id)", now: now)
        }
    }

    /// Puts a situation-tier escalation message for whoever is on duty in `roles` into the outbox, once
    /// per `purpose` (an unanswered watch, an overdue task).
    func escalate(
        _ message: String, to roles: [String], guideline: String, incident: String, purpose: String, now: Instant
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
        let message =
            gaveUp
            ? "LEVERING MISLYKKEDES: \(who) kunne ikke nås om hændelse \(notification.incident): alle adresser afviste beskeden. Ring til personen eller en stedfortræder. Kvittér: {link}"
            : "LEVERING VENTER: \(who) kan ikke nås på nogen kanal om hændelse \(notification.incident). Beredskab bliver ved med at prøve. Ring til personen eller en stedfortræder. Kvittér: {link}"
        let notifications = engine.notifications(
            roles: [failureRole], tier: .situation, at: now, guideline: guideline, message: message
        ).notifications
        try store.enqueue(
            notifications, incident: notification.incident, purpose: "failed-\(notification.id)",
            kind: "delivery-problem")
    }
}

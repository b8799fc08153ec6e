import BeredskabRoster
import BeredskabRules
import BeredskabTime

extension Plan {
    /// The plan as JSON (see docs/plan.md): times in Copenhagen RFC 3339, keys in a fixed order.
    public var json: JSONValue {
        let incident: JSONValue = .object([
            ("id", .string(incidentID)), ("area", area.map(JSONValue.string) ?? .null),
            ("category", .string(category.rawValue)), ("severity", .string(severity.rawValue)),
            ("occurred_at", Self.time(occurredAt)),
        ])
        let suppressedJSON: [JSONValue] = suppressed.map {
            .object([("guideline", .string($0.guideline)), ("by", .string($0.by))])
        }
        let problemsJSON: [JSONValue] = problems.map {
            .object([("kind", .string($0.kind)), ("message", .string($0.message))])
        }
        var pairs: [(String, JSONValue)] = [
            ("incident", incident),
            ("at", Self.time(at)),
            ("merged_into", mergedInto.map(JSONValue.string) ?? .null),
            ("merge", merge?.json ?? .null),
            ("fired", Self.strings(fired)),
            ("already_fired", Self.strings(alreadyFired)),
            ("suppressed", .array(suppressedJSON)),
            ("notifications", .array(notifications.map(\.json))),
            ("tasks", .array(tasks.map(\.json))),
            ("watches", .array(watches.map(\.json))),
            ("escalations", .array(escalations.map(\.json))),
            ("problems", .array(problemsJSON)),
        ]
        // Only a plan with silenced guidelines carries `silenced`, so other plans read as they always have.
        if !silenced.isEmpty {
            let silencedJSON: [JSONValue] = silenced.map {
                .object([
                    ("guideline", .string($0.guideline)), ("silence", .number(Double($0.silence))),
                    ("reason", .string($0.reason)),
                ])
            }
            pairs.insert(("silenced", .array(silencedJSON)), at: 7)
        }
        // Only an exercise carries these, so the plan of a real incident reads as it always has.
        if exercise {
            pairs.insert(("exercise", .bool(true)), at: 1)
            let leftOutJSON: [JSONValue] = leftOut.map {
                .object([
                    ("person", .string($0.person)), ("name", .string($0.name)),
                    ("organisation", .string($0.organisation)), ("roles", Self.strings($0.roles)),
                ])
            }
            pairs.append(("left_out", .array(leftOutJSON)))
        }
        return .object(pairs)
    }

    static func time(_ instant: Instant) -> JSONValue { .string(Copenhagen.format(instant)) }
    static func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }

    /// The plan for a duty officer to read.
    public var text: String {
        func clock(_ instant: Instant) -> String { Copenhagen.local(instant).danishText }
        var out = exercise ? "ØVELSE / EXERCISE – this incident is an exercise; every message says so\n" : ""
        out += "incident \(incidentID): \(category.rawValue), \(severity.rawValue), at \(clock(occurredAt))"
        out += " in \(area ?? "an unknown area")\n"
        if let mergedInto {
            out += "duplicate of incident \(mergedInto): merged into it"
            if let merge {
                if let before = merge.severityBefore, merge.severityAfter > before {
                    out += "; raises its severity from \(before.rawValue) to \(merge.severityAfter.rawValue)"
                }
                if !merge.flagsAdded.isEmpty { out += "; adds \(merge.flagsAdded.joined(separator: ", "))" }
                if merge.personsAdded > 0 { out += "; adds \(merge.personsAdded) person(s) to its personal details" }
            }
            out += "\n"
            if !alreadyFired.isEmpty { out += "already fired for it: \(alreadyFired.joined(separator: ", "))\n" }
            out += "fires now for it: \(fired.isEmpty ? "none (nothing new is sent)" : fired.joined(separator: ", "))\n"
        } else {
            out += "fired: \(fired.isEmpty ? "none" : fired.joined(separator: ", "))\n"
        }
        for s in suppressed { out += "suppressed: \(s.guideline) (by \(s.by))\n" }
        for s in silenced {
            out += "silenced: \(s.guideline) (silence \(s.silence): \(s.reason)); nothing is sent for it\n"
        }
        if !notifications.isEmpty { out += "\nnotify:\n" }
        for n in notifications {
            let channel = n.channels.first.map { "\($0.kind.rawValue) \($0.address)" } ?? "no channel"
            out +=
                "  \(clock(n.sendAt))  \(n.name) (\(n.person), \(n.organisation)) as \(n.roles.joined(separator: ", "))"
            out += " — \(n.tier.rawValue), \(channel)\n"
        }
        if !leftOut.isEmpty { out += "\nleft out of the exercise (only_roles, only_orgs):\n" }
        for p in leftOut {
            out += "  \(p.name) (\(p.person), \(p.organisation)) as \(p.roles.joined(separator: ", "))\n"
        }
        if !tasks.isEmpty { out += "\ntasks:\n" }
        for t in tasks {
            out += "  due \(clock(t.due))  \(t.role): \(t.text)"
            out += t.assignees.isEmpty ? " (nobody on duty)\n" : " → \(t.assignees.joined(separator: ", "))\n"
        }
        if !watches.isEmpty { out += "\nwatches:\n" }
        for w in watches {
            out += "  confirm by \(clock(w.confirmBy)), until \(clock(w.until)): "
            out += (w.institutions.isEmpty ? "no institutions" : w.institutions.joined(separator: ", ")) + "\n"
        }
        if !escalations.isEmpty { out += "\nescalate if unacknowledged:\n" }
        for e in escalations { out += "  at \(clock(e.after)) to \(e.to.joined(separator: ", ")) (\(e.guideline))\n" }
        if !problems.isEmpty { out += "\nproblems:\n" }
        for p in problems { out += "  ! \(p.message)\n" }
        return out
    }
}

extension Plan.Merge {
    var json: JSONValue {
        .object([
            ("severity_before", severityBefore.map { .string($0.rawValue) } ?? .null),
            ("severity_after", .string(severityAfter.rawValue)), ("flags_added", Plan.strings(flagsAdded)),
            ("persons_added", .number(Double(personsAdded))),
        ])
    }
}

extension PlannedNotification {
    var json: JSONValue {
        let channelsJSON: [JSONValue] = channels.map {
            .object([("kind", .string($0.kind.rawValue)), ("address", .string($0.address))])
        }
        return .object([
            ("person", .string(person)), ("name", .string(name)), ("organisation", .string(organisation)),
            ("role", .string(roles[0])), ("roles", Plan.strings(roles)),
            ("channel", channels.first.map { .string($0.kind.rawValue) } ?? .null),
            ("channels", .array(channelsJSON)), ("send_at", Plan.time(sendAt)), ("tier", .string(tier.rawValue)),
            ("language", .string(language.rawValue)), ("guidelines", Plan.strings(guidelines)),
            ("message", .string(message)), ("details", details.map(JSONValue.string) ?? .null),
        ])
    }
}

extension PlannedTask {
    var json: JSONValue {
        .object([
            ("guideline", .string(guideline)), ("text", .string(text)), ("role", .string(role)),
            ("due", Plan.time(due)), ("assignees", Plan.strings(assignees)), ("escalate_to", Plan.strings(escalateTo)),
        ])
    }
}

extension PlannedWatch {
    var json: JSONValue {
        .object([
            ("guideline", .string(guideline)), ("institutions", Plan.strings(institutions)),
            ("leaders", Plan.strings(leaders)), ("confirm_by", Plan.time(confirmBy)), ("until", Plan.time(until)),
        ])
    }
}

extension PlannedEscalation {
    var json: JSONValue {
        .object([
            ("guideline", .string(guideline)), ("after", Plan.time(after)), ("to", Plan.strings(to)),
            ("round", .number(Double(round))), ("tier", .string(tier.rawValue)),
        ])
    }
}

import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// One stretch of time in which the same persons are on duty in a role; with nobody, a gap.
public struct OnCallShift: Sendable, Equatable {
    /// Someone standing in for the person the rota names, by an override in `Contacts/`.
    public struct Cover: Sendable, Equatable {
        /// Who is on duty instead.
        public var substitute: String
        /// Who the rota names.
        public var absent: String
    }

    public var role: String
    /// The first instant of the shift (inclusive) and the instant it ends (exclusive), UTC.
    public var start: Instant
    public var end: Instant
    /// Person ids on duty, in rota order; empty in a gap.
    public var persons: [String]
    /// The overrides in force during the shift, for the persons it names.
    public var covers: [Cover]

    /// Nobody is on duty: a report needing this role would reach no one.
    public var isGap: Bool { persons.isEmpty }
}

extension DutyTable {
    /// Who is on duty in `role` from `from` (inclusive) to `to` (exclusive), as shifts that change
    /// only when who is on duty changes, each with the overrides in force; a shift with nobody is a
    /// gap. Rota handovers, coverage windows and overrides are read on the zone's wall clock, as
    /// `onDuty(_:at:)` reads them, so a handover at 08:00 stays at 08:00 across daylight saving. A role
    /// without rotas is held all the time by everyone holding it.
    public func schedule(_ role: String, from: Instant, to: Instant) -> [OnCallShift] {
        guard from < to else { return [] }
        var shifts: [OnCallShift] = []
        var cursor = from
        for next in changes(role, from: from, to: to) + [to] where next > cursor {
            let duty = self.duty(role, at: zone.local(cursor).minutesSinceEpoch)
            let persons = duty.map(\.present)
            let covers = duty.filter { $0.present != $0.scheduled }.map {
                OnCallShift.Cover(substitute: $0.present, absent: $0.scheduled)
            }
            if var last = shifts.last, last.persons == persons, last.covers == covers, last.end == cursor {
                last.end = next
                shifts[shifts.count - 1] = last
            } else {
                shifts.append(OnCallShift(role: role, start: cursor, end: next, persons: persons, covers: covers))
            }
            cursor = next
        }
        return shifts
    }

    /// The shifts of `role` that overlap `from`..<`to`, the first one whole rather than cut at `from`
    /// (looked for up to `lookBack` days earlier, from that day's local midnight). A calendar feed
    /// fetched again a minute later then has the same events, with the same starts and UIDs, instead
    /// of a current shift that begins at each fetch.
    public func shifts(_ role: String, overlapping from: Instant, to: Instant, lookBack: Int = 31) -> [OnCallShift] {
        var day = zone.local(from)
        day = LocalDateTime(daysSinceEpoch: day.daysSinceEpoch - lookBack)
        return schedule(role, from: min(zone.instant(day), from), to: to).filter { $0.end > from }
    }

    /// The instants after `from` and before `to` at which who is on duty in `role` may change:
    /// coverage edges, handovers and override boundaries, sorted and without repeats.
    func changes(_ role: String, from: Instant, to: Instant) -> [Instant] {
        let first = zone.local(from).minutesSinceEpoch
        // One hour more for the autumn night, whose wall clock runs an hour longer than elapsed time.
        let last = zone.local(to).minutesSinceEpoch + 60
        var wall: Set<Int> = []
        for rota in rotasByRole[role] ?? [] {
            if rota.coverage.isWeeklyOnly {
                // Monday 00:00 of the week `first` falls in.
                var week = first - Self.minuteOfWeek(first)
                while week <= last {
                    for interval in rota.coverage.weekly.intervals {
                        wall.insert(week + interval.lowerBound)
                        wall.insert(week + interval.upperBound)
                    }
                    week += minutesPerWeek
                }
            } else {
                // Holidays and dates: each day's own edges, midnight included.
                var day = LocalTime.floorDiv(first, 1440)
                while day * 1440 <= last {
                    wall.insert(day * 1440)
                    for interval in rota.coverage.intervals(onDay: day) {
                        wall.insert(day * 1440 + interval.lowerBound)
                        wall.insert(day * 1440 + interval.upperBound)
                    }
                    day += 1
                }
            }
            if rota.period > 0 {
                var turn = rota.anchor + LocalTime.floorDiv(first - rota.anchor, rota.period) * rota.period
                while turn <= last {
                    wall.insert(turn)
                    turn += rota.period
                }
            }
        }
        for override in overrides {
            wall.insert(override.from)
            wall.insert(override.to)
        }
        let instants = Set(
            wall.filter { $0 > first && $0 <= last }.map { minute -> Instant in
                var local = LocalDateTime(daysSinceEpoch: LocalTime.floorDiv(minute, 1440))
                local.minutes = minute - local.daysSinceEpoch * 1440
                return zone.instant(local)
            })
        return instants.filter { $0 > from && $0 < to }.sorted()
    }

    /// The persons the rotas name in `role` at a wall-clock minute, each with who is present for them
    /// once overrides are followed; each present person once.
    func duty(_ role: String, at wall: Int) -> [(scheduled: String, present: String)] {
        var scheduled: [String] = []
        if let rotas = rotasByRole[role], !rotas.isEmpty {
            for rota in rotas where !rota.members.isEmpty && rota.coverage.contains(wallMinute: wall) {
                var index = 0
                if rota.period > 0 {
                    let turns = LocalTime.floorDiv(wall - rota.anchor, rota.period)
                    index = ((turns % rota.members.count) + rota.members.count) % rota.members.count
                }
                scheduled.append(rota.members[index])
            }
        } else {
            scheduled = holders[role] ?? []
        }
        var result: [(scheduled: String, present: String)] = []
        for person in scheduled {
            let present = substitute(for: person, at: wall)
            if !result.contains(where: { $0.present == present }) { result.append((person, present)) }
        }
        return result
    }

    /// Minutes after Monday 00:00 of a wall-clock minute since the epoch (1970-01-01 was a Thursday).
    static func minuteOfWeek(_ wall: Int) -> Int {
        ((wall + 3 * 1440) % minutesPerWeek + minutesPerWeek) % minutesPerWeek
    }
}

import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// Answers who is on duty in a role at a moment: rotas, their coverage and handovers, and overrides,
/// all in the zone's wall-clock time (so a handover at 08:00 stays at 08:00 across daylight saving).
public struct DutyTable: Sendable {
    struct CompiledRota: Sendable {
        var members: [String]
        var coverage: TimeWindow
        /// Wall-clock minutes since the epoch of the first handover on or after `starting`.
        var anchor: Int
        /// Minutes between handovers; 0 for a single member with no handover.
        var period: Int
    }

    struct CompiledOverride: Sendable {
        var substitute: String
        var absent: String
        var from: Int
        var to: Int
    }

    var rotasByRole: [String: [CompiledRota]] = [:]
    var holders: [String: [String]] = [:]
    var overrides: [CompiledOverride] = []
    /// The zone whose wall clock the rotas and overrides are read on.
    public let zone: LocalZone

    /// Precomputes rota anchors and periods from a roster whose times are on `zone`'s wall clock (by
    /// default the deployment's).
    ///
    /// A handover at a time that does not exist (skipped when the clocks go forward) happens when the
    /// clock jumps past it; during an hour that happens twice, the wall clock decides, so a handover
    /// inside that hour happens at its first pass and is undone until the second pass reaches it again.
    public init(_ roster: Roster, zone: LocalZone = LocalTime.zone) {
        self.zone = zone
        holders = roster.holders
        for (role, indices) in roster.rotasByRole {
            rotasByRole[role] = indices.map { index in
                let rota = roster.rotas[index]
                let startDay = rota.starting.daysSinceEpoch
                var anchor = startDay * 1440
                var period = 0
                switch rota.handover {
                case .daily(let time):
                    anchor += time
                    period = 1440
                case .weekly(let day, let time):
                    let ahead = (day.rawValue - rota.starting.weekday.rawValue + 7) % 7
                    anchor += ahead * 1440 + time
                    period = 7 * 1440
                case nil:
                    break
                }
                return CompiledRota(
                    members: rota.members.map(\.value), coverage: rota.coverage, anchor: anchor, period: period)
            }
        }
        overrides = roster.overrides.map {
            CompiledOverride(
                substitute: $0.substitute.value, absent: $0.absent.value, from: $0.from.minutesSinceEpoch,
                to: $0.to.minutesSinceEpoch)
        }
    }

    /// The persons on duty in a role at an instant, in rota order, each at most once.
    public func onDuty(_ role: String, at instant: Instant) -> [String] {
        duty(role, at: zone.local(instant).minutesSinceEpoch).map(\.present)
    }

    /// Who stands in for a person at a wall-clock minute, following chains of overrides.
    ///
    /// When the absent person's substitute is away too, their substitute stands in, and so on; the first
    /// override declared for a person wins if several are in force. Overrides that cover each other in a
    /// circle (which `beredskab check` refuses) stop the chain at the last person not yet passed: with
    /// "b covers a" and "a covers b", a's duty goes to b and b's to a, never back to the absent person.
    func substitute(for person: String, at wall: Int) -> String {
        var current = person
        var passed: Set<String> = [person]
        while let cover = overrides.first(where: { $0.absent == current && $0.from <= wall && wall < $0.to }),
            passed.insert(cover.substitute).inserted
        {
            current = cover.substitute
        }
        return current
    }
}

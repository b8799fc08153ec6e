import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime

/// The outcome of checking a set of rule and contact files as one whole.
public struct CheckResult: Sendable {
    /// The files checked.
    public var sources: SourceSet
    /// The rules, as far as they could be built.
    public var rules: RuleSet
    /// The roster, as far as it could be built.
    public var roster: Roster
    /// Every problem, sorted by file and position.
    public var diagnostics: [Diagnostic]

    /// The number of errors.
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// The number of warnings.
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// Checks rules and contacts together: syntax, references, §115, escalations and rota gaps.
public enum Checker {
    /// Parses and checks every file of the set.
    ///
    /// With a `year`, rota gaps are also looked for on each of that year's holidays (the `holidays`
    /// block, or Denmark's ten): the hours a role is covered in an ordinary week but not on the
    /// holiday. The year is an input, never read from a clock here.
    public static func check(_ sources: SourceSet, year: Int? = nil) -> CheckResult {
        var diagnostics = Diagnostics()
        var declarations: [Declaration] = []
        for (index, file) in sources.files.enumerated() {
            let parsed = Parser.parse(file, file: UInt32(index))
            declarations += parsed.declarations
            diagnostics.append(contentsOf: parsed.diagnostics)
        }
        let rules = RuleSet.build(declarations, sources: sources, diagnostics: &diagnostics)
        let roster = Roster.build(declarations, rules: rules, diagnostics: &diagnostics)
        crossCheck(rules, roster, year: year, &diagnostics)
        let sorted = diagnostics.all.enumerated().sorted { a, b in
            let (x, y) = (a.element.span, b.element.span)
            if x.file != y.file { return x.file < y.file }
            if x.start != y.start { return x.start < y.start }
            return a.offset < b.offset
        }.map(\.element)
        return CheckResult(sources: sources, rules: rules, roster: roster, diagnostics: sorted)
    }

    /// Checks what needs both the rules and the roster.
    static func crossCheck(_ rules: RuleSet, _ roster: Roster, year: Int?, _ diagnostics: inout Diagnostics) {
        var gapRoles: [String: Guideline] = [:]
        var gapOrder: [String] = []
        for guideline in rules.guidelines {
            for escalation in guideline.escalations {
                for role in escalation.roles where unheld(role, rules, roster) {
                    diagnostics.error(
                        "nobody holds role '\(role.value)', so this escalation reaches nobody", at: role.span,
                        notes: [.init("give the role to a person with roles … or put it on a rota")])
                }
            }
            for notification in guideline.notifications {
                guard case .roles(let roles) = notification.recipients else { continue }
                for role in roles where unheld(role, rules, roster) {
                    diagnostics.error(
                        "nobody holds role '\(role.value)', so this notification reaches nobody", at: role.span,
                        notes: [.init("give the role to a person with roles … or put it on a rota")])
                }
            }
            for task in guideline.tasks {
                for role in [task.role] + task.escalateTo where unheld(role, rules, roster) {
                    diagnostics.error(
                        "nobody holds role '\(role.value)', so this task has nobody responsible", at: role.span,
                        notes: [.init("give the role to a person with roles … or put it on a rota")])
                }
            }
            guard guideline.priority == .critical else { continue }
            for role in guideline.rolesUsed where gapRoles[role.value] == nil {
                gapRoles[role.value] = guideline
                gapOrder.append(role.value)
            }
        }
        for role in gapOrder {
            guard let rotas = roster.rotasByRole[role], let first = rotas.first else { continue }
            let gaps = roster.weeklyCoverage(of: role).complement
            guard !gaps.isEmpty else { continue }
            let named = gaps.wrappedIntervals.map(WeeklyWindow.describe).joined(separator: ", ")
            let guideline = gapRoles[role]!
            diagnostics.warning(
                "\(role): nobody on call \(named)", at: roster.rotas[first].id.span,
                notes: [
                    .init("notified by critical guideline '\(guideline.id.value)'", at: guideline.id.span),
                    .init("extend a rota's 'covers', or add a rota for these hours"),
                ])
        }
        if let year { holidayGaps(rules, roster, year: year, roles: gapOrder, by: gapRoles, &diagnostics) }
    }

    /// Warns, for each role a critical guideline uses and each holiday of `year`, of the hours the
    /// role is covered on that weekday in an ordinary week but not on the holiday (a rota whose window
    /// says `except holidays`, with no other rota taking `holidays`). Hours that are a weekly gap
    /// anyway are not repeated.
    static func holidayGaps(
        _ rules: RuleSet, _ roster: Roster, year: Int, roles: [String], by guidelines: [String: Guideline],
        _ diagnostics: inout Diagnostics
    ) {
        let holidays = rules.holidays.holidays(in: year)
        guard !holidays.isEmpty else { return }
        for role in roles {
            guard let rotas = roster.rotasByRole[role], let first = rotas.first else { continue }
            let weekly = roster.weeklyCoverage(of: role)
            for holiday in holidays {
                let day = holiday.date.daysSinceEpoch
                let monday = holiday.date.weekday.rawValue * 1440
                var usual: [Range<Int>] = []
                for interval in weekly.intervals {
                    let low = max(interval.lowerBound, monday)
                    let high = min(interval.upperBound, monday + 1440)
                    if low < high { usual.append((low - monday)..<(high - monday)) }
                }
                let gaps = subtract(roster.coverage(of: role, onDay: day), from: usual)
                guard !gaps.isEmpty else { continue }
                let hours = gaps.map { "\(WeeklyWindow.clock($0.lowerBound))–\(WeeklyWindow.clock($0.upperBound))" }
                let guideline = guidelines[role]!
                diagnostics.warning(
                    "no one on duty in role \(role) on \(holiday.date.dateText) (\(holiday.name)) "
                        + hours.joined(separator: ", "),
                    at: roster.rotas[first].id.span,
                    notes: [
                        .init("notified by critical guideline '\(guideline.id.value)'", at: guideline.id.span),
                        .init("give a rota's window a 'holidays' line, or add a rota that covers holidays"),
                    ])
            }
        }
    }

    /// The parts of `intervals` not in `covered`; both sorted and merged.
    static func subtract(_ covered: [Range<Int>], from intervals: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for interval in intervals {
            var start = interval.lowerBound
            for piece in covered where piece.upperBound > start && piece.lowerBound < interval.upperBound {
                if piece.lowerBound > start { result.append(start..<piece.lowerBound) }
                start = max(start, piece.upperBound)
            }
            if start < interval.upperBound { result.append(start..<interval.upperBound) }
        }
        return result
    }

    static func unheld(_ role: Name, _ rules: RuleSet, _ roster: Roster) -> Bool {
        rules.roles[role.value] != nil && roster.holders[role.value, default: []].isEmpty
    }
}

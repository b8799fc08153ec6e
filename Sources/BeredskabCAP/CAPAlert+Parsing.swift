import BeredskabEngine
import BeredskabRules

extension CAPAlert {
    /// Reads and checks a CAP 1.2 alert from XML bytes and maps it to a report of `organisation`
    /// (the sending token's organisation), checking the area against `rules`. A `<severity>` of
    /// `Unknown` becomes `unknownSeverity` (the deployment's `cap.unknown_severity`, by default
    /// moderate) and is noted in `notes`, as is each embedded `<resource>` (its size and SHA-256
    /// digest; the content is not kept). A document over `maximumBytes` is malformed. Pure: reads no
    /// DTD or entity, no file, no clock.
    public static func parse(
        _ bytes: [UInt8], organisation: String, rules: RuleSet, unknownSeverity: IncidentSeverity = .moderate,
        maximumBytes: Int = 1 << 20
    ) -> Result<CAPAlert, CAPError> {
        let root: XMLElementTree
        switch XMLElementTree.parse(bytes, maximumBytes: maximumBytes) {
        case .success(let tree):
            root = tree
        case .failure(let error):
            let message = "not well-formed XML: line \(error.line), column \(error.column): \(error.message)"
            return .failure(
                CAPError(
                    kind: .malformed, message: message, problems: [ReportProblem("/", message)], line: error.line,
                    column: error.column))
        }
        var reader = CAPReader(organisation: organisation, rules: rules, unknownSeverity: unknownSeverity)
        if let alert = reader.read(root), reader.problems.isEmpty { return .success(alert) }
        let problems = reader.problems
        let message =
            problems.count == 1
            ? "not a CAP 1.2 alert Beredskab can take: 1 problem"
            : "not a CAP 1.2 alert Beredskab can take: \(problems.count) problems"
        return .failure(CAPError(kind: .invalid, message: message, problems: problems))
    }
}

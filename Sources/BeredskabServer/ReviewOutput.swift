import BeredskabEngine
import BeredskabReview
import BeredskabTime
import Foundation

/// OKF's review as JSON and CSV, for the API and the CLI.
public enum ReviewOutput {
    /// The period from the first day to the last, both included, in Copenhagen; nil if not dates or reversed.
    public static func period(from: String, to: String) -> Range<Instant>? {
        guard let first = LocalDateTime(parsing: from), let last = LocalDateTime(parsing: to) else { return nil }
        // Compared before making the range: a reversed range traps, and that would end the server.
        let start = Copenhagen.instant(first)
        let end = Copenhagen.instant(LocalDateTime(daysSinceEpoch: last.daysSinceEpoch + 1))
        return start < end ? start..<end : nil
    }

    /// The figures as JSON: at least `closures`, `near_misses`, `closed_hours`, `vital_closures`.
    public static func json(_ r: Review, from: String, to: String) -> JSONValue {
        func counts(_ map: [String: Int]) -> JSONValue {
            .object(map.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })
        }
        return .object([
            ("period", .object([("from", .string(from)), ("to", .string(to))])),
            ("vital_closures", .number(Double(r.vitalClosures))), ("closures", .number(Double(r.closures))),
            ("near_misses", .number(Double(r.nearMisses))), ("closed_hours", .number(r.closedHours)),
            (
                "closed_hours_by_institution",
                .object(r.closedHoursByInstitution.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
            ),
            ("median_hours_to_reopen", r.medianHoursToReopen.map(JSONValue.number) ?? .null),
            ("still_closed", .number(Double(r.stillClosed))),
            ("watched_incidents", .number(Double(r.watchedIncidents))),
            ("watched_incidents_without_closure", .number(Double(r.watchedIncidentsWithoutClosure))),
            ("share_watched_without_closure", .number(r.shareWatchedWithoutClosure)),
            ("closures_by_administration", counts(r.closuresByAdministration)),
            ("closures_by_area", counts(r.closuresByArea)),
            ("incidents_behind", .array(r.incidentsBehind.map(JSONValue.string))),
            (
                "safety_index_reports",
                .object(r.safetyIndexReports.sorted { $0.key < $1.key }.map { ($0.key, counts($0.value)) })
            ),
        ])
    }

    /// One row per figure: `figure,key,value`, UTF-8 with a byte order mark so Excel reads æøå.
    public static func csv(_ r: Review, danish: Bool) -> String {
        let separator = danish ? ";" : ","
        func number(_ value: Double) -> String {
            let text = value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
            return danish ? text.replacingOccurrences(of: ".", with: ",") : text
        }
        func field(_ text: String) -> String {
            text.contains(separator) || text.contains("\"") || text.contains("\n")
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var rows: [[String]] = [["figure", "key", "value"]]
        rows.append(["vital_closures", "", number(Double(r.vitalClosures))])
        rows.append(["closures", "", number(Double(r.closures))])
        rows.append(["near_misses", "", number(Double(r.nearMisses))])
        rows.append(["closed_hours", "", number(r.closedHours)])
        rows.append(["median_hours_to_reopen", "", r.medianHoursToReopen.map(number) ?? ""])
        rows.append(["still_closed", "", number(Double(r.stillClosed))])
        rows.append(["share_watched_without_closure", "", number(r.shareWatchedWithoutClosure)])
        for (key, value) in r.closedHoursByInstitution.sorted(by: { $0.key < $1.key }) {
            rows.append(["closed_hours_by_institution", key, number(value)])
        }
        for (key, value) in r.closuresByAdministration.sorted(by: { $0.key < $1.key }) {
            rows.append(["closures_by_administration", key, number(Double(value))])
        }
        for (key, value) in r.closuresByArea.sorted(by: { $0.key < $1.key }) {
            rows.append(["closures_by_area", key, number(Double(value))])
        }
        for (area, types) in r.safetyIndexReports.sorted(by: { $0.key < $1.key }) {
            for (type, count) in types.sorted(by: { $0.key < $1.key }) {
                rows.append(["safety_index_reports", "\(area)/\(type)", number(Double(count))])
            }
        }
        return "\u{FEFF}" + rows.map { $0.map(field).joined(separator: separator) }.joined(separator: "\r\n") + "\r\n"
    }
}

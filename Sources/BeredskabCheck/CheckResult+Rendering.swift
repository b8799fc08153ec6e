import BeredskabSyntax
import Foundation

extension CheckResult {
    /// How much was read, for the summary line and JSON.
    public var counts: [(String, Int)] {
        [
            ("files", sources.files.count), ("areas", rules.areas.count), ("roles", rules.roles.count),
            ("windows", rules.windows.count), ("guidelines", rules.guidelines.count),
            ("organisations", roster.organisations.count), ("persons", roster.persons.count),
            ("rotas", roster.rotas.count), ("overrides", roster.overrides.count),
            ("institutions", roster.institutions.count),
        ]
    }

    /// Diagnostics compiler style, then a summary line.
    public func renderedText() -> String {
        var out = diagnostics.map { $0.rendered(in: sources) }.joined(separator: "\n")
        if !out.isEmpty { out += "\n" }
        let read = counts.map { "\($0.1) \($0.1 == 1 ? String($0.0.dropLast()) : $0.0)" }.joined(separator: ", ")
        out += "checked \(read): \(plural(errorCount, "error")), \(plural(warningCount, "warning"))\n"
        return out
    }

    private func plural(_ count: Int, _ word: String) -> String {
        "\(count) \(word)\(count == 1 ? "" : "s")"
    }

    /// The same as JSON, for tools: every diagnostic with file, line, column, message and notes.
    public func renderedJSON() -> String {
        struct Position: Encodable {
            var file: String
            var line: Int
            var column: Int
        }
        struct Note: Encodable {
            var message: String
            var location: Position?
        }
        struct Item: Encodable {
            var severity: String
            var file: String
            var line: Int
            var column: Int
            var message: String
            var notes: [Note]
            var rendered: String
        }
        struct Report: Encodable {
            var ok: Bool
            var errors: Int
            var warnings: Int
            var counts: [String: Int]
            var diagnostics: [Item]
        }
        func position(_ span: Span) -> Position {
            let file = sources[span]
            let offset = Int(span.start)
            return Position(file: file.path, line: file.line(of: offset), column: file.column(of: offset))
        }
        let items = diagnostics.map { diagnostic in
            let at = position(diagnostic.span)
            return Item(
                severity: diagnostic.severity.rawValue, file: at.file, line: at.line, column: at.column,
                message: diagnostic.message,
                notes: diagnostic.notes.map { Note(message: $0.message, location: $0.span.map(position)) },
                rendered: diagnostic.rendered(in: sources))
        }
        let report = Report(
            ok: errorCount == 0, errors: errorCount, warnings: warningCount,
            counts: Dictionary(uniqueKeysWithValues: counts), diagnostics: items)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

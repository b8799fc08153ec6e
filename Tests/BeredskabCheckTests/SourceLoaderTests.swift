import Foundation
import Testing

@testable import BeredskabCheck

/// Where the rules are read from: a deployment often links `Rules` to a versioned folder.
@Suite struct SourceLoaderTests {
    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "beredskab-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aLinkedFolderAndALinkedSubfolderAreRead() throws {
        let root = try folder()
        let real = root.appendingPathComponent("rules-2026-12")
        try FileManager.default.createDirectory(
            at: real.appendingPathComponent("more"), withIntermediateDirectories: true)
        try "area a \"A\" { }\n".write(to: real.appendingPathComponent("a.rules"), atomically: true, encoding: .utf8)
        try "area b \"B\" { }\n".write(
            to: real.appendingPathComponent("more/b.rules"), atomically: true, encoding: .utf8)
        let linked = root.appendingPathComponent("Rules")
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: real)
        // A link back up must not be followed for ever.
        try FileManager.default.createSymbolicLink(
            at: real.appendingPathComponent("more/loop"), withDestinationURL: real)
        let sources = try SourceLoader.load([linked.path])
        #expect(sources.files.map { ($0.path as NSString).lastPathComponent }.sorted() == ["a.rules", "b.rules"])
    }

    @Test func aFolderWithNothingToReadIsAnError() throws {
        let empty = try folder()
        #expect(throws: LoadError.self) { try SourceLoader.load([empty.path]) }
    }
}

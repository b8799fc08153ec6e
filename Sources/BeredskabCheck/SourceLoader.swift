import BeredskabSyntax
import Foundation

/// A path given to `beredskab check` that cannot be read.
public struct LoadError: Error, CustomStringConvertible {
    /// What went wrong, naming the path.
    public var description: String
}

/// Reads rule and contact files from disk into a source set.
public enum SourceLoader {
    /// File extensions read from directories.
    public static let extensions = ["rules", "contacts"]

    /// Loads every `.rules` and `.contacts` file under the given paths (files are read whatever their extension).
    ///
    /// Files are read in path order so diagnostics come out the same on every machine.
    public static func load(_ paths: [String]) throws -> SourceSet {
        var sources = SourceSet()
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LoadError(description: "no such file or directory: \(path)")
            }
            var files: [String] = []
            if isDirectory.boolValue {
                var visited: Set<String> = []
                try collect(path, into: &files, visited: &visited)
                files.sort()
                // A folder with nothing to read is a mistake (a wrong path, a link that was not
                // followed), not a rule set without errors.
                guard !files.isEmpty else {
                    throw LoadError(description: "no .rules or .contacts files in \(path)")
                }
            } else {
                files = [path]
            }
            for file in files {
                guard let data = manager.contents(atPath: file) else {
                    throw LoadError(description: "cannot read file: \(file)")
                }
                sources.add(SourceFile(path: file, bytes: [UInt8](data)))
            }
        }
        return sources
    }

    /// The `.rules` and `.contacts` files under `directory`, following symbolic links to folders
    /// (a deployment's `Rules` is often one), each real folder once.
    static func collect(_ directory: String, into files: inout [String], visited: inout Set<String>) throws {
        let manager = FileManager.default
        guard visited.insert((directory as NSString).resolvingSymlinksInPath).inserted else { return }
        guard let entries = try? manager.contentsOfDirectory(atPath: directory) else {
            throw LoadError(description: "cannot read directory: \(directory)")
        }
        for entry in entries.sorted() {
            let path = (directory as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try collect(path, into: &files, visited: &visited)
            } else if extensions.contains((entry as NSString).pathExtension) {
                files.append(path)
            }
        }
    }
}

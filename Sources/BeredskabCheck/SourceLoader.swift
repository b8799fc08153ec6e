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
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw LoadError(description: "cannot read directory: \(path)")
                }
                for case let relative as String in enumerator
                where extensions.contains((relative as NSString).pathExtension) {
                    files.append((path as NSString).appendingPathComponent(relative))
                }
                files.sort()
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
}

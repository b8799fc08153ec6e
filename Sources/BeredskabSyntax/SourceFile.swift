/// One file of rules or contacts, held as UTF-8 bytes with its line starts.
public final class SourceFile: Sendable {
    /// The path as given by the user, used in diagnostics.
    public let path: String
    /// The file's contents as UTF-8 bytes.
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts; the first is 0.
    public let lineStarts: [Int]

    /// Creates a source file from its path and text.
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Creates a source file from its path and raw UTF-8 bytes.
    ///
    /// A UTF-8 byte order mark is dropped so columns on the first line count from the first character.
    public init(path: String, bytes: [UInt8]) {
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        var nonASCIILines: Set<Int> = []
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
            } else if byte >= 0x80 {
                nonASCIILines.insert(starts.count - 1)
            }
        }
        self.lineStarts = starts
        self.nonASCIILines = nonASCIILines
    }

    /// The 0-based lines holding a byte outside ASCII; on the others a column is a byte count, found at once
    /// however long the line (so thousands of diagnostics on one generated line cost linear time).
    let nonASCIILines: Set<Int>

    /// The 1-based line containing a byte offset.
    public func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The 1-based column of a byte offset, counted in characters so that æ, ø and å count once.
    public func column(of offset: Int) -> Int {
        let line = line(of: offset) - 1
        let start = lineStarts[line]
        let end = min(max(offset, start), bytes.count)
        if !nonASCIILines.contains(line) { return end - start + 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self).count + 1
    }

    /// The text of a 1-based line, without its line break.
    public func lineText(_ line: Int) -> String {
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The offset of the first byte that is not valid UTF-8, or nil if the whole file is valid.
    ///
    /// Strict, as RFC 3629 says: no overlong forms, no surrogates (U+D800…U+DFFF), nothing above U+10FFFF,
    /// and no sequence cut short by the end of the file.
    public var firstInvalidUTF8Offset: Int? { Self.firstInvalidUTF8Offset(bytes) }

    /// The offset of the first byte of `bytes` that is not valid UTF-8 (RFC 3629), or nil if all are.
    public static func firstInvalidUTF8Offset(_ bytes: some RandomAccessCollection<UInt8>) -> Int? {
        var offset = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                index = bytes.index(after: index)
                offset += 1
                continue
            }
            let length: Int
            // The allowed range of the second byte rules out overlong forms, surrogates and > U+10FFFF.
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, second) = (3, 0xA0...0xBF)
            case 0xED: (length, second) = (3, 0x80...0x9F)
            case 0xE1...0xEF: length = 3
            case 0xF0: (length, second) = (4, 0x90...0xBF)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, second) = (4, 0x80...0x8F)
            default: return offset
            }
            guard bytes.distance(from: index, to: bytes.endIndex) >= length else { return offset }
            var next = bytes.index(after: index)
            guard second.contains(bytes[next]) else { return offset }
            for _ in 2..<length {
                next = bytes.index(after: next)
                guard bytes[next] & 0xC0 == 0x80 else { return offset }
            }
            index = bytes.index(after: next)
            offset += length
        }
        return nil
    }

    /// The source text between two byte offsets.
    public func text(_ span: Span) -> String {
        String(decoding: bytes[Int(span.start)..<Int(span.end)], as: UTF8.self)
    }
}

/// The files that make up one rule set and roster, addressed by index from spans.
public struct SourceSet: Sendable {
    /// The files in the order they were added.
    public private(set) var files: [SourceFile] = []

    /// Creates an empty set.
    public init() {}

    /// Adds a file and returns its index for spans.
    @discardableResult
    public mutating func add(_ file: SourceFile) -> UInt32 {
        files.append(file)
        return UInt32(files.count - 1)
    }

    /// The file a span points into.
    public subscript(span: Span) -> SourceFile { files[Int(span.file)] }
}

/// A range of bytes in one file of a `SourceSet`.
public struct Span: Hashable, Sendable {
    /// Index of the file in its `SourceSet`.
    public var file: UInt32
    /// First byte offset.
    public var start: UInt32
    /// Byte offset just past the end.
    public var end: UInt32

    /// Creates a span.
    public init(file: UInt32, start: Int, end: Int) {
        self.file = file
        self.start = UInt32(start)
        self.end = UInt32(end)
    }

    /// The span from the start of this one to the end of another in the same file.
    public func through(_ other: Span) -> Span {
        Span(file: file, start: Int(start), end: Int(max(end, other.end)))
    }
}

/// A value together with where it was written.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var span: Span

    /// Creates a located value.
    public init(_ value: Value, _ span: Span) {
        self.value = value
        self.span = span
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// An identifier as written, with its place.
public typealias Name = Located<String>

import Foundation
import Testing

@testable import BeredskabDelivery

/// The Danish subject the tests send, with æ, ø, å and an en dash.
let danishSubject = "Skud affyret på Blågårds Plads – Nørrebro"

/// A Danish body with every Danish letter, a long line, a lone dot and trailing spaces.
let danishBody = [
    "Kære Søren Ærø,",
    "",
    "Der er meldt skud på Blågårds Plads kl. 22.30. Politiet er på stedet. Hold børn og unge væk fra pladsen, "
        + "og bekræft at I har modtaget beskeden: æ ø å Æ Ø Å.",
    ".",
    ".punktum først på linjen",
    "Linje med mellemrum til sidst   ",
    "Mvh. Beredskab",
].joined(separator: "\n")

enum SinkError: Error, CustomStringConvertible {
    case notReady(String)
    case toolFailed(String)

    var description: String {
        switch self {
        case .notReady(let text), .toolFailed(let text): text
        }
    }
}

/// A fresh folder under the system's temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "beredskab-delivery-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// One of the Python test servers in `servers/`, run as a subprocess on a free port of 127.0.0.1.
final class SinkProcess: @unchecked Sendable {
    let process: Process
    /// Where the server writes what it receives.
    let folder: URL
    /// The port it listens on.
    let port: Int

    private init(process: Process, folder: URL, port: Int) {
        self.process = process
        self.folder = folder
        self.port = port
    }

    static let serversFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("servers")

    /// Starts `servers/SCRIPT` with the output folder and arguments, and waits until it prints `READY <port>`.
    static func start(_ script: String, _ arguments: [String] = []) async throws -> SinkProcess {
        let folder = try temporaryFolder(script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", serversFolder.appendingPathComponent(script).path, folder.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        let log = folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var line: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(20)
        // The deadline is looked at only when nothing is waiting in the pipe: a test process whose
        // threads were all busy for a while still finds the READY line the sink wrote meanwhile.
        while true {
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n == 1 {
                if byte == UInt8(ascii: "\n") {
                    let text = String(decoding: line, as: UTF8.self)
                    if text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) {
                        return SinkProcess(process: process, folder: folder, port: port)
                    }
                    line.removeAll()
                } else {
                    line.append(byte)
                }
                continue
            }
            if !process.isRunning || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: folder)
        throw SinkError.notReady("\(script) did not become ready: \(stderr)")
    }

    /// Kills the server, waits for it and removes its folder.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The JSON records the server wrote, in the order received.
    func records() throws -> [[String: Any]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return try names.map {
            let data = try Data(contentsOf: folder.appendingPathComponent($0))
            return try JSONSerialization.jsonObject(with: data) as! [String: Any]
        }
    }

    /// The raw messages an SMTP sink received, in order.
    func messages() throws -> [Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropLast(4)) ?? 0 < Int($1.dropLast(4)) ?? 0 }
        return try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound once, then closed).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(fd, pointer, length) == 0 else { return -1 }
            return getsockname(fd, pointer, &length)
        }
    }
    guard bound == 0 else { throw SinkError.toolFailed("could not bind a socket") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A TCP listener on 127.0.0.1 that never accepts, its backlog filled so that new connections hang.
final class Listener {
    let port: Int
    private let fd: Int32
    private var clients: [Int32] = []

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = fd
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 0) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard ok else { throw SinkError.toolFailed("could not listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue (backlog 0 holds one, plus one in flight) with non-blocking connections.
        for _ in 0..<4 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            clients.append(client)
        }
        usleep(50_000)
    }

    func close() {
        for client in clients { _ = Glibc.close(client) }
        _ = Glibc.close(fd)
    }
}

/// A self-signed certificate and key for 127.0.0.1 and localhost, made with the openssl tool.
func makeCertificate(in folder: URL) throws -> (certificate: String, key: String) {
    let certificate = folder.appendingPathComponent("cert.pem").path
    let key = folder.appendingPathComponent("key.pem").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw SinkError.toolFailed("openssl req failed") }
    return (certificate, key)
}

/// A message as a test sends it.
func danishMessage(
    key: String = "inc-2026-0042/anna-berg/email", address: String = "anna.berg@example.dk"
)
    -> OutgoingMessage
{
    OutgoingMessage(
        idempotencyKey: key, recipientName: "Anna Bærentsen-Øster", address: address, subject: danishSubject,
        body: danishBody, json: ["incident": "inc-2026-0042", "severity": "severe", "link": "https://b.dk/ack/x"])
}

/// Splits a raw message into its unfolded header fields and its body.
func parseMessage(_ raw: Data) -> (headers: [(name: String, value: String)], body: String) {
    let text = String(decoding: raw, as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let unfolded = parts[0].replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
    let headers = unfolded.components(separatedBy: "\r\n").map { line -> (name: String, value: String) in
        let colon = line.firstIndex(of: ":")!
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return (headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
}

/// Decodes RFC 2047 `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words; white space between adjacent words is dropped.
func decodeEncodedWords(_ value: String) -> String {
    var out = ""
    var pendingSpace = ""
    var previousWasEncoded = false
    for token in value.split(separator: " ", omittingEmptySubsequences: false) {
        let word = String(token)
        let parts = word.split(separator: "?", omittingEmptySubsequences: false)
        if parts.count == 5, parts[0] == "=", parts[4] == "=", parts[1].uppercased() == "UTF-8" {
            let decoded: Data?
            if parts[2].uppercased() == "B" {
                decoded = Data(base64Encoded: String(parts[3]))
            } else {
                decoded = decodeQuotedPrintable(parts[3].replacingOccurrences(of: "_", with: " ")).data(using: .utf8)
            }
            if !previousWasEncoded { out += pendingSpace }
            out += String(decoding: decoded ?? Data(), as: UTF8.self)
            previousWasEncoded = true
        } else {
            out += pendingSpace + word
            previousWasEncoded = false
        }
        pendingSpace = " "
    }
    return out
}

/// Decodes quoted-printable text (soft line breaks, `=XX`) and reads the bytes as UTF-8.
func decodeQuotedPrintable(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var i = 0
    func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: b - 48
        case 65...70: b - 55
        case 97...102: b - 87
        default: nil
        }
    }
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "=") {
            if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                i += 3
                continue
            }
            if i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
                continue
            }
        }
        out.append(bytes[i])
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}

/// The JSON object in some bytes.
func jsonObject(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the server, from a chosen loopback address, for sending requests
/// by halves the way a careless or hostile client does.
final class RawConnection {
    let fd: Int32

    /// Connects to `port` on 127.0.0.1 from `source` (any 127.x.y.z is this machine on Linux).
    init(port: Int, from source: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Everything the server sends until it closes the connection; nil when it is still open
    /// after `seconds` (real time: these timeouts guard sockets, not incidents).
    func readUntilClosed(seconds: Int) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                received += buffer[0..<n]
                continue
            }
            if n == 0 || errno == ECONNRESET { return String(decoding: received, as: UTF8.self) }
            return nil
        }
    }
}

@Suite(.serialized) struct HostileClientTests {
    /// A server whose header and body timeouts are one second and which takes four connections per client.
    func server() throws -> (Server, Int) {
        let config = try temporaryFolder([
            "server.json":
                #"{"http": {"header_timeout_seconds": 1, "body_timeout_seconds": 1, "max_connections_per_client": 4}}"#
        ])
        let server = try Server(arguments: ["--config", config.appendingPathComponent("server.json").path])
        return (server, Int(server.base.split(separator: ":").last!)!)
    }

    @Test func halfSentHeadersAndBodiesAreClosedAfterTheirTimeout() throws {
        let (server, port) = try server()
        let headers = try RawConnection(port: port)
        headers.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        let body = try RawConnection(port: port)
        body.send("POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"id\": ")
        #expect(headers.readUntilClosed(seconds: 15) != nil, "a half-sent header is closed by the server")
        #expect(body.readUntilClosed(seconds: 15) != nil, "a half-sent body is closed by the server")
        _ = server
    }

    @Test func oneClientHoldsAtMostItsShareAndHealthzStillAnswers() async throws {
        let (server, port) = try server()
        // The attacker is 127.0.0.2; the health check comes from 127.0.0.1.
        let held = try (0..<4).map { _ in try RawConnection(port: port, from: "127.0.0.2") }
        for connection in held { connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n") }
        let extra = try RawConnection(port: port, from: "127.0.0.2")
        extra.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = extra.readUntilClosed(seconds: 5)
        #expect(refused == "", "the fifth connection of one client is closed without an answer")
        #expect(try await server.request("GET", "/healthz").status == 200)
    }

    @Test func bytesThatAreNotHTTPGetAJSONErrorNamingWhatWasWrong() async throws {
        let (server, port) = try server()
        let cases: [(String, String, String)] = [
            ("FOO /api/v1/incidents HTTP/1.1\r\nHost: x\r\n\r\n", " 400 ", "invalid HTTP method"),
            ("GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", " 400 ", "invalid character in header"),
            ("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", " 400 ", "invalid HTTP version"),
            (
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n", " 431 ",
                "too many header bytes"
            ),
        ]
        for (request, status, words) in cases {
            let connection = try RawConnection(port: port)
            connection.send(request)
            let answer = connection.readUntilClosed(seconds: 5) ?? "still open"
            let parts = answer.components(separatedBy: "\r\n\r\n")
            let (head, body) = (parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
            #expect(head.hasPrefix("HTTP/1.1") && head.contains(status), "\(request.prefix(30)): \(head)")
            #expect(head.lowercased().contains("content-type: application/json"), "\(head)")
            let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let message = (json?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("not valid HTTP/1.1") && message.contains(words), "\(body)")
        }
        // The server still answers afterwards.
        #expect(try await server.request("GET", "/healthz").status == 200)
    }

    /// Garbage pipelined behind a valid request: the request is answered, then the garbage gets
    /// the same JSON 400 as on its own, in order, and the connection closes.
    @Test func bytesThatAreNotHTTPBehindAValidRequestGetTheirJSONErrorAfterItsAnswer() throws {
        let (server, port) = try server()
        let healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        let cases: [(String, [String])] = [
            (healthz + "FOO / HTTP/1.1\r\nHost: x\r\n\r\n", ["200", "400"]),
            // Every request before the garbage is answered, each in turn, and only then the refusal.
            (healthz + healthz + healthz + "FOO / HTTP/1.1\r\nHost: x\r\n\r\n", ["200", "200", "200", "400"]),
            (healthz + healthz + "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n", ["200", "200", "405"]),
            // A CONNECT with a body: none of it reaches the router without its head.
            (
                healthz + "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nContent-Length: 5\r\n\r\nhello" + healthz,
                ["200", "405"]
            ),
        ]
        for (request, statuses) in cases {
            let connection = try RawConnection(port: port)
            connection.send(request)
            let answer = connection.readUntilClosed(seconds: 5) ?? "still open"
            let heads = answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            #expect(heads == statuses, "\(answer)")
            guard statuses.last == "400" else { continue }
            let last = answer.components(separatedBy: "HTTP/1.1 400").last ?? ""
            #expect(last.lowercased().contains("content-type: application/json"), "\(answer)")
            #expect(last.contains("not valid HTTP/1.1") && last.contains("invalid HTTP method"), "\(answer)")
        }
        _ = server
    }

    /// CONNECT (a proxy's tunnel) is not for this server: refused at once, not left hanging.
    @Test func connectIsRefusedAtOnce() throws {
        let (server, port) = try server()
        let connection = try RawConnection(port: port)
        connection.send("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n")
        let answer = connection.readUntilClosed(seconds: 5) ?? "still open"
        // Before, the router's 404 came back and the connection stayed open until its timeout.
        // NIO frames any answer to CONNECT without a body: the status and Allow say it.
        #expect(answer.hasPrefix("HTTP/1.1 405 "), "\(answer)")
        #expect(answer.lowercased().contains("allow: get, head, post, put, delete"), "\(answer)")
        #expect(answer.lowercased().contains("connection: close"), "\(answer)")
        _ = server
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsAnsweredAndClosed() throws {
        let (server, port) = try server()
        let connection = try RawConnection(port: port)
        connection.send("GET /healthz HTTP/1.0\r\n\r\n")
        let answer = connection.readUntilClosed(seconds: 5)
        #expect(answer?.hasPrefix("HTTP/1.") == true && answer?.contains(" 200 ") == true, "\(answer ?? "still open")")
        _ = server
    }
}

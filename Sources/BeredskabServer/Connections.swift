import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// How long a client may take and how much of the server it may hold, so that a slow or hostile
/// client (thousands of half-sent requests) cannot starve everyone else of connections.
/// Timeouts are real time (seconds), not the server's clock: they guard sockets, not incidents.
public struct ConnectionLimits: Sendable, Equatable {
    /// From the connection being opened until its first request's headers are complete.
    public var headerTimeout: Duration = .seconds(10)
    /// From a request's headers until its body is complete.
    public var bodyTimeout: Duration = .seconds(30)
    /// A kept-alive connection with nothing read or written for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Open connections in all; beyond it the server stops accepting until one closes.
    public var maximumConnections = 4096
    /// Open connections from one IP address; a further one is closed at once.
    public var maximumConnectionsPerClient = 64

    /// The defaults above.
    public init() {}
}

/// Open connections per client address, shared by every connection's ``ConnectionGuard``.
final class ClientConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: Int] = [:]
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection from `client`; false (and not counted) when it already has `limit`.
    func admit(_ client: String) -> Bool {
        lock.withLock {
            let count = open[client, default: 0]
            guard count < limit else { return false }
            open[client] = count + 1
            return true
        }
    }

    /// Forgets a connection `admit` counted.
    func release(_ client: String) {
        lock.withLock {
            let count = open[client, default: 1] - 1
            open[client] = count > 0 ? count : nil
        }
    }
}

/// Sits between the HTTP/1 decoder and the conversion to HTTP types: closes a connection whose
/// headers or body do not arrive in time, refuses a client holding too many connections, marks an
/// HTTP/1.0 request without keep-alive `Connection: close` so the server closes the connection
/// after answering it, and answers bytes that are not HTTP/1.1 (an unknown method, a header line
/// without a colon, HTTP/9.9) with a 400 whose JSON body says so, like every other API error.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let limits: ConnectionLimits
    let clients: ClientConnections
    private var client: String?
    private var deadline: Scheduled<Void>?
    /// Requests passed on whose response has not ended. A parse error or CONNECT meanwhile waits
    /// until every one of them is answered (`deferred`), and is answered after them, in order.
    private var unanswered = 0
    private var refused = false
    /// A refusal of what was pipelined behind requests still being answered: sent after their answers.
    private var deferred: (status: HTTPResponseStatus, message: String)?
    /// Whether the parts of a refused request are being passed over (never handed on without their head).
    private var passingOver = false

    init(limits: ConnectionLimits, clients: ClientConnections) {
        self.limits = limits
        self.clients = clients
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard clients.admit(address) else {
            context.close(promise: nil)
            return
        }
        client = address
        arm(context, limits.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let client { clients.release(client) }
        client = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let client { clients.release(client) }
        client = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever follows a refusal is not read: the connection is closing.
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            // A tunnel request (RFC 9110 §9.3.6) is for proxies: the decoder waits for a tunnel
            // after it, so left alone it held the connection until its timeout, unanswered.
            // NIO sends every answer to CONNECT without a body (RFC 9112 §6.3), so the status and
            // `Allow` say it; a tunnel through a proxy in front of Beredskab never reaches here.
            if head.method == .CONNECT {
                let refusal = (
                    HTTPResponseStatus.methodNotAllowed, "CONNECT is not supported: Beredskab is not a proxy"
                )
                if unanswered > 0 { deferred = deferred ?? refusal } else { refuse(context, refusal.0, refusal.1) }
                passingOver = true
                return
            }
            passingOver = false
            unanswered += 1
            // The body must follow in time; waiting for the next request is the idle timeout's.
            arm(context, limits.bodyTimeout)
            if head.version.major == 1, head.version.minor == 0, !head.isKeepAlive {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            guard !passingOver else { return }
            context.fireChannelRead(data)
        case .end:
            guard !passingOver else {
                passingOver = false
                return
            }
            deadline?.cancel()
            deadline = nil
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        unanswered = max(0, unanswered - 1)
        context.write(data, promise: promise)
        if unanswered == 0, let (status, message) = deferred {
            deferred = nil
            refuse(context, status, message)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // Bytes that are not HTTP behind requests still being answered: answered in turn, after them
        // (HTTP/1.1 answers pipelined requests in order), in JSON as any other refusal.
        // Headers past the decoder's limit (80 KiB) are 431 (RFC 6585); anything else is 400.
        let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        let message = "the request is not valid HTTP/1.1: \(parseError.debugDescription)"
        guard unanswered == 0 else {
            deferred = deferred ?? (status, message)
            return
        }
        refuse(context, status, message)
    }

    /// Answers with a JSON error naming what was wrong, then closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ message: String) {
        guard !refused else { return }
        refused = true
        deadline?.cancel()
        deadline = nil
        let json = APIError(.init(code: Int(status.code)), message).json
        var body = context.channel.allocator.buffer(capacity: 128)
        body.writeString(json.prettyText)
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "content-type", value: "application/json; charset=utf-8")
        head.headers.add(name: "content-length", value: String(body.readableBytes))
        head.headers.add(name: "connection", value: "close")
        if status == .methodNotAllowed { head.headers.add(name: "allow", value: "GET, HEAD, POST, PUT, DELETE") }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: Duration) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
            channel.close(promise: nil)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        // Saturating: a timeout past 292 years is as good as none, and must not trap.
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, overflowSum) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowSum ? .max : sum
    }
}

/// HTTP/1.1 as Hummingbird's own `HTTP1Channel` sets it up, with a ``ConnectionGuard`` and an
/// idle timeout.
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let clients: ClientConnections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: .init())
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(limits: limits, clients: clients))
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: limits.idleTimeout, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Beredskab's ``ConnectionLimits``: header, body and idle timeouts and a limit
    /// of connections per client address (the total is `ApplicationConfiguration`'s).
    public static func guarded(_ limits: ConnectionLimits) -> HTTPServerBuilder {
        let clients = ClientConnections(limit: limits.maximumConnectionsPerClient)
        return .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits, clients: clients) }
    }
}

extension ApplicationConfiguration {
    /// Listens on `address` with an accept queue of 4096, accepting at most
    /// `limits.maximumConnections` connections at a time.
    public static func guarded(_ address: BindAddress, serverName: String, limits: ConnectionLimits) -> Self {
        // A deeper accept queue than Hummingbird's 256, so that a flood of connections does not
        // make the kernel drop the SYN of an honest one (a second's retransmit for /healthz).
        .init(
            address: address, serverName: serverName, backlog: 4096,
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maximumConnections))
    }
}

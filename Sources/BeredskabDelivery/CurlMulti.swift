import CCurl
import Foundation

/// A libcurl result code (`CURLcode`), with the codes delivery tells apart named.
public struct CurlCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code, as in curl's documentation (`CURLE_COULDNT_CONNECT` is 7).
    public var rawValue: Int

    /// Wraps a numeric code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    init(_ code: CURLcode) { rawValue = Int(code.rawValue) }

    /// `CURLE_OK`: the transfer completed (the protocol status may still be a failure).
    public static let ok = CurlCode(CURLE_OK)
    /// `CURLE_UNSUPPORTED_PROTOCOL`.
    public static let unsupportedProtocol = CurlCode(CURLE_UNSUPPORTED_PROTOCOL)
    /// `CURLE_URL_MALFORMAT`.
    public static let urlMalformat = CurlCode(CURLE_URL_MALFORMAT)
    /// `CURLE_COULDNT_RESOLVE_PROXY`.
    public static let couldntResolveProxy = CurlCode(CURLE_COULDNT_RESOLVE_PROXY)
    /// `CURLE_COULDNT_RESOLVE_HOST`: DNS failure.
    public static let couldntResolveHost = CurlCode(CURLE_COULDNT_RESOLVE_HOST)
    /// `CURLE_COULDNT_CONNECT`: connection refused or failed.
    public static let couldntConnect = CurlCode(CURLE_COULDNT_CONNECT)
    /// `CURLE_WEIRD_SERVER_REPLY`.
    public static let weirdServerReply = CurlCode(CURLE_WEIRD_SERVER_REPLY)
    /// `CURLE_REMOTE_ACCESS_DENIED`.
    public static let remoteAccessDenied = CurlCode(CURLE_REMOTE_ACCESS_DENIED)
    /// `CURLE_HTTP2`.
    public static let http2 = CurlCode(CURLE_HTTP2)
    /// `CURLE_PARTIAL_FILE`.
    public static let partialFile = CurlCode(CURLE_PARTIAL_FILE)
    /// `CURLE_HTTP_RETURNED_ERROR`.
    public static let httpReturnedError = CurlCode(CURLE_HTTP_RETURNED_ERROR)
    /// `CURLE_UPLOAD_FAILED`.
    public static let uploadFailed = CurlCode(CURLE_UPLOAD_FAILED)
    /// `CURLE_READ_ERROR`.
    public static let readError = CurlCode(CURLE_READ_ERROR)
    /// `CURLE_OUT_OF_MEMORY`.
    public static let outOfMemory = CurlCode(CURLE_OUT_OF_MEMORY)
    /// `CURLE_OPERATION_TIMEDOUT`: the connect or the whole-transfer timeout expired.
    public static let operationTimedOut = CurlCode(CURLE_OPERATION_TIMEDOUT)
    /// `CURLE_SSL_CONNECT_ERROR`: the TLS handshake failed.
    public static let sslConnectError = CurlCode(CURLE_SSL_CONNECT_ERROR)
    /// `CURLE_ABORTED_BY_CALLBACK`: also used here for cancelled transfers and shutdown.
    public static let abortedByCallback = CurlCode(CURLE_ABORTED_BY_CALLBACK)
    /// `CURLE_BAD_FUNCTION_ARGUMENT`.
    public static let badFunctionArgument = CurlCode(CURLE_BAD_FUNCTION_ARGUMENT)
    /// `CURLE_TOO_MANY_REDIRECTS`.
    public static let tooManyRedirects = CurlCode(CURLE_TOO_MANY_REDIRECTS)
    /// `CURLE_UNKNOWN_OPTION`.
    public static let unknownOption = CurlCode(CURLE_UNKNOWN_OPTION)
    /// `CURLE_GOT_NOTHING`: the server closed the connection without a reply.
    public static let gotNothing = CurlCode(CURLE_GOT_NOTHING)
    /// `CURLE_SSL_ENGINE_NOTFOUND`.
    public static let sslEngineNotFound = CurlCode(CURLE_SSL_ENGINE_NOTFOUND)
    /// `CURLE_SEND_ERROR`: also what curl returns when an SMTP server rejects `MAIL FROM`, `RCPT TO` or `DATA`.
    public static let sendError = CurlCode(CURLE_SEND_ERROR)
    /// `CURLE_RECV_ERROR`.
    public static let recvError = CurlCode(CURLE_RECV_ERROR)
    /// `CURLE_SSL_CERTPROBLEM`: the local client certificate.
    public static let sslCertProblem = CurlCode(CURLE_SSL_CERTPROBLEM)
    /// `CURLE_SSL_CIPHER`.
    public static let sslCipher = CurlCode(CURLE_SSL_CIPHER)
    /// `CURLE_PEER_FAILED_VERIFICATION`: the server's certificate or name did not verify.
    public static let peerFailedVerification = CurlCode(CURLE_PEER_FAILED_VERIFICATION)
    /// `CURLE_USE_SSL_FAILED`: TLS was required (STARTTLS) and the server does not offer it.
    public static let useSSLFailed = CurlCode(CURLE_USE_SSL_FAILED)
    /// `CURLE_LOGIN_DENIED`.
    public static let loginDenied = CurlCode(CURLE_LOGIN_DENIED)
    /// `CURLE_SSL_CACERT_BADFILE`.
    public static let sslCACertBadFile = CurlCode(CURLE_SSL_CACERT_BADFILE)
    /// `CURLE_SSL_SHUTDOWN_FAILED`.
    public static let sslShutdownFailed = CurlCode(CURLE_SSL_SHUTDOWN_FAILED)
    /// `CURLE_AGAIN`.
    public static let again = CurlCode(CURLE_AGAIN)
    /// `CURLE_SSL_CRL_BADFILE`.
    public static let sslCRLBadFile = CurlCode(CURLE_SSL_CRL_BADFILE)
    /// `CURLE_SSL_ISSUER_ERROR`.
    public static let sslIssuerError = CurlCode(CURLE_SSL_ISSUER_ERROR)
    /// `CURLE_HTTP2_STREAM`.
    public static let http2Stream = CurlCode(CURLE_HTTP2_STREAM)
    /// `CURLE_SSL_PINNEDPUBKEYNOTMATCH`.
    public static let sslPinnedPublicKeyNotMatch = CurlCode(CURLE_SSL_PINNEDPUBKEYNOTMATCH)
    /// `CURLE_SSL_INVALIDCERTSTATUS`.
    public static let sslInvalidCertStatus = CurlCode(CURLE_SSL_INVALIDCERTSTATUS)
    /// `CURLE_HTTP3`.
    public static let http3 = CurlCode(CURLE_HTTP3)
    /// `CURLE_QUIC_CONNECT_ERROR`.
    public static let quicConnectError = CurlCode(CURLE_QUIC_CONNECT_ERROR)
    /// `CURLE_PROXY`.
    public static let proxy = CurlCode(CURLE_PROXY)

    /// curl's own short description of the code (`curl_easy_strerror`).
    public var description: String {
        String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(truncatingIfNeeded: rawValue))))
    }
}

/// One response header.
public struct CurlHeader: Sendable, Hashable {
    /// The header's name as the server sent it.
    public var name: String
    /// The value, without surrounding white space.
    public var value: String
}

/// One transfer for `CurlMulti`: an HTTP request or an SMTP submission.
public struct CurlRequest: Sendable {
    /// The URL: `http(s)://…` or `smtp(s)://host:port`.
    public var url: String
    /// The HTTP method; nil means GET, or POST when there is a body.
    public var method: String?
    /// Request header lines, `Name: value`.
    public var headers: [String]
    /// A request body, handed to curl with `CURLOPT_COPYPOSTFIELDS`.
    public var body: Data?
    /// Data to upload through the read callback (`CURLOPT_UPLOAD`): the message for SMTP.
    public var upload: Data?
    /// The SMTP envelope sender (`CURLOPT_MAIL_FROM`).
    public var mailFrom: String?
    /// The SMTP envelope recipients (`CURLOPT_MAIL_RCPT`).
    public var mailRecipients: [String]
    /// A user name for login (`CURLOPT_USERNAME`).
    public var username: String?
    /// A password for login (`CURLOPT_PASSWORD`).
    public var password: String?
    /// Require TLS on a plain connection (STARTTLS for SMTP): `CURLOPT_USE_SSL` = `CURLUSESSL_ALL`.
    public var requireTLS: Bool
    /// A file of CA certificates to trust instead of the system's (`CURLOPT_CAINFO`).
    public var caFile: String?
    /// The longest the connection (with the TLS handshake) may take.
    public var connectTimeout: Duration
    /// The longest the whole transfer may take, connection included.
    public var timeout: Duration
    /// Response body bytes kept; more are read and dropped.
    public var maxResponseBytes: Int
    /// The protocols curl may use for this URL (`CURLOPT_PROTOCOLS_STR`).
    public var allowedProtocols: String

    /// Creates a request; only the URL is required.
    public init(
        url: String, method: String? = nil, headers: [String] = [], body: Data? = nil, upload: Data? = nil,
        mailFrom: String? = nil, mailRecipients: [String] = [], username: String? = nil, password: String? = nil,
        requireTLS: Bool = false, caFile: String? = nil, connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30), maxResponseBytes: Int = 64 * 1024,
        allowedProtocols: String = "http,https,smtp,smtps"
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.upload = upload
        self.mailFrom = mailFrom
        self.mailRecipients = mailRecipients
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.allowedProtocols = allowedProtocols
    }
}

/// What came back from one transfer.
public struct CurlResponse: Sendable {
    /// curl's result code.
    public var code: CurlCode
    /// curl's own error text (`CURLOPT_ERRORBUFFER`, else `curl_easy_strerror`); empty on success.
    public var errorText: String
    /// The HTTP status, or the last SMTP reply code (`CURLINFO_RESPONSE_CODE`); 0 when there was none.
    public var status: Int
    /// The headers of the final HTTP response.
    public var headers: [CurlHeader]
    /// The raw header lines of the final HTTP response, or every SMTP server reply line.
    public var headerLines: [String]
    /// The response body (at most the request's `maxResponseBytes`).
    public var body: Data
    /// The time the transfer took, from when curl started it.
    public var totalTime: Duration

    /// The first header with this name, ignoring case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    static func failed(_ code: CurlCode, _ text: String) -> CurlResponse {
        CurlResponse(
            code: code, errorText: text, status: 0, headers: [], headerLines: [], body: Data(), totalTime: .zero)
    }
}

/// libcurl is initialised once per process, before the first handle.
private let curlGlobalInit: CURLcode = ccurl_global_init_all()

/// One curl multi handle on its own thread: many transfers at once, none blocking Swift concurrency.
public final class CurlMulti: @unchecked Sendable {
    private let engine: Engine

    /// Starts the multi handle's thread; `maxConnectionsPerHost` 0 means no limit.
    public init(maxConnectionsPerHost: Int = 0) {
        _ = curlGlobalInit
        engine = Engine(maxConnectionsPerHost: maxConnectionsPerHost)
        let engine = engine
        let thread = Thread { engine.run() }
        thread.name = "beredskab-curl-multi"
        thread.start()
    }

    deinit { engine.shutdown() }

    /// Runs one transfer to completion; cancelling the task aborts it.
    public func perform(_ request: CurlRequest) async -> CurlResponse {
        let transfer = Transfer(request)
        let engine = engine
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                engine.enqueue(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// Aborts every transfer in flight and stops the thread; later transfers fail at once.
    public func shutdown() { engine.shutdown() }
}

/// One transfer's state. After `enqueue` only the multi thread touches it, except `cancelRequested`,
/// which the engine's lock guards.
private final class Transfer: @unchecked Sendable {
    let request: CurlRequest
    var continuation: CheckedContinuation<CurlResponse, Never>?
    var cancelRequested = false
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var recipientList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    var upload: [UInt8]
    var uploadOffset = 0
    var body: [UInt8] = []
    var headerLines: [String] = []

    init(_ request: CurlRequest) {
        self.request = request
        upload = request.upload.map { Array($0) } ?? []
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    func complete(_ response: CurlResponse) {
        continuation?.resume(returning: response)
        continuation = nil
    }
}

private struct OptionError: Error {
    var code: CURLcode
    var what: String
}

/// The multi handle and the loop that drives it on the dedicated thread.
private final class Engine: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var pending: [Transfer] = []
    private var cancellations: [Transfer] = []
    private var stopping = false
    private var closed = false
    // Only the multi thread touches these.
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]

    init(maxConnectionsPerHost: Int) {
        multi = curl_multi_init()
        if maxConnectionsPerHost > 0 {
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        }
    }

    func enqueue(_ transfer: Transfer) {
        let accepted = lock.withLock {
            guard !stopping else { return false }
            pending.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted { transfer.complete(.failed(.abortedByCallback, "the curl multi handle was shut down")) }
    }

    func cancel(_ transfer: Transfer) {
        lock.withLock {
            transfer.cancelRequested = true
            guard !closed else { return }
            cancellations.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    func shutdown() {
        lock.withLock {
            guard !stopping else { return }
            stopping = true
            if !closed { curl_multi_wakeup(multi) }
        }
    }

    func run() {
        while true {
            let (starting, cancelling, stop) = lock.withLock {
                let taken = (pending.map { ($0, $0.cancelRequested) }, cancellations, stopping)
                pending.removeAll()
                cancellations.removeAll()
                return taken
            }
            for (transfer, cancelled) in starting {
                if cancelled {
                    transfer.complete(.failed(.abortedByCallback, "the transfer was cancelled"))
                } else {
                    start(transfer)
                }
            }
            for transfer in cancelling {
                if let easy = transfer.easy, active[easy] === transfer {
                    finish(easy, code: .abortedByCallback, text: "the transfer was cancelled")
                }
            }
            if stop {
                for easy in Array(active.keys) {
                    finish(easy, code: .abortedByCallback, text: "the curl multi handle was shut down")
                }
                break
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                finish(easy, code: CurlCode(result), text: nil)
            }
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        let leftovers = lock.withLock {
            closed = true
            let left = pending
            pending.removeAll()
            return left
        }
        for transfer in leftovers {
            transfer.complete(.failed(.abortedByCallback, "the curl multi handle was shut down"))
        }
        curl_multi_cleanup(multi)
    }

    private func start(_ transfer: Transfer) {
        guard let easy = curl_easy_init() else {
            transfer.complete(.failed(.outOfMemory, "curl_easy_init failed"))
            return
        }
        transfer.easy = easy
        do {
            try configure(easy, transfer)
        } catch let error as OptionError {
            let code = CurlCode(error.code)
            cleanUp(easy, transfer)
            transfer.complete(.failed(code, "could not set \(error.what): \(code)"))
            return
        } catch {
            cleanUp(easy, transfer)
            transfer.complete(.failed(.badFunctionArgument, "\(error)"))
            return
        }
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            cleanUp(easy, transfer)
            let text = String(cString: curl_multi_strerror(added))
            transfer.complete(.failed(.badFunctionArgument, "curl_multi_add_handle: \(text)"))
            return
        }
        active[easy] = transfer
    }

    private func configure(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer) throws {
        let request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        func check(_ code: CURLcode, _ what: String) throws {
            guard code == CURLE_OK else { throw OptionError(code: code, what: what) }
        }
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer), "the error buffer")
        try check(ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url), "the URL")
        try check(ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, request.allowedProtocols), "the protocols")
        try check(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "no signals")
        try check(
            ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds),
            "the connect timeout")
        try check(
            ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeout.curlMilliseconds), "the timeout")
        try check(
            ccurl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                let total = size * count
                let keep = min(total, max(0, transfer.request.maxResponseBytes - transfer.body.count))
                if keep > 0, let data {
                    data.withMemoryRebound(to: UInt8.self, capacity: keep) {
                        transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: keep))
                    }
                }
                return total
            }, "the write callback")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context), "the write context")
        try check(
            ccurl_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                let total = size * count
                guard let data else { return total }
                let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
                }
                transfer.receivedHeaderLine(line)
                return total
            }, "the header callback")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context), "the header context")
        if let body = request.body {
            try check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "the size")
            let bytes = Array(body) + [0]
            try bytes.withUnsafeBytes { raw in
                try check(
                    ccurl_easy_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)),
                    "the body")
            }
            if let method = request.method, method != "POST" {
                try check(ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method), "the method")
            }
        } else if request.upload != nil {
            try check(ccurl_easy_setopt_long(easy, CURLOPT_UPLOAD, 1), "upload")
            try check(
                ccurl_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(transfer.upload.count)),
                "the upload size")
            try check(
                ccurl_easy_setopt_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, context in
                    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                    let n = min(size * count, transfer.upload.count - transfer.uploadOffset)
                    guard n > 0, let buffer else { return 0 }
                    transfer.upload.withUnsafeBytes { source in
                        UnsafeMutableRawPointer(buffer).copyMemory(
                            from: source.baseAddress! + transfer.uploadOffset, byteCount: n)
                    }
                    transfer.uploadOffset += n
                    return n
                }, "the read callback")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_READDATA, context), "the read context")
        } else if let method = request.method, method != "GET" {
            if method == "HEAD" {
                try check(ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1), "HEAD")
            } else {
                try check(ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method), "the method")
            }
        }
        var headers = request.headers
        if request.body != nil, !headers.contains(where: { $0.lowercased().hasPrefix("expect:") }) {
            // Without this curl waits up to a second for `100 Continue` before sending a larger body.
            headers.append("Expect:")
        }
        for line in headers { transfer.headerList = curl_slist_append(transfer.headerList, line) }
        if let list = transfer.headerList {
            try check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list), "the headers")
        }
        if let from = request.mailFrom {
            try check(ccurl_easy_setopt_string(easy, CURLOPT_MAIL_FROM, from), "the envelope sender")
        }
        for recipient in request.mailRecipients {
            transfer.recipientList = curl_slist_append(transfer.recipientList, recipient)
        }
        if let list = transfer.recipientList {
            try check(ccurl_easy_setopt_slist(easy, CURLOPT_MAIL_RCPT, list), "the envelope recipients")
        }
        if let username = request.username {
            try check(ccurl_easy_setopt_string(easy, CURLOPT_USERNAME, username), "the user name")
        }
        if let password = request.password {
            try check(ccurl_easy_setopt_string(easy, CURLOPT_PASSWORD, password), "the password")
        }
        if request.requireTLS {
            try check(ccurl_easy_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)), "TLS required")
        }
        if let caFile = request.caFile {
            try check(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile), "the CA file")
        }
    }

    private func finish(_ easy: UnsafeMutableRawPointer, code: CurlCode, text: String?) {
        guard let transfer = active.removeValue(forKey: easy) else { return }
        var status = 0
        var totalMicroseconds: curl_off_t = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_easy_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &totalMicroseconds)
        var errorText = text ?? String(cString: transfer.errorBuffer)
        if errorText.isEmpty, code != .ok { errorText = code.description }
        curl_multi_remove_handle(multi, easy)
        cleanUp(easy, transfer)
        let headers = transfer.headerLines.compactMap { line -> CurlHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return CurlHeader(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmedASCII)
        }
        transfer.complete(
            CurlResponse(
                code: code, errorText: errorText.trimmedASCII, status: status,
                headers: headers, headerLines: transfer.headerLines, body: Data(transfer.body),
                totalTime: .microseconds(Int64(totalMicroseconds))))
    }

    private func cleanUp(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer) {
        curl_easy_cleanup(easy)
        transfer.easy = nil
        curl_slist_free_all(transfer.headerList)
        curl_slist_free_all(transfer.recipientList)
        transfer.headerList = nil
        transfer.recipientList = nil
    }
}

extension Transfer {
    /// Keeps the header lines of the latest HTTP response; for SMTP, every reply line.
    fileprivate func receivedHeaderLine(_ raw: String) {
        let line = raw.trimmedASCII
        if line.hasPrefix("HTTP/") { headerLines.removeAll() }
        if !line.isEmpty { headerLines.append(line) }
    }
}

extension StringProtocol {
    /// Without ASCII spaces, tabs, carriage returns and line feeds at either end: what a header
    /// line carries. (Foundation's `trimmingCharacters` goes through NSString on Linux and was a
    /// visible share of a delivery's CPU time; issue 16.)
    var trimmedASCII: String {
        let bytes = Array(utf8)
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (curl reads 0 as "no timeout").
    fileprivate var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

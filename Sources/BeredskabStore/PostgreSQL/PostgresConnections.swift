import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives: parsed from `postgres://user:password@host:port/database`
/// (`postgresql://` too). The password may be left out (a server that trusts the host); the port
/// defaults to 5432, the user to `postgres` and the database to the user's name. `?sslmode=require`
/// (or `verify-ca`, `verify-full`) asks for TLS, always verified against the system's trust roots
/// and the host name; none or `disable` is plain TCP, as on 127.0.0.1; any other mode is refused.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requireTLS = false

    /// Parses a `postgres://` URL; nil when `text` is not one.
    public init?(url text: String) {
        guard let parts = URLComponents(string: text), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, !host.isEmpty
        else { return nil }
        self.host = host
        port = parts.port ?? 5432
        user = parts.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = parts.password.flatMap { $0.removingPercentEncoding }
        let name = String(parts.path.drop { $0 == "/" })
        database = name.isEmpty ? user : name
        // TLS is verified (the system's trust roots and the host name) for every mode that asks
        // for it; a mode this store does not know is refused rather than read as plain text.
        switch parts.queryItems?.last(where: { $0.name == "sslmode" })?.value {
        case nil, "disable": requireTLS = false
        case "require", "verify-ca", "verify-full": requireTLS = true
        default: return nil
        }
    }

    /// Whether `text` names a PostgreSQL store rather than a folder.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL without its password, for logs and messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// A small pool of PostgreSQL connections used from synchronous code.
///
/// The store's protocol (``IncidentStore``) is synchronous, as SQLite is. Each call here waits on
/// an `EventLoopFuture` of postgres-nio, whose connections live on the pool's own event loop
/// thread, never on the caller's: so waiting cannot deadlock the server's event loops or Swift's
/// cooperative threads (`PostgresClient`, the library's own pool, runs its callers' code as async
/// tasks, which a blocked cooperative thread could starve on a 2-core machine). A connection that
/// fails is closed and a new one opened on next use.
final class PostgresPool: @unchecked Sendable {
    let location: PostgresLocation
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    /// How many connections may be open at once.
    let limit: Int
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private var closed = false

    init(_ location: PostgresLocation, connections: Int = 8) {
        self.location = location
        limit = max(1, connections)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "beredskab.postgres")
        logger.logLevel = .error
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Closes every idle connection and the event loop; later calls throw.
    func close() {
        condition.lock()
        let connections = idle
        idle = []
        let wasClosed = closed
        closed = true
        condition.unlock()
        guard !wasClosed else { return }
        for connection in connections { try? connection.close().wait() }
        try? group.syncShutdownGracefully()
    }

    var configuration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        if location.requireTLS, let context = try? NIOSSLContextMaker.make() {
            configuration.tls = .require(context)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Opens a connection: the pool's, or one outside it (the listener for reloads, `migrate-store`).
    /// Throws ``PostgresStoreError/connecting(to:_:)``'s error.
    func connect() throws -> PostgresConnection {
        condition.lock()
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: id, logger: logger
            ).wait()
        } catch {
            throw PostgresStoreError.connecting(to: location, error)
        }
    }

    /// Runs `body` with a connection of the pool, waiting for one when all are busy.
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        var healthy = true
        defer { checkIn(connection, healthy: healthy && !connection.isClosed) }
        do {
            return try body(PGConnection(connection: connection, logger: logger))
        } catch {
            healthy = !Self.breaksConnection(error)
            throw error
        }
    }

    /// Called before every rollback of ``write(_:)``, while the transaction still holds its locks.
    /// Set once, before the pool is used.
    nonisolated(unsafe) var rollingBack: (@Sendable () -> Void)?

    /// Called first in every ``write(audits:_:)`` that may append to the audit log. The store
    /// locks the head of the audit chain there: every such transaction takes that lock before any
    /// row lock, so two of them can never wait for each other the other way round (a deadlock a
    /// report merged on one instance and a delivery result recorded on another once made).
    /// Set once, before the pool is used.
    nonisolated(unsafe) var beginning: ((PGConnection) throws -> Void)?

    /// Runs `body` in a transaction (READ COMMITTED): committed when it returns, rolled back when
    /// it throws (or the commit fails), after ``rollingBack``. `audits: false` for a transaction
    /// that never appends to the audit log (claims, heartbeats, migrations): it skips ``beginning``.
    func write<T>(audits: Bool = true, _ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { db in
            try db.execute("BEGIN")
            do {
                if audits { try beginning?(db) }
                let value = try body(db)
                try db.flushAudit()
                try db.execute("COMMIT")
                return value
            } catch {
                rollingBack?()
                _ = try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` in one read-only snapshot (REPEATABLE READ): every statement sees the same data.
    func snapshot<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { db in
            try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            do {
                let value = try body(db)
                try db.execute("COMMIT")
                return value
            } catch {
                _ = try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` outside any transaction: each statement stands alone.
    func read<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try withConnection(body)
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw StoreFileError("the connections to \(location) are closed")
            }
            if let connection = idle.popLast() {
                condition.unlock()
                if connection.isClosed {
                    condition.lock()
                    open -= 1
                    continue
                }
                return connection
            }
            if open < limit {
                open += 1
                condition.unlock()
                do {
                    let connection = try connect()
                    do {
                        // Short statements only: compiling one with LLVM (PostgreSQL's JIT, on when a
                        // plan's estimated cost is high) took 60-100 ms where running it took 0.2.
                        _ = try connection.query("SET jit = off", logger: logger).wait()
                    } catch {
                        try? connection.close().wait()
                        throw PostgresStoreError.connecting(to: location, error)
                    }
                    return connection
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ connection: PostgresConnection, healthy: Bool) {
        condition.lock()
        if healthy && !closed {
            idle.append(connection)
        } else {
            open -= 1
        }
        condition.signal()
        condition.unlock()
        if !healthy { _ = connection.close() as EventLoopFuture<Void> }
    }

    /// Errors after which a connection is not reused: it was lost, or left in an unknown state.
    static func breaksConnection(_ error: any Error) -> Bool {
        if let error = error as? PostgresStoreError { return error.isConnectionFailure }
        guard let error = error as? PSQLError else { return false }
        return error.code != .server
    }
}

/// TLS for `sslmode=require`: the system's trust roots.
enum NIOSSLContextMaker {
    static func make() throws -> NIOSSLContext {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }
}

/// One connection of a ``PostgresPool``, in use by one caller: its statements wait for their results.
///
/// Statements are `PostgresQuery` values, written with interpolation so that every value is sent
/// as a bound parameter: `try db.query("SELECT id FROM incident WHERE area = \(area)")`. Use
/// `\(unescaped: text)` only for SQL the code itself wrote (column lists, `ORDER BY`).
struct PGConnection {
    let connection: PostgresConnection
    let logger: Logger
    /// What the store keeps for the rest of this transaction (or of this read).
    let state = TransactionState()

    /// Runs a statement and returns every row.
    func query(_ query: PostgresQuery) throws -> [PGRow] {
        try PostgresStoreError.wrapping(query) {
            try connection.query(query, logger: logger).wait().map { PGRow($0.makeRandomAccess()) }
        }
    }

    /// Runs a statement and returns its first row, if any.
    func one(_ query: PostgresQuery) throws -> PGRow? {
        try self.query(query).first
    }

    /// Runs a statement and returns the first column of its first row, nil when there is no row
    /// (or the value is NULL).
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> T? {
        guard let cell = try one(query)?.cell(0), cell.bytes != nil else { return nil }
        return try cell.decode(T.self)
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try PostgresStoreError.wrapping(query) {
            try connection.query(query, logger: logger).wait().metadata.rows ?? 0
        }
    }

    /// Runs `body` in a savepoint: its changes are undone when it throws, and the error is rethrown.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        let (pending, head) = (state.pendingAudit.count, state.auditHead)
        try execute("SAVEPOINT beredskab_savepoint")
        do {
            let value = try body()
            try execute("RELEASE SAVEPOINT beredskab_savepoint")
            return value
        } catch {
            try execute("ROLLBACK TO SAVEPOINT beredskab_savepoint")
            // The audit entries made inside it are undone with it.
            state.pendingAudit.removeLast(state.pendingAudit.count - pending)
            state.auditHead = head
            throw error
        }
    }
}

/// What a transaction keeps beside the database until it ends: the audit entries it appends,
/// written in one statement just before it commits, and the head of the chain they hang from.
final class TransactionState {
    /// The chain's head as this transaction left it; nil until it first appends.
    var auditHead: (seq: Int, hash: String)?
    /// Entries appended and not yet written.
    var pendingAudit: [AuditChainWalk.Entry] = []
    /// The exercise limits of incidents already asked about (nil inside: not an exercise); they
    /// never change once the incident is stored.
    var exerciseLimits: [String: (onlyRoles: [String]?, onlyOrgs: [String]?)?] = [:]
}

/// A row read from PostgreSQL, read by column name or position like GRDB's `Row`:
/// `let id: String = row["id"]`, `let closed: Int? = row["closed_at"]`.
///
/// A column whose value does not decode as the type asked for is a programming error (the schema
/// and the code disagree) and stops the process, as GRDB does.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func cell(_ index: Int) -> PostgresCell { row[index] }

    subscript<T: PostgresDecodable>(_ column: String) -> T {
        do {
            return try row[column].decode(T.self)
        } catch {
            fatalError("column \(column) does not decode as \(T.self): \(error)")
        }
    }

    subscript<T: PostgresDecodable>(_ index: Int) -> T {
        do {
            return try row[index].decode(T.self)
        } catch {
            fatalError("column \(index) does not decode as \(T.self): \(error)")
        }
    }
}

/// A statement PostgreSQL refused or could not run, with what the server said.
///
/// postgres-nio's `PSQLError` prints only a generic text (to keep data out of logs); this keeps
/// the server's message, its SQLSTATE code (PostgreSQL's appendix A) and the statement's first
/// line, never its values, and the original error as `cause`.
public struct PostgresStoreError: Error, CustomStringConvertible {
    /// The SQLSTATE code, e.g. `23505` (unique violation), `40001` (serialization failure); nil
    /// when the connection failed before the server answered.
    public var sqlState: String?
    /// The server's message, or what went wrong with the connection.
    public var message: String
    /// The statement's first line.
    public var statement: String
    /// The error from postgres-nio.
    public var cause: any Error

    public var description: String {
        "PostgreSQL: \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
            + (statement.isEmpty ? "" : " in: \(statement)")
    }

    /// Whether the connection to the server was lost or never made.
    public var isConnectionFailure: Bool {
        guard let error = cause as? PSQLError else { return false }
        return error.code != .server
    }

    /// Why a connection to `location` could not be made: the server's word (a wrong password, an
    /// unknown database) or the network's (connection refused), never the password.
    static func connecting(to location: PostgresLocation, _ error: any Error) -> PostgresStoreError {
        guard let error = error as? PSQLError else {
            return PostgresStoreError(
                sqlState: nil, message: "cannot connect to \(location): \(error)", statement: "", cause: error)
        }
        let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
        return PostgresStoreError(
            sqlState: error.serverInfo?[.sqlState], message: "cannot connect to \(location): \(reason)",
            statement: "", cause: error)
    }

    static func wrapping<T>(_ query: PostgresQuery, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PSQLError {
            let statement = query.sql.split(separator: "\n").first.map(String.init) ?? ""
            throw PostgresStoreError(
                sqlState: error.serverInfo?[.sqlState], message: error.serverInfo?[.message] ?? "\(error.code)",
                statement: statement.trimmingCharacters(in: .whitespaces), cause: error)
        }
    }
}

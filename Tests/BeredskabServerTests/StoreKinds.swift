import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import BeredskabStore

/// The stores the store tests run against: SQLite always, and PostgreSQL when
/// `BEREDSKAB_TEST_POSTGRES` names a server (`postgres://user:password@127.0.0.1:port/db`, a user
/// who may create databases). `scripts/test` starts one (scripts/postgres) and sets it, so CI runs
/// every store test on both; `BEREDSKAB_TEST_POSTGRES=required` without a URL fails instead of
/// leaving PostgreSQL out.
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The server the PostgreSQL cases use, if any.
    static let server: PostgresLocation? = {
        guard let url = ProcessInfo.processInfo.environment["BEREDSKAB_TEST_POSTGRES"], !url.isEmpty else {
            return nil
        }
        guard let location = PostgresLocation(url: url) else {
            fatalError("BEREDSKAB_TEST_POSTGRES is not a postgres:// URL: \(url)")
        }
        return location
    }()

    /// SQLite, and PostgreSQL when a server is given.
    static let all: [StoreKind] = server == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { rawValue }
}

extension Fixture {
    /// The PostgreSQL database of this fixture: its own, made on first use on the test server.
    var database: PostgresLocation {
        get throws {
            guard var location = StoreKind.server else {
                throw StoreFileError("no PostgreSQL server: set BEREDSKAB_TEST_POSTGRES (scripts/test does)")
            }
            let name = "t_" + folder.lastPathComponent.filter { $0.isHexDigit }.lowercased()
            try Self.createDatabase(name, on: location)
            location.database = name
            return location
        }
    }

    private static let created = CreatedDatabases()

    static func createDatabase(_ name: String, on server: PostgresLocation) throws {
        guard created.insert(name) else { return }
        let admin = PostgresPool(server, connections: 1)
        defer { admin.close() }
        try admin.read { db in
            if try db.one("SELECT 1 FROM pg_database WHERE datname = \(name)") == nil {
                try db.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
            }
        }
    }

    /// Opens this fixture's store of `kind`: the same data each time it is opened again.
    func open(
        _ kind: StoreKind, lookback: Int = 90 * 86_400, lookahead: Int = 86_400
    ) throws -> any IncidentStore {
        switch kind {
        case .sqlite: try SQLiteStore(path: path, lookback: lookback, lookahead: lookahead)
        case .postgres: try PostgresStore(database, lookback: lookback, lookahead: lookahead, connections: 4)
        }
    }

    /// The first column of the first row of `sql`, as an integer (0 for NULL or no row), read
    /// straight from the store of `kind`: SQL both stores speak, for the tests' own checks.
    func count(_ kind: StoreKind, _ sql: String) throws -> Int {
        switch kind {
        case .sqlite:
            return try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        case .postgres:
            let pool = PostgresPool(try database, connections: 1)
            defer { pool.close() }
            return try pool.read { db in try db.scalar(PostgresQuery(unsafeSQL: sql), as: Int.self) ?? 0 }
        }
    }

    /// Runs `sql` straight on the store of `kind` (for tests that tamper with the data as an
    /// attacker or a crash would).
    func execute(_ kind: StoreKind, _ sql: String) throws {
        switch kind {
        case .sqlite:
            try DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
        case .postgres:
            let pool = PostgresPool(try database, connections: 1)
            defer { pool.close() }
            try pool.read { db in _ = try db.execute(PostgresQuery(unsafeSQL: sql)) }
        }
    }
}

/// The databases this test process has made, so each is made once.
final class CreatedDatabases: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []

    func insert(_ name: String) -> Bool { lock.withLock { names.insert(name).inserted } }
}

import Foundation
import Testing

@testable import BeredskabStore

/// A PostgreSQL store that cannot be reached: callers hear "try again later" (HTTP 503) and why,
/// never the password.
@Suite struct PostgresFaultTests {
    @Test func aServerThatRefusesTheConnectionIsUnavailableNotABug() throws {
        let location = try #require(PostgresLocation(url: "postgres://beredskab:s3cret@127.0.0.1:1/beredskab"))
        let error = try #require(
            #expect(throws: PostgresStoreError.self) { _ = try PostgresStore(location, connections: 1) })
        #expect(storeUnavailableReason(error) == "the PostgreSQL server cannot be reached")
        #expect(error.description.contains("postgres://beredskab@127.0.0.1:1/beredskab"))
        #expect(!error.description.contains("s3cret"))
    }

    @Test(arguments: ["postgres://h/db?sslmode=prefer", "postgres://h/db?sslmode=allow", "mysql://h/db", "postgres:/h"])
    func aURLThisStoreCannotHonourIsRefused(_ url: String) {
        #expect(PostgresLocation(url: url) == nil)
    }

    @Test func theURLsDefaultsAndTLSModes() throws {
        let plain = try #require(PostgresLocation(url: "postgres://ops@db.example"))
        #expect((plain.port, plain.database, plain.requireTLS) == (5432, "ops", false))
        #expect(try #require(PostgresLocation(url: "postgresql://db.example/x?sslmode=verify-full")).requireTLS)
        #expect(try #require(PostgresLocation(url: "postgres://db.example/x?sslmode=disable")).requireTLS == false)
    }
}

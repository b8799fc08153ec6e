import GRDB

/// Why the store cannot write now, when `error` says so: SQLite reports the disk full
/// (`SQLITE_FULL`), the file read-only (`SQLITE_READONLY`), an I/O error (`SQLITE_IOERR`), a file it
/// cannot open (`SQLITE_CANTOPEN`) or a lock held too long (`SQLITE_BUSY`). These pass when space
/// returns or the file system recovers, and SQLite has rolled the transaction back, so nothing was
/// half-written: callers answer "try again later" (HTTP 503) rather than report a bug. Returns nil
/// for any other error. For PostgreSQL: the server cannot be reached, is shutting down, out of
/// disk or connections, or a transaction lost a race to another instance (SQLSTATE classes 08,
/// 53, 57P, 40).
public func storeUnavailableReason(_ error: any Error) -> String? {
    if let error = error as? PostgresStoreError { return error.unavailableReason }
    guard let error = error as? DatabaseError else { return nil }
    switch error.resultCode {
    case .SQLITE_FULL: return "the disk is full"
    case .SQLITE_READONLY: return "the store is read-only"
    case .SQLITE_IOERR: return "the disk reports an I/O error"
    case .SQLITE_CANTOPEN: return "the store file cannot be opened"
    case .SQLITE_BUSY: return "the store is busy"
    default: return nil
    }
}

extension PostgresStoreError {
    /// Why PostgreSQL cannot take writes now, when that is what this error says; nil otherwise.
    var unavailableReason: String? {
        if isConnectionFailure { return "the PostgreSQL server cannot be reached" }
        guard let state = sqlState else { return nil }
        if state.hasPrefix("08") { return "the connection to the PostgreSQL server failed" }
        if state == "53100" { return "the PostgreSQL server's disk is full" }
        if state.hasPrefix("53") { return "the PostgreSQL server is out of resources" }
        if state.hasPrefix("57P") { return "the PostgreSQL server is shutting down or restarting" }
        if state == "25006" { return "the PostgreSQL server is read-only (a standby)" }
        if state.hasPrefix("40") { return "the store is busy" }
        if state.hasPrefix("28") { return "the PostgreSQL server refuses the store's user" }
        if state == "3D000" { return "the PostgreSQL database does not exist" }
        return nil
    }
}

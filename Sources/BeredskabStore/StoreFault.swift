import GRDB

/// Why the store cannot write now, when `error` says so: SQLite reports the disk full
/// (`SQLITE_FULL`), the file read-only (`SQLITE_READONLY`), an I/O error (`SQLITE_IOERR`), a file it
/// cannot open (`SQLITE_CANTOPEN`) or a lock held too long (`SQLITE_BUSY`). These pass when space
/// returns or the file system recovers, and SQLite has rolled the transaction back, so nothing was
/// half-written: callers answer "try again later" (HTTP 503) rather than report a bug. Returns nil
/// for any other error.
public func storeUnavailableReason(_ error: any Error) -> String? {
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

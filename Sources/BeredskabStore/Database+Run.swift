import GRDB

extension Database {
    /// Executes one SQL statement prepared once per connection (GRDB's statement cache) rather
    /// than on every call: preparing was among the costliest steps of intake (issue 16).
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

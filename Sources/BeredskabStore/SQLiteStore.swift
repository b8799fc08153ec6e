import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabTime
import Crypto
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode with full fsync on commit, so an accepted report
/// survives a crash the moment the caller hears "accepted".
public final class SQLiteStore: IncidentStore {
    let pool: DatabasePool
    /// Acknowledgement links stay valid this long after sending.
    public let ackValidity = 7 * 86_400
    /// How far back and ahead of an incident history is read; the server sets it from the engine.
    let lookback: Int
    let lookahead: Int
    let secret: SymmetricKey
    /// Held while the store is open, so `restore` can tell that a server is using the file.
    let lock: StoreLock
    /// The incidents the rules can see, in memory and kept in step with the `incident` table.
    let recent: RecentIncidents
    /// The live API tokens, in memory.
    let liveTokens: TokenCache
    /// The writer connection's page cache (KiB).
    static let writerCacheKiB = 32 * 1024
    /// Copies the write-ahead log into the database file away from the writer.
    let checkpointer: Checkpointer

    /// Opens (creating and migrating as needed) the database at a path. History for a new report
    /// is read from `lookback` seconds before it to `lookahead` after (`Engine.lookback`, `Engine.lookahead`).
    public convenience init(path: String, lookback: Int = 90 * 86_400, lookahead: Int = 86_400) throws {
        try self.init(path: path, lookback: lookback, lookahead: lookahead, tracing: nil)
    }

    /// Opens the store, passing the SQL of every statement its pooled connections run, with `?`
    /// for values, to `tracing` (the query-plan tests; never the server, as it would slow every statement).
    init(
        path: String, lookback: Int = 90 * 86_400, lookahead: Int = 86_400,
        tracing: (@Sendable (String) -> Void)?
    ) throws {
        self.lookback = lookback
        self.lookahead = lookahead
        lock = try StoreLock(store: path, exclusive: false)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Each report of a batch runs in a savepoint, whose journal SQLite spills to a new file
            // in /var/tmp past 64 KiB: one report's pages are more than that, so each commit made,
            // wrote and deleted a file (issue 16). In memory, it costs only the pages it holds.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if let tracing {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { tracing(statement.sql) }
                }
            }
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.refuseNewer(pool, path: path)
        try Self.migrator.migrate(pool)
        // Only the writer commits; the checkpointer, not the writer, copies the log back.
        // The writer's page cache holds the indexes intake writes to (32 MiB; SQLite's default is
        // 2 MB). With the default, at 30,000 incidents the writer read 59 pages from the file for each
        // report (issue 16). Readers keep the default: SQLite empties their cache whenever the
        // writer has committed since they last read.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
        }
        checkpointer = try Checkpointer(path: path)
        recent = RecentIncidents(lookback: lookback)
        pool.add(transactionObserver: recent)
        liveTokens = try TokenCache(path: path)
        secret = try pool.write { db in
            if let stored = try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM secret WHERE name = 'ack'")) {
                return SymmetricKey(data: stored)
            }
            let key = SymmetricKey(size: .bits256)
            let data = key.withUnsafeBytes { Data($0) }
            try db.run(sql: "INSERT INTO secret (name, value) VALUES ('ack', ?)", arguments: [data])
            return key
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: incidents, outbox, attempts, acknowledgements, tasks, timers, audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE secret (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE token (
                        hash TEXT PRIMARY KEY, organisation TEXT NOT NULL, created_at INTEGER NOT NULL,
                        revoked_at INTEGER);
                    CREATE TABLE incident (
                        id TEXT PRIMARY KEY, organisation TEXT NOT NULL, received_at INTEGER NOT NULL,
                        occurred_at INTEGER NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, area TEXT,
                        report_json TEXT NOT NULL, plan_json TEXT NOT NULL, merged_into TEXT,
                        fired TEXT NOT NULL, closed_at INTEGER);
                    CREATE INDEX incident_occurred ON incident (occurred_at);
                    CREATE TABLE notification (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        person TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, tier TEXT NOT NULL,
                        channels TEXT NOT NULL, send_at INTEGER NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,
                        message TEXT NOT NULL, guidelines TEXT NOT NULL, kind TEXT NOT NULL,
                        ack_hash TEXT NOT NULL UNIQUE, ack_expires_at INTEGER NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending', acknowledged_at INTEGER);
                    CREATE INDEX notification_due ON notification (status, send_at);
                    CREATE TABLE delivery_attempt (
                        id INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL REFERENCES notification (id),
                        attempted_at INTEGER NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
                        outcome TEXT NOT NULL, detail TEXT NOT NULL);
                    CREATE TABLE task (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        guideline TEXT NOT NULL, text TEXT NOT NULL, role TEXT NOT NULL, due_at INTEGER NOT NULL,
                        assignees TEXT NOT NULL, escalate_to TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',
                        done_at INTEGER);
                    CREATE TABLE escalation (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        guideline TEXT NOT NULL, due_at INTEGER NOT NULL, roles TEXT NOT NULL,
                        round INTEGER NOT NULL, tier TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending');
                    CREATE INDEX escalation_due ON escalation (status, due_at);
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
                        action TEXT NOT NULL, incident_id TEXT, detail TEXT NOT NULL);
                    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2: delivery attempts per channel, back-off and fallback") { db in
            try db.execute(
                sql: """
                    ALTER TABLE notification ADD COLUMN channel_index INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE notification ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE notification ADD COLUMN first_attempt_at INTEGER;
                    ALTER TABLE notification ADD COLUMN next_attempt_at INTEGER;
                    """)
        }
        migrator.registerMigration("v3: personal details kept apart from the situation text") { db in
            try db.execute(sql: "ALTER TABLE notification ADD COLUMN details TEXT")
        }
        migrator.registerMigration("v4: closures and near misses of institutions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE closure (
                        id INTEGER PRIMARY KEY, institution TEXT NOT NULL, from_at INTEGER NOT NULL, to_at INTEGER,
                        partial BOOLEAN NOT NULL, reason TEXT NOT NULL, reason_text TEXT NOT NULL,
                        decided_by TEXT NOT NULL, incidents TEXT NOT NULL, vital BOOLEAN NOT NULL,
                        mitigations TEXT NOT NULL, near_miss BOOLEAN NOT NULL, recorded_at INTEGER NOT NULL);
                    CREATE INDEX closure_institution ON closure (institution, to_at);
                    """)
        }
        migrator.registerMigration("v5: watches of institutions during incidents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE watch (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        guideline TEXT NOT NULL, institution TEXT NOT NULL, confirm_by INTEGER NOT NULL,
                        until_at INTEGER NOT NULL, escalate_to TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'requested', answered_at INTEGER, escalated_at INTEGER,
                        closure_id INTEGER);
                    CREATE INDEX watch_due ON watch (status, confirm_by);
                    """)
        }
        registerAccessMigration(&migrator)
        registerLifecycleMigration(&migrator)
        registerAuditChainMigration(&migrator)
        registerDeliveryMigration(&migrator)
        registerExerciseMigration(&migrator)
        registerDueOrderMigration(&migrator)
        TokenCache.registerMigration(&migrator)
        registerSilenceMigration(&migrator)
        registerAckByIDMigration(&migrator)
        registerPerIncidentIndexMigration(&migrator)
        return migrator
    }

    /// Throws `StoreFileError` for a store a newer version has migrated. GRDB would open it and
    /// leave the migrations it does not know, so going back to an older binary would run on a
    /// schema it was not written for (after v15, every link sent since is unknown to it).
    static func refuseNewer(_ pool: DatabasePool, path: String) throws {
        let unknown = try pool.read { db in
            try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        }
        guard unknown.isEmpty else {
            throw StoreFileError(
                "\(path) was migrated by a newer version of beredskab (migrations \(unknown.sorted())): run that "
                    + "version, or restore the backup taken before the upgrade (docs/operations.md, \"Upgrades\")")
        }
    }

    static func hash(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Lower-case hexadecimal, two digits a byte. (`String(format:)` a byte at a time took tens of
    /// microseconds per hash, and intake hashes once per notification.)
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64url without padding (RFC 4648 §5), written directly: going through
    /// `base64EncodedString` and three `replacingOccurrences` cost more than the HMAC it encodes.
    static func base64url(_ data: some Sequence<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let bytes = Array(data)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for (n, byte) in chunk.enumerated() { value |= Int(byte) << (16 - 8 * n) }
            for n in 0...chunk.count { out.append(alphabet[(value >> (18 - 6 * n)) & 0x3F]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func json(_ strings: [String]) -> String { JSONValue.array(strings.map(JSONValue.string)).text }

    static func strings(_ text: String) -> [String] {
        guard case .array(let items)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    // MARK: Tokens

    public func createToken(organisation: String, at: Instant) throws -> String {
        try createToken(organisation: organisation, role: .reporter, at: at).secret
    }

    // MARK: Intake

    public func accept(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan makePlan: (_ history: IncidentHistory) -> Plan
    ) throws -> AcceptOutcome {
        try pool.write { db in try accept(db, report, raw: raw, organisation: organisation, at: at, plan: makePlan) }
    }

    public func acceptBatch(_ requests: [AcceptRequest]) throws -> [AcceptOutcome] {
        try acceptBatch(requests, recording: []).outcomes
    }

    public func acceptBatch(
        _ requests: [AcceptRequest], recording attempts: [(DeliveryAttempt, NextStep)]
    ) throws -> (outcomes: [AcceptOutcome], recorded: Result<Void, any Error>) {
        try pool.write { db in
            let outcomes = try requests.map { r in
                try accept(
                    db, r.report, raw: r.raw, organisation: r.organisation, at: r.at, plan: r.plan,
                    watchRequest: r.watchRequest, mergeNotice: r.mergeNotice, status: r.status)
            }
            guard !attempts.isEmpty else { return (outcomes, .success(())) }
            // In a savepoint of its own: results that cannot be recorded fail alone, not the reports.
            do {
                try db.inSavepoint {
                    for (attempt, next) in attempts { try record(db, attempt, next) }
                    return .commit
                }
                return (outcomes, .success(()))
            } catch {
                return (outcomes, .failure(error))
            }
        }
    }

    func accept(
        _ db: Database, _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan makePlan: (_ history: IncidentHistory) -> Plan,
        watchRequest: (_ institution: String, _ watch: PlannedWatch, _ incident: String) -> PlannedNotification? = {
            _, _, _ in nil
        },
        mergeNotice: (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification] = { _, _ in [] },
        status: String = "actual"
    ) throws -> AcceptOutcome {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, organisation, received_at, plan_json FROM incident WHERE id = ?"),
            arguments: [report.id])
        {
            let stored = StoredIncident(
                id: row["id"], organisation: row["organisation"], receivedAt: Instant(seconds: row["received_at"]),
                planJSON: row["plan_json"])
            guard stored.organisation == organisation else { return .idTaken(byOrganisation: stored.organisation) }
            return .replayed(stored)
        }
        guard status == "actual" else {
            return try record(report, raw: raw, organisation: organisation, at: at, status: status, plan: makePlan, db)
        }
        var history = try recent.history(
            db, around: report.occurredAt, now: at, lookback: lookback, lookahead: lookahead, excluding: "",
            exercise: report.exercise)
        history.silences = try liveSilences(db, at: at)
        var plan = makePlan(history)
        let target = plan.mergedInto ?? report.id
        // A merged report tells nobody twice: not those told about the incident already or about to
        // be told no later. A later alert still waiting is replaced by the earlier one (and its link
        // shows the whole incident), so a delayed minor alert never holds back an urgent one.
        var superseded: [(person: String, before: Instant)] = []
        if plan.mergedInto != nil {
            let earliest = try earliestAlerts(incident: target, db)
            plan.notifications.removeAll { n in
                guard let told = earliest[n.person] else { return false }
                if told > n.sendAt { superseded.append((n.person, n.sendAt)) }
                return told <= n.sendAt
            }
        }
        let planValue = plan.json
        let planJSON = planValue.text
        try db.run(
            sql: """
                INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                    report_json, plan_json, merged_into, fired, flags, exercise, only_roles, only_orgs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                report.id, organisation, at.seconds, report.occurredAt.seconds, report.category.rawValue,
                report.severity.rawValue, plan.area, raw, planJSON, plan.mergedInto, Self.json(plan.fired),
                Self.json(report.flags.map(\.rawValue).sorted()), report.exercise,
                report.onlyRoles.map(Self.json), report.onlyOrganisations.map(Self.json),
            ])
        try audit(db, at, "reporter:\(organisation)", "incident-accepted", report.id, "fired \(plan.fired)")
        for silenced in plan.silenced {
            try audit(
                db, at, "engine", "guideline-silenced", report.id,
                "\(silenced.guideline) matched but silence \(silenced.silence) covers it (\(silenced.reason)): nothing is sent for it"
            )
        }
        // A merged report adds to the incident everyone follows: what it fires now, and its facts.
        if let merged = plan.mergedInto {
            try audit(db, at, "engine", "incident-merged", report.id, "duplicate of \(merged)")
            try mergeReport(report, plan: plan, into: merged, at: at, notice: mergeNotice, db)
            for (person, before) in superseded {
                try db.run(
                    sql: """
                        UPDATE notification SET status = 'cancelled' WHERE incident_id = ? AND person = ?
                        AND status = 'pending' AND send_at > ? AND kind IN ('notification', 'escalation')
                        """,
                    arguments: [merged, person, before.seconds])
                try audit(
                    db, at, "engine", "superseded", merged,
                    "a later alert to \(person) is replaced by the alert of merged report \(report.id)")
            }
        }
        for notification in plan.notifications {
            let purpose = plan.mergedInto == nil ? "notify" : "merge-\(report.id)"
            try insert(notification, kind: "notification", incident: target, purpose: purpose, db)
        }
        try insertTimers(plan, of: Set(plan.fired), incident: target, db)
        let watched = Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT institution FROM watch WHERE incident_id = ?"), arguments: [target]))
        for watch in plan.watches {
            // An unanswered watch escalates to the guideline's own escalation roles.
            let escalateTo = plan.escalations.first { $0.guideline == watch.guideline }?.to ?? []
            for institution in watch.institutions where !watched.contains(institution) {
                try db.run(
                    sql: """
                        INSERT INTO watch (incident_id, guideline, institution, confirm_by, until_at, escalate_to)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        target, watch.guideline, institution, watch.confirmBy.seconds, watch.until.seconds,
                        Self.json(escalateTo),
                    ])
                if let request = watchRequest(institution, watch, target) {
                    try insert(request, kind: "watch", incident: target, purpose: "watch-\(institution)", db)
                }
            }
        }
        return .accepted(
            StoredIncident(
                id: report.id, organisation: organisation, receivedAt: at, planJSON: planJSON, plan: planValue))
    }

    /// Stores the tasks and escalation timers of a plan's guidelines in `guidelines`.
    func insertTimers(_ plan: Plan, of guidelines: Set<String>, incident: String, _ db: Database) throws {
        let onlyRoles = try exerciseLimits(incident: incident, db)?.onlyRoles
        for task in plan.tasks where guidelines.contains(task.guideline) {
            // A drill limited to some roles gives the others no tasks to be reminded of or late with.
            if let onlyRoles, !onlyRoles.contains(task.role) {
                try audit(
                    db, plan.at, "engine", "exercise-left-out", incident,
                    "task for \(task.role) not set: outside the exercise's roles (\(task.text))")
                continue
            }
            try db.run(
                sql: """
                    INSERT INTO task (incident_id, guideline, text, role, due_at, assignees, escalate_to)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    incident, task.guideline, task.text, task.role, task.due.seconds, Self.json(task.assignees),
                    Self.json(task.escalateTo),
                ])
        }
        for escalation in plan.escalations where guidelines.contains(escalation.guideline) {
            try db.run(
                sql:
                    "INSERT INTO escalation (incident_id, guideline, due_at, roles, round, tier) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    incident, escalation.guideline, escalation.after.seconds, Self.json(escalation.to),
                    escalation.round, escalation.tier.rawValue,
                ])
        }
    }

    /// Text as SQLite keeps it whole. GRDB hands Swift strings to SQLite as C strings
    /// (`sqlite3_bind_text` with length -1) and reads them back with `String(cString:)`, so
    /// everything after a U+0000 would be lost without a word: an update "…\u{0} the shooter is
    /// still armed" would go out without its second half. The API refuses control characters;
    /// should one come another way, it becomes U+FFFD and the rest of the text is kept.
    static func whole(_ text: String) -> String {
        text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    /// ``whole(_:)`` for an optional text.
    static func whole(_ text: String?) -> String? { text.map { whole($0) } }

    func insert(_ n: PlannedNotification, kind: String, incident: String, purpose: String, _ db: Database) throws {
        var n = n
        let limits = try exerciseLimits(incident: incident, db)
        if let limits {
            guard let marked = try exerciseNotification(n, limits: limits, kind: kind, incident: incident, db) else {
                return
            }
            n = marked
        }
        let key = "\(incident)/\(purpose)/\(n.person)"
        let channels = JSONValue.array(
            n.channels.map { .object([("kind", .string($0.kind.rawValue)), ("address", .string($0.address))]) }
        ).text
        try db.run(
            sql: """
                INSERT OR IGNORE INTO notification (incident_id, person, name, roles, tier, channels, send_at,
                    idempotency_key, message, guidelines, kind, ack_expires_at, details, exercise)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                incident, n.person, Self.whole(n.name), Self.json(n.roles), n.tier.rawValue, channels,
                n.sendAt.seconds, key, Self.whole(n.message), Self.json(n.guidelines), kind,
                n.sendAt.seconds + ackValidity, Self.whole(n.details), limits != nil,
            ])
    }

    // MARK: Acknowledgement

    static let notificationColumns = """
        id, incident_id, person, name, roles, tier, channels, send_at, idempotency_key, message, guidelines,
        status, acknowledged_at, ack_expires_at, kind, channel_index, attempts, first_attempt_at, details, ack_kind,
        refused_channels, next_attempt_at, exercise
        """

    /// A notification from a row whose columns are ``notificationColumns``, in that order: read by
    /// position, since looking 22 columns up by name was the dispatcher's largest cost (issue 16).
    static func notification(_ row: Row) -> StoredNotification {
        var channels: [(kind: String, address: String)] = []
        if case .array(let items)? = try? JSONValue.parse(Array((row[6] as String).utf8)) {
            for item in items {
                if case .string(let kind)? = item["kind"], case .string(let address)? = item["address"] {
                    channels.append((kind, address))
                }
            }
        }
        return StoredNotification(
            id: row[0], incident: row[1], person: row[2], name: row[3], roles: strings(row[4]),
            tier: ContentTier(rawValue: row[5]) ?? .situation, channels: channels, sendAt: Instant(seconds: row[7]),
            idempotencyKey: row[8], message: row[9], guidelines: strings(row[10]), status: row[11],
            acknowledgedAt: (row[12] as Int?).map(Instant.init(seconds:)), ackExpiresAt: Instant(seconds: row[13]),
            kind: row[14], channelIndex: row[15], attempts: row[16],
            firstAttemptAt: (row[17] as Int?).map(Instant.init(seconds:)), details: row[18], ackKind: row[19],
            refusedChannels: integers(row[20]), nextAttemptAt: (row[21] as Int?).map(Instant.init(seconds:)),
            exercise: row[22])
    }

    public func notification(ackToken: String) throws -> StoredNotification? {
        try pool.read { db in
            try notificationRow(ackToken: ackToken, db).map(Self.notification)
        }
    }

    public func acknowledge(
        ackToken: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> AcknowledgeOutcome {
        try pool.write { db in
            guard let row = try notificationRow(ackToken: ackToken, db) else { return .unknown }
            let notification = Self.notification(row)
            if notification.acknowledgedAt != nil { return .alreadyAcknowledged(notification) }
            if at > notification.ackExpiresAt { return .expired }
            // Only a recipient in a role the guideline notifies or escalates to stops its escalations;
            // anyone else's receipt is recorded as seen (docs/plan.md, "Who stops an escalation").
            let responsible = notification.kind != "watch" && stops(notification)
            let kind = responsible ? "acknowledged" : "seen"
            try db.run(
                sql: "UPDATE notification SET acknowledged_at = ?, ack_kind = ? WHERE id = ?",
                arguments: [at.seconds, kind, notification.id])
            if responsible {
                for guideline in notification.guidelines {
                    try db.run(
                        sql: """
                            UPDATE escalation SET status = 'cancelled'
                            WHERE incident_id = ? AND guideline = ? AND status = 'pending'
                            """,
                        arguments: [notification.incident, guideline])
                }
            }
            try audit(
                db, at, "person:\(notification.person)", responsible ? "acknowledged" : "seen", notification.incident,
                "notification \(notification.id) as \(notification.roles.joined(separator: ", "))"
                    + (responsible ? "" : " (not responsible for the guideline: escalations go on)"))
            var acknowledged = notification
            acknowledged.acknowledgedAt = at
            acknowledged.ackKind = kind
            return responsible ? .acknowledged(acknowledged) : .seen(acknowledged)
        }
    }

    // MARK: Dispatch

    /// Up to `limit` notifications due at `at`, oldest first, after the `after` cursor and not in
    /// `excluding` (in flight): read through the partial index `notification_pending` (migration
    /// v12), so a page costs about `limit` rows however long the backlog.
    public func dueNotificationKeys(
        at: Instant, limit: Int, after: (due: Instant, id: Int64)?, excluding: Set<Int64>
    ) throws -> [DueNotificationKey] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, COALESCE(next_attempt_at, send_at),
                            json_extract(channels, '$[' || channel_index || '].kind'),
                            json_extract(channels, '$[' || channel_index || '].address')
                        \(Self.dueInOrder)
                        """),
                arguments: Self.dueArguments(at: at, limit: limit, after: after, excluding: excluding)
            ).map { row in
                DueNotificationKey(id: row[0], dueAt: Instant(seconds: row[1]), channel: row[2], address: row[3])
            }
        }
    }

    public func notifications(ids: [Int64]) throws -> [StoredNotification] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.notificationColumns) FROM notification
                        WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id
                        """),
                arguments: [JSONValue.array(ids.map { .number(Double($0)) }).text]
            ).map(Self.notification)
        }
    }

    /// What is due by the first argument, oldest first, through `notification_pending`: the
    /// arguments are `dueArguments`.
    static let dueInOrder = """
        FROM notification INDEXED BY notification_pending
        WHERE status = 'pending' AND acknowledged_at IS NULL AND COALESCE(next_attempt_at, send_at) <= ?
        AND COALESCE(next_attempt_at, send_at) >= ? AND (COALESCE(next_attempt_at, send_at), id) > (?, ?)
        AND id NOT IN (SELECT value FROM json_each(?))
        AND (kind = 'update' OR NOT EXISTS (
            SELECT 1 FROM incident i WHERE i.id = notification.incident_id AND i.closed_at IS NOT NULL))
        ORDER BY COALESCE(next_attempt_at, send_at), id LIMIT ?
        """

    static func dueArguments(
        at: Instant, limit: Int, after: (due: Instant, id: Int64)?, excluding: Set<Int64>
    ) -> StatementArguments {
        [
            at.seconds, after?.due.seconds ?? Int.min, after?.due.seconds ?? Int.min, after?.id ?? Int64.min,
            JSONValue.array(excluding.sorted().map { .number(Double($0)) }).text, limit,
        ]
    }

    public func recordAttempts(_ attempts: [(DeliveryAttempt, NextStep)]) throws {
        try pool.write { db in
            for (attempt, next) in attempts { try record(db, attempt, next) }
        }
    }

    func record(_ db: Database, _ attempt: DeliveryAttempt, _ next: NextStep) throws {
        // The detail carries a receiver's reply as it came: kept whole (``whole(_:)``), or SQLite
        // would keep it only up to a U+0000 while the audit entry below hashed all of it.
        var attempt = attempt
        (attempt.address, attempt.detail) = (Self.whole(attempt.address), Self.whole(attempt.detail))
        try db.run(
            sql: """
                INSERT INTO delivery_attempt (notification_id, attempted_at, channel, address, outcome, detail)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                attempt.notification, attempt.at.seconds, attempt.channel, attempt.address, attempt.outcome,
                attempt.detail,
            ])
        let id = attempt.notification
        if attempt.outcome == "permanent" {
            try db.run(
                sql: """
                    UPDATE notification SET refused_channels = json_insert(refused_channels, '$[#]', channel_index)
                    WHERE id = ?
                    """,
                arguments: [id])
        }
        switch next {
        case .delivered:
            try db.run(sql: "UPDATE notification SET status = 'delivered' WHERE id = ?", arguments: [id])
        case .retry(let at):
            try db.run(
                sql: """
                    UPDATE notification SET attempts = attempts + 1, next_attempt_at = ?,
                        first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?
                    """,
                arguments: [at.seconds, attempt.at.seconds, id])
        case .fallback(let channel, let at):
            try db.run(
                sql: """
                    UPDATE notification SET channel_index = ?, attempts = 0, first_attempt_at = NULL,
                        next_attempt_at = ? WHERE id = ?
                    """,
                arguments: [channel, at.seconds, id])
        case .failed:
            try db.run(sql: "UPDATE notification SET status = 'failed' WHERE id = ?", arguments: [id])
        }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT incident_id, person, tier FROM notification WHERE id = ?"),
                arguments: [id])
        else { return }
        try audit(
            db, attempt.at, "dispatcher", next.auditAction, row["incident_id"],
            attempt.auditDetail(tier: row["tier"], person: row["person"]))
    }

    public func enqueue(_ notifications: [PlannedNotification], incident: String, purpose: String, kind: String) throws
    {
        try pool.write { db in
            for notification in notifications {
                try insert(notification, kind: kind, incident: incident, purpose: purpose, db)
            }
        }
    }

    public func fireDueEscalations(at: Instant, notify: (StoredEscalation) -> [PlannedNotification]) throws -> Int {
        try pool.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, incident_id, guideline, due_at, roles, round, tier FROM escalation
                        WHERE status = 'pending' AND due_at <= ? AND NOT EXISTS (
                            SELECT 1 FROM incident i WHERE i.id = escalation.incident_id AND i.closed_at IS NOT NULL)
                        ORDER BY due_at, id
                        """),
                arguments: [at.seconds])
            for row in rows {
                let escalation = StoredEscalation(
                    id: row["id"], incident: row["incident_id"], guideline: row["guideline"],
                    roles: Self.strings(row["roles"]),
                    round: row["round"], tier: ContentTier(rawValue: row["tier"]) ?? .situation,
                    dueAt: Instant(seconds: row["due_at"]))
                for notification in notify(escalation) {
                    try insert(
                        notification, kind: "escalation", incident: escalation.incident,
                        purpose: "escalate-\(escalation.guideline)-\(escalation.round)", db)
                }
                try db.run(sql: "UPDATE escalation SET status = 'fired' WHERE id = ?", arguments: [escalation.id])
                try audit(
                    db, at, "engine", "escalated", escalation.incident,
                    "\(escalation.guideline) round \(escalation.round) to \(escalation.roles.joined(separator: ", "))")
            }
            return rows.count
        }
    }

    public func audit(incident: String) throws -> [AuditEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT at, actor, action, detail FROM audit WHERE incident_id = ? ORDER BY id"),
                arguments: [incident]
            ).map {
                AuditEntry(
                    at: Instant(seconds: $0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}

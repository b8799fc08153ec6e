import BeredskabStore
import Foundation

/// Gathers reports arriving together and commits them in one transaction, so durable intake is not
/// limited to one fsync per report. Each caller still hears back only after its report is committed.
///
/// The commits run on a writer thread of their own (the store's writes block), which waits up to
/// `idleLinger` for more work before it ends, so steady intake does not start a thread per report.
/// The dispatcher's delivery results join the same transactions (`recordAttempts`): one writer, so
/// intake never waits for the lock behind a second writer's fsync, and one fsync for both (issue 16).
/// Results with no report to go with wait up to `resultsLinger` for one, so at a steady trickle of
/// reports each report's results ride in the next report's transaction instead of one of their own.
///
/// With `inlineWhenIdle` (SQLite), a report that finds nothing being committed and nothing waiting
/// is committed at once on its caller's thread, with the results waiting for it: no hand-over to
/// the writer thread and back, which was a fifth of intake's median time at a steady trickle. At
/// most one such commit runs at a time, so at most one of Swift concurrency's threads is held, for
/// one transaction; reports arriving meanwhile wait for the writer thread as before, whose commit
/// then waits for SQLite's write lock. Other writes (acknowledgements, timers) take that lock too,
/// and an inline commit waits behind their fsync on its pool thread.
public final class GroupCommit: @unchecked Sendable {
    let store: any IncidentStore
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [(AcceptRequest, CheckedContinuation<Result<AcceptOutcome, Error>, Never>)] = []
    private var pendingAttempts: [AttemptsWaiting] = []
    private var writerRunning = false
    /// The most reports one transaction takes.
    let batchLimit = 256
    /// The most reports one transaction takes when delivery results are waiting to be recorded.
    let batchLimitWithResults = 16
    /// How long the writer thread waits for more reports before it ends (seconds).
    let idleLinger: TimeInterval
    /// How long delivery results wait for a report to share a transaction with (seconds). Each
    /// holds its delivery's place meanwhile (`DeliveryPolicy.perDestinationLimit`, 64), so this
    /// stays short: at 10 ms, a destination still takes over 5,000 messages a second.
    let resultsLinger: TimeInterval
    /// Whether a report may be committed on its caller's thread when the writer is idle.
    let inlineWhenIdle: Bool
    private var started = 0
    private var committed = 0
    /// Transactions being written now, on the writer thread or a caller's.
    private var committing = 0
    private var inline = 0
    /// Writer threads started so far: steady intake reuses one.
    public var writersStarted: Int {
        condition.lock()
        defer { condition.unlock() }
        return started
    }

    /// Transactions begun so far, on the writer thread or a caller's (reports, results or both).
    public var transactions: Int {
        condition.lock()
        defer { condition.unlock() }
        return committed
    }

    /// Reports committed on their caller's thread so far (`inlineWhenIdle`).
    public var committedInline: Int {
        condition.lock()
        defer { condition.unlock() }
        return inline
    }

    /// Delivery results waiting for the writer now.
    public var resultsWaiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return pendingAttempts.reduce(0) { $0 + $1.attempts.count }
    }

    /// Creates the batcher over a store; its writer thread ends after `idleLinger` seconds without
    /// reports, and delivery results wait up to `resultsLinger` seconds for a report to go with.
    /// `inlineWhenIdle` lets a report find the writer idle commit on its own thread (for SQLite,
    /// whose transaction with its fsync takes about a millisecond; not for a store across the network).
    public init(
        store: any IncidentStore, idleLinger: TimeInterval = 1, resultsLinger: TimeInterval = 0.01,
        inlineWhenIdle: Bool = false
    ) {
        self.store = store
        self.idleLinger = idleLinger
        self.resultsLinger = resultsLinger
        self.inlineWhenIdle = inlineWhenIdle
    }

    /// Accepts a report: durably committed when this returns.
    public func accept(_ request: AcceptRequest) async throws -> AcceptOutcome {
        if inlineWhenIdle, let outcome = commitAtOnce(request) { return try outcome.get() }
        let result = await withCheckedContinuation { continuation in
            enqueue { pending.append((request, continuation)) }
        }
        return try result.get()
    }

    /// Commits the report on this thread, with the results waiting for a report, if nothing is
    /// being committed and no report waits; nil otherwise (the report then goes to the writer).
    private func commitAtOnce(_ request: AcceptRequest) -> Result<AcceptOutcome, any Error>? {
        condition.lock()
        guard committing == 0, pending.isEmpty else {
            condition.unlock()
            return nil
        }
        let attempts = pendingAttempts
        pendingAttempts.removeAll()
        committing += 1
        committed += 1
        inline += 1
        // The writer thread may be waiting for a report to take these results along: it need not.
        if !attempts.isEmpty { condition.signal() }
        condition.unlock()
        let outcomes = commit([request], attempts)
        condition.lock()
        committing -= 1
        condition.unlock()
        return outcomes.map { $0[0] }
    }

    /// One transaction: the reports and the delivery results, whose callers are told how the
    /// results went. Returns the reports' outcomes, or what the store threw.
    private func commit(
        _ requests: [AcceptRequest], _ attempts: [AttemptsWaiting]
    ) -> Result<
        [AcceptOutcome], any Error
    > {
        let result: Result<[AcceptOutcome], any Error>
        do {
            let (outcomes, recorded) = try store.acceptBatch(requests, recording: attempts.flatMap(\.attempts))
            for waiting in attempts { waiting.outcome = recorded }
            result = .success(outcomes)
        } catch {
            for waiting in attempts { waiting.outcome = .failure(error) }
            result = .failure(error)
        }
        for waiting in attempts { waiting.done.signal() }
        return result
    }

    /// Adds work under the lock, then wakes the writer, or starts it if none is running.
    private func enqueue(_ add: () -> Void) {
        condition.lock()
        add()
        let startWriter = !writerRunning
        if startWriter {
            writerRunning = true
            started += 1
        } else {
            condition.signal()
        }
        condition.unlock()
        if startWriter { Thread.detachNewThread { self.drain() } }
    }

    /// Delivery results waiting for the writer, and the caller waiting for them to be committed.
    private final class AttemptsWaiting {
        let attempts: [(DeliveryAttempt, NextStep)]
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<Void, any Error> = .success(())
        init(_ attempts: [(DeliveryAttempt, NextStep)]) { self.attempts = attempts }
    }

    /// Records delivery results in the writer's next transaction, with whatever reports are waiting,
    /// and returns once they are committed. It blocks its thread until then: call it from a thread
    /// of its own (the dispatcher's `DeliveryPipeline` writer), never from Swift concurrency's pool.
    /// Throws what the store threw recording them.
    public func recordAttempts(_ attempts: [(DeliveryAttempt, NextStep)]) throws {
        guard !attempts.isEmpty else { return }
        let waiting = AttemptsWaiting(attempts)
        enqueue { pendingAttempts.append(waiting) }
        waiting.done.wait()
        try waiting.outcome.get()
    }

    /// Commits batches until nothing has been pending for `idleLinger`; whatever arrives meanwhile
    /// joins the next batch.
    private func drain() {
        while true {
            condition.lock()
            if pending.isEmpty, pendingAttempts.isEmpty {
                let until = Date(timeIntervalSinceNow: idleLinger)
                while pending.isEmpty, pendingAttempts.isEmpty, condition.wait(until: until) {}
                if pending.isEmpty, pendingAttempts.isEmpty {
                    writerRunning = false
                    condition.unlock()
                    return
                }
            }
            if pending.isEmpty {
                // Only results: a report arriving soon takes them along in its transaction.
                let until = Date(timeIntervalSinceNow: resultsLinger)
                while pending.isEmpty, !pendingAttempts.isEmpty, condition.wait(until: until) {}
                // A report committed on its own thread took them.
                if pending.isEmpty, pendingAttempts.isEmpty {
                    condition.unlock()
                    continue
                }
            }
            // While delivery results wait, transactions stay short: each result holds its delivery
            // place until committed, so a long intake batch would hold back the dispatcher.
            let batch = Array(pending.prefix(pendingAttempts.isEmpty ? batchLimit : batchLimitWithResults))
            pending.removeFirst(batch.count)
            let attempts = pendingAttempts
            pendingAttempts.removeAll()
            committing += 1
            committed += 1
            condition.unlock()
            switch commit(batch.map(\.0), attempts) {
            case .success(let outcomes):
                for (item, outcome) in zip(batch, outcomes) { item.1.resume(returning: .success(outcome)) }
            case .failure(let error):
                for item in batch { item.1.resume(returning: .failure(error)) }
            }
            condition.lock()
            committing -= 1
            condition.unlock()
        }
    }
}

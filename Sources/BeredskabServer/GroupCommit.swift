import BeredskabStore
import Foundation

/// Gathers reports arriving together and commits them in one transaction, so durable intake is not
/// limited to one fsync per report. Each caller still hears back only after its report is committed.
///
/// The commits run on a writer thread of their own (the store's writes block), which waits up to
/// `idleLinger` for more work before it ends, so steady intake does not start a thread per report.
public final class GroupCommit: @unchecked Sendable {
    let store: any IncidentStore
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [(AcceptRequest, CheckedContinuation<Result<AcceptOutcome, Error>, Never>)] = []
    private var writerRunning = false
    /// The most reports one transaction takes.
    let batchLimit = 256
    /// How long the writer thread waits for more reports before it ends (seconds).
    let idleLinger: TimeInterval
    private var started = 0
    /// Writer threads started so far: steady intake reuses one.
    public var writersStarted: Int {
        condition.lock()
        defer { condition.unlock() }
        return started
    }

    /// Creates the batcher over a store; its writer thread ends after `idleLinger` seconds without reports.
    public init(store: any IncidentStore, idleLinger: TimeInterval = 1) {
        self.store = store
        self.idleLinger = idleLinger
    }

    /// Accepts a report: durably committed when this returns.
    public func accept(_ request: AcceptRequest) async throws -> AcceptOutcome {
        let result = await withCheckedContinuation { continuation in
            condition.lock()
            pending.append((request, continuation))
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
        return try result.get()
    }

    /// Commits batches until nothing has been pending for `idleLinger`; whatever arrives meanwhile
    /// joins the next batch.
    private func drain() {
        while true {
            condition.lock()
            if pending.isEmpty {
                let until = Date(timeIntervalSinceNow: idleLinger)
                while pending.isEmpty, condition.wait(until: until) {}
                if pending.isEmpty {
                    writerRunning = false
                    condition.unlock()
                    return
                }
            }
            let batch = Array(pending.prefix(batchLimit))
            pending.removeFirst(batch.count)
            condition.unlock()
            do {
                let outcomes = try store.acceptBatch(batch.map(\.0))
                for (item, outcome) in zip(batch, outcomes) { item.1.resume(returning: .success(outcome)) }
            } catch {
                for item in batch { item.1.resume(returning: .failure(error)) }
            }
        }
    }
}

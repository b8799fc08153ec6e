import BeredskabStore
import Foundation

/// Gathers reports arriving together and commits them in one transaction, so durable intake is not
/// limited to one fsync per report. Each caller still hears back only after its report is committed.
public final class GroupCommit: @unchecked Sendable {
    let store: any IncidentStore
    private let lock = NSLock()
    private var pending: [(AcceptRequest, CheckedContinuation<Result<AcceptOutcome, Error>, Never>)] = []
    private var writing = false
    /// The most reports one transaction takes.
    let batchLimit = 256

    /// Creates the batcher over a store.
    public init(store: any IncidentStore) {
        self.store = store
    }

    /// Accepts a report: durably committed when this returns.
    public func accept(_ request: AcceptRequest) async throws -> AcceptOutcome {
        let result = await withCheckedContinuation { continuation in
            let startWriter = lock.withLock { () -> Bool in
                pending.append((request, continuation))
                if writing { return false }
                writing = true
                return true
            }
            if startWriter { Thread.detachNewThread { self.drain() } }
        }
        return try result.get()
    }

    /// Commits batches until nothing is pending; whatever arrives meanwhile joins the next batch.
    private func drain() {
        while true {
            let batch = lock.withLock {
                () -> [(AcceptRequest, CheckedContinuation<Result<AcceptOutcome, Error>, Never>)] in
                let taken = Array(pending.prefix(batchLimit))
                pending.removeFirst(taken.count)
                if taken.isEmpty { writing = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let outcomes = try store.acceptBatch(batch.map(\.0))
                for (item, outcome) in zip(batch, outcomes) { item.1.resume(returning: .success(outcome)) }
            } catch {
                for item in batch { item.1.resume(returning: .failure(error)) }
            }
        }
    }
}

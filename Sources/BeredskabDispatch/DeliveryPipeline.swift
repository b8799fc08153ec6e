import BeredskabStore
import Foundation
import Logging

/// The dispatcher's deliveries in flight: which notifications, how many per destination, and the
/// results waiting to be recorded.
///
/// A notification stays in flight from the start of its attempt until its result is committed, so
/// no pass starts it twice. Results arriving together are committed in one transaction by a writer
/// thread that waits `idleLinger` for more before it ends (as `GroupCommit` does for intake, which
/// in the server commits them: `Dispatcher.recording(through:)`); a failing commit is tried
/// again a second later with the notifications still in flight, so nothing is sent twice because a
/// write failed (the disk full, the store read-only).
public final class DeliveryPipeline: @unchecked Sendable {
    /// One attempt's result, waiting to be recorded.
    struct Result: Sendable {
        var attempt: DeliveryAttempt
        var next: NextStep
        var notification: StoredNotification
        var destination: String
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var inFlight: Set<Int64> = []
    private var perDestination: [String: Int] = [:]
    private var tasks: [Int64: Task<Void, Never>] = [:]
    /// Guards `results` and `writing`, and wakes the writer thread when results arrive.
    private let arrivals = NSCondition()
    private var results: [(Result, CheckedContinuation<Void, Never>)] = []
    private var writing = false
    /// How long the writer thread waits for more results before it ends (seconds): steady
    /// deliveries reuse one thread instead of starting one for each result (issue 16).
    let idleLinger: TimeInterval = 1

    /// Creates an empty pipeline.
    public init() {}

    /// The notifications in flight now.
    var inFlightIDs: Set<Int64> { lock.withLock { inFlight } }

    /// How many deliveries are in flight, over all destinations and by destination.
    public var counts: (total: Int, byDestination: [String: Int]) {
        lock.withLock { (inFlight.count, perDestination.filter { $0.value > 0 }) }
    }

    /// Whether another delivery may start at all.
    func hasRoom(_ policy: DeliveryPolicy) -> Bool { lock.withLock { inFlight.count < policy.inFlightLimit } }

    /// Takes a place for the notification if it is not in flight and its destination and the
    /// pipeline have room.
    func begin(_ id: Int64, destination: String, policy: DeliveryPolicy) -> Bool {
        lock.withLock {
            guard !inFlight.contains(id), inFlight.count < policy.inFlightLimit,
                perDestination[destination, default: 0] < policy.perDestinationLimit
            else { return false }
            inFlight.insert(id)
            perDestination[destination, default: 0] += 1
            return true
        }
    }

    /// Keeps the delivery's task, so shutdown can cancel it; not if it has already ended.
    func attach(_ id: Int64, _ task: Task<Void, Never>) {
        lock.withLock { if inFlight.contains(id) { tasks[id] = task } }
    }

    /// Gives the place back.
    func end(_ id: Int64, destination: String) {
        lock.withLock { release(id, destination) }
    }

    private func release(_ id: Int64, _ destination: String) {
        guard inFlight.remove(id) != nil else { return }
        tasks[id] = nil
        perDestination[destination, default: 1] -= 1
        if perDestination[destination] == 0 { perDestination[destination] = nil }
    }

    /// Cancels every delivery in flight (shutdown): their notifications stay pending.
    func cancelAll() {
        for task in lock.withLock({ Array(tasks.values) }) { task.cancel() }
    }

    /// Records a result with `commit`, together with any others waiting, and returns once it is
    /// committed and its place given back.
    func record(_ result: Result, commit: @escaping @Sendable ([Result]) throws -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            arrivals.lock()
            results.append((result, continuation))
            let startWriter = !writing
            if startWriter { writing = true } else { arrivals.signal() }
            arrivals.unlock()
            // The writer runs on a thread of its own, as intake's group commit does: SQLite's fsync
            // must not hold one of the few threads Swift concurrency runs everything else on.
            if startWriter { Thread.detachNewThread { self.drain(commit) } }
        }
    }

    private func drain(_ commit: @escaping @Sendable ([Result]) throws -> Void) {
        while true {
            arrivals.lock()
            if results.isEmpty {
                let until = Date(timeIntervalSinceNow: idleLinger)
                while results.isEmpty, arrivals.wait(until: until) {}
                if results.isEmpty {
                    writing = false
                    arrivals.unlock()
                    return
                }
            }
            if results.count < 16 {
                // A moment for results arriving together to share one transaction (one fsync).
                arrivals.unlock()
                usleep(500)
                arrivals.lock()
            }
            let batch = results
            results.removeAll()
            arrivals.unlock()
            do {
                try commit(batch.map(\.0))
            } catch {
                Logger(label: "beredskab.dispatch").error(
                    "dispatcher: cannot record \(batch.count) delivery results, trying again: \(error)")
                arrivals.withLock { results.insert(contentsOf: batch, at: 0) }
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            lock.withLock { for (result, _) in batch { release(result.notification.id, result.destination) } }
            for (_, continuation) in batch { continuation.resume() }
        }
    }
}

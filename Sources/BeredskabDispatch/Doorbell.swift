import Foundation

/// Wakes the dispatcher as soon as intake has committed new work, instead of at its next poll.
public final class Doorbell: Sendable {
    private let state = Mutex()

    /// Creates a doorbell nobody has rung.
    public init() {}

    /// Rings: the next or current `wait` returns at once.
    public func ring() {
        state.withLock { value in
            value.rung = true
            let waiter = value.waiter
            value.waiter = nil
            waiter?.resume()
        }
    }

    /// Returns when rung, or after `timeout`, whichever comes first.
    public func wait(upTo timeout: Duration) async {
        // The timer rings only if it ran out: a cancelled timer that rang anyway would leave the
        // bell rung, so every later wait returned at once and the dispatcher spun on a full core.
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            self.ring()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { value in
                if value.rung {
                    value.rung = false
                    continuation.resume()
                } else {
                    value.waiter = continuation
                }
            }
        }
        state.withLock { $0.rung = false }
        timer.cancel()
    }

    final class Mutex: @unchecked Sendable {
        struct Value {
            var rung = false
            var waiter: CheckedContinuation<Void, Never>?
        }
        private let lock = NSLock()
        private var value = Value()

        func withLock<T>(_ body: (inout Value) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }
}

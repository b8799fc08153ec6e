import Foundation

/// Values worked out once per key and remembered, thread-safe. Bounded: past `capacity` keys it
/// forgets them all and starts again, so an endless variety of keys costs memory only up to that.
final class Memo: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var values: [String: String] = [:]
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// The value remembered for `key`, or `make()`'s, remembered from now on.
    func value(for key: String, _ make: () -> String) -> String {
        if let known = lock.withLock({ values[key] }) { return known }
        let made = make()
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = made
        }
        return made
    }

    /// How many values are remembered now.
    var count: Int { lock.withLock { values.count } }
}

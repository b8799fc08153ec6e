/// The candidate closest to a misspelt word, if it is close enough to be a likely typo.
public func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(word.utf8)
    let limit = max(1, min(3, target.count / 3))
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(target, Array(candidate.utf8), limit: limit)
        if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    return best?.0
}

/// Levenshtein distance, giving up early once it exceeds `limit`.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var row = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        row[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            rowMinimum = min(rowMinimum, row[j])
        }
        if rowMinimum > limit { return limit + 1 }
        swap(&previous, &row)
    }
    return previous[b.count]
}

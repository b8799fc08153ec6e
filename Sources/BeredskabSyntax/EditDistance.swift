/// The candidate closest to a misspelt word, if it is close enough to be a likely typo.
///
/// Close means a few edits away (a swap of two neighbouring letters counts as one), or, failing
/// that, one word being the start of the other (`housing` → `housing-association`, `monday` → `mon`).
public func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(word.utf8)
    let limit = max(1, min(3, target.count / 3))
    var best: (String, Int)?
    var prefixMatch: String?
    for candidate in candidates {
        let other = Array(candidate.utf8)
        let distance = editDistance(target, other, limit: limit)
        if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        if prefixMatch == nil, min(target.count, other.count) >= 3,
            other.starts(with: target) || target.starts(with: other)
        {
            prefixMatch = candidate
        }
    }
    return best?.0 ?? prefixMatch
}

/// Optimal string alignment distance (Levenshtein plus swaps of neighbours), giving up past `limit`.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var row = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        row[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                row[j] = min(row[j], beforePrevious[j - 2] + 1)
            }
            rowMinimum = min(rowMinimum, row[j])
        }
        if rowMinimum > limit { return limit + 1 }
        (beforePrevious, previous, row) = (previous, row, beforePrevious)
    }
    return previous[b.count]
}

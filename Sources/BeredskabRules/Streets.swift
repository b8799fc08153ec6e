import BeredskabSyntax

/// One side of a street: odd or even house numbers.
public enum HouseNumberSide: String, Sendable, CaseIterable {
    case odd, even

    /// Whether a house number lies on this side.
    public func contains(_ number: Int) -> Bool { (number % 2 == 1) == (self == .odd) }
}

/// The house numbers of one street an area claims: `"Nørrebrogade" 1-69 odd` in the rules.
public struct StreetClaim: Sendable, Equatable {
    /// The highest house number a claim can name; a claim without a range runs from 1 to this.
    public static let highestNumber = 1_000_000

    /// The street's name as written.
    public var street: String
    /// The street's name folded for comparison (`StreetName.key`).
    public var key: String
    /// The first house number claimed (1 when no range is given).
    public var from: Int
    /// The last house number claimed (`highestNumber` when no range is given).
    public var to: Int
    /// Only odd or only even numbers, or nil for both.
    public var side: HouseNumberSide?
    /// Where the claim was written.
    public var span: Span

    /// Creates a claim; the key is computed from the name.
    public init(
        street: String, from: Int = 1, to: Int = StreetClaim.highestNumber, side: HouseNumberSide? = nil,
        span: Span
    ) {
        self.street = street
        self.key = StreetName.key(street)
        self.from = from
        self.to = to
        self.side = side
        self.span = span
    }

    /// Whether the claim includes this house number.
    public func contains(_ number: Int) -> Bool {
        number >= from && number <= to && (side?.contains(number) ?? true)
    }

    /// Whether the claim is the whole street: every number on both sides. Only such a claim places
    /// an address that gives no house number.
    public var isWholeStreet: Bool { from <= 1 && to >= Self.highestNumber && side == nil }

    /// The smallest number claimed at or after `start` and no later than `end`, if any.
    func first(from start: Int, to end: Int) -> Int? {
        let low = max(start, from)
        let high = min(end, to)
        guard low <= high else { return nil }
        if let side, !side.contains(low) { return low + 1 <= high ? low + 1 : nil }
        return low
    }

    /// Whether the claim includes any house number at all.
    public var isEmpty: Bool { first(from: from, to: to) == nil }

    /// Whether two claims on the same street share a house number.
    public func overlaps(_ other: StreetClaim) -> Bool {
        guard key == other.key else { return false }
        if let a = side, let b = other.side, a != b { return false }
        let both = StreetClaim(
            street: street, from: max(from, other.from), to: min(to, other.to), side: side ?? other.side, span: span)
        return !both.isEmpty
    }

    /// The first house number of this claim that none of `others` includes, or nil when they cover it.
    ///
    /// Membership changes only where a claim starts or ends, so one odd and one even number of each
    /// stretch between such points decide it.
    public func firstUncovered(by others: [StreetClaim]) -> Int? {
        var points = [from, to + 1]
        for other in others {
            points += [other.from, other.to + 1].filter { $0 > from && $0 <= to }
        }
        points = Array(Set(points)).sorted()
        for (start, next) in zip(points, points.dropFirst()) {
            var number = start
            while number < min(next, start + 2) {
                if contains(number), !others.contains(where: { $0.contains(number) }) { return number }
                number += 1
            }
        }
        return nil
    }

    /// The claim as written in the rules: `'Nørrebrogade' 1-69 odd`.
    public var text: String {
        var text = "'\(street)'"
        if from > 1 || to < Self.highestNumber { text += from == to ? " \(from)" : " \(from)-\(to)" }
        if let side { text += " \(side.rawValue)" }
        return text
    }
}

/// How street names are compared: by a key that ignores case, spaces, punctuation and the ASCII
/// spellings of the Danish letters.
public enum StreetName {
    /// The comparison key of a street name: lower case; å, ø, æ written as aa, oe, ae (so
    /// "Blågårdsgade", "BLÅGÅRDSGADE" and "blaagaardsgade" agree); accents dropped; only letters and
    /// digits kept, so "Sankt Hans Gade", "Sankt Hansgade" and "Skt. Hans Gade" agree.
    public static func key(_ name: String) -> String {
        name.split(whereSeparator: { !isKept($0) }).map(word).joined()
    }

    /// One word's key, with the common abbreviations written out.
    static func word(_ text: Substring) -> String {
        var out = ""
        for character in text.lowercased() {
            if let folded = folding[character] {
                out += folded
            } else if character.isLetter || character.isNumber {
                out.append(character)
            }
        }
        return abbreviations[out] ?? out
    }

    /// Whether a character is part of a word of a street's name (letters and digits).
    public static func isKept(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    static let folding: [Character: String] = [
        "å": "aa", "ø": "oe", "æ": "ae", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e", "ê": "e",
        "á": "a", "à": "a", "ó": "o", "í": "i",
    ]

    static let abbreviations: [String: String] = ["skt": "sankt", "gl": "gammel"]
}

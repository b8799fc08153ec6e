/// How an SMS is encoded on the air (3GPP TS 23.038).
public enum SMSEncoding: String, Sendable, Hashable {
    /// The GSM 03.38 7-bit default alphabet: 160 septets in one message, 153 per part of a
    /// concatenated one; a character of the extension table (such as € [ ] { }) takes 2 septets.
    case gsm7 = "GSM-7"
    /// UCS-2 (UTF-16 on today's phones): 70 code units in one message, 67 per part; a character
    /// outside the Basic Multilingual Plane (most emoji) takes 2.
    case ucs2 = "UCS-2"

    /// The units (septets or UTF-16 code units) a single-part message holds.
    public var singleLimit: Int { self == .gsm7 ? 160 : 70 }
    /// The units each part of a concatenated message holds (the rest is the concatenation header).
    public var partLimit: Int { self == .gsm7 ? 153 : 67 }
    /// The value of a body template's `{encoding}` placeholder: `gsm7` or `ucs2`.
    public var placeholderValue: String { self == .gsm7 ? "gsm7" : "ucs2" }
}

/// The text of one SMS as it will be sent: counted in segments, and cut to a number of segments
/// when it is longer, at a word boundary, keeping the acknowledgement link whole at the end. Pure.
public struct SMSText: Sendable, Equatable {
    /// The text to send.
    public var text: String
    /// The encoding the text needs: GSM-7 when every character is in the GSM 03.38 default
    /// alphabet or its extension table, UCS-2 otherwise.
    public var encoding: SMSEncoding
    /// How many segments (message parts) the text takes in that encoding.
    public var segments: Int
    /// When the text was cut: how many segments the whole text would have taken; nil when it was not cut.
    public var cutFrom: Int?

    /// The words for a delivery attempt's detail when the text was cut, such as
    /// "cut to 3 segments (GSM-7); the whole text was 14"; nil when it was not.
    public var cutDetail: String? {
        cutFrom.map {
            "cut to \(segments) \(segments == 1 ? "segment" : "segments") (\(encoding.rawValue)); the whole text was \($0)"
        }
    }

    // The GSM 03.38 default alphabet (1 septet each), by Unicode scalar, and its extension table
    // (2 septets each: the escape and the character). ESC itself is not a character.
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// The encoding a text needs: GSM-7 if it can be written in it, UCS-2 otherwise.
    public static func encoding(of text: some StringProtocol) -> SMSEncoding {
        text.unicodeScalars.allSatisfy { basic.contains($0) || extended.contains($0) } ? .gsm7 : .ucs2
    }

    /// The units one scalar takes: septets (1, or 2 from the extension table) in GSM-7, UTF-16 code
    /// units (1, or 2 outside the Basic Multilingual Plane) in UCS-2.
    static func cost(_ scalar: Unicode.Scalar, _ encoding: SMSEncoding) -> Int {
        switch encoding {
        case .gsm7: extended.contains(scalar) ? 2 : 1
        case .ucs2: scalar.value > 0xFFFF ? 2 : 1
        }
    }

    /// The units (septets or UTF-16 code units) a text takes in an encoding.
    public static func units(of text: some StringProtocol, in encoding: SMSEncoding) -> Int {
        text.unicodeScalars.reduce(0) { $0 + cost($1, encoding) }
    }

    /// How many segments a text takes in an encoding: 1 up to the single limit, else parts filled in
    /// order, where a two-unit character (an escaped GSM character, a surrogate pair) is never split
    /// across parts. An empty text is 1 segment.
    public static func segments(of text: some StringProtocol, in encoding: SMSEncoding) -> Int {
        if units(of: text, in: encoding) <= encoding.singleLimit { return 1 }
        var fill = Fill(encoding)
        for scalar in text.unicodeScalars { fill.add(cost(scalar, encoding)) }
        return fill.parts
    }

    /// Concatenated parts being filled, one character after another.
    struct Fill {
        let limit: Int
        var parts = 1
        var used = 0

        init(_ encoding: SMSEncoding) { limit = encoding.partLimit }

        mutating func add(_ cost: Int) {
            if used + cost > limit {
                parts += 1
                used = 0
            }
            used += cost
        }
    }

    /// The text as it is, when it fits in `maxSegments`; otherwise cut so that it does. The cut is made
    /// at a word boundary (at a character when a single word would lose too much), marked with "..."
    /// (GSM-7) or "…" (UCS-2), and the last occurrence of `link` is moved whole to the end, with its
    /// label when the link's line starts with a short one (such as "Kvittér: "). Text after the link
    /// (such as personal details) is kept before it, cut like the rest. The link is never cut: when
    /// even the link alone does not fit, the link alone is the text.
    ///
    /// - Parameters:
    ///   - text: the whole message.
    ///   - link: the acknowledgement link to keep whole, or nil.
    ///   - maxSegments: the most segments the result may take, at least 1.
    public static func fit(_ text: String, keeping link: String?, maxSegments: Int) -> SMSText {
        let maxSegments = max(1, maxSegments)
        let wholeEncoding = encoding(of: text)
        let whole = segments(of: text, in: wholeEncoding)
        if whole <= maxSegments {
            return SMSText(text: text, encoding: wholeEncoding, segments: whole, cutFrom: nil)
        }
        var head = text
        var kept = ""
        if let link, !link.isEmpty, let range = text.range(of: link, options: .backwards) {
            let lineStart =
                text[..<range.lowerBound].lastIndex(where: \.isNewline).map { text.index(after: $0) } ?? text.startIndex
            let label = text[lineStart..<range.lowerBound]
            let keptStart = label.count <= 24 ? lineStart : range.lowerBound
            kept = String(text[keptStart..<range.upperBound])
            head = String(text[..<keptStart]) + String(text[range.upperBound...])
        }
        let marker = wholeEncoding == .gsm7 ? "..." : "…"
        let ending = marker + (kept.isEmpty ? "" : "\n" + kept)
        let cut: String
        if let prefix = longestPrefix(of: head, before: ending, encoding: wholeEncoding, maxSegments: maxSegments) {
            cut = prefix + ending
        } else if let link, !kept.isEmpty {
            let alone = fits(kept, wholeEncoding, maxSegments) ? kept : link
            cut = alone
        } else {
            cut = longestPrefix(of: head, before: "", encoding: wholeEncoding, maxSegments: maxSegments) ?? ""
        }
        let encoding = encoding(of: cut)
        return SMSText(text: cut, encoding: encoding, segments: segments(of: cut, in: encoding), cutFrom: whole)
    }

    static func fits(_ text: some StringProtocol, _ encoding: SMSEncoding, _ maxSegments: Int) -> Bool {
        segments(of: text, in: encoding) <= maxSegments
    }

    /// The longest start of `head`, without trailing white space, that fits before `ending` in
    /// `maxSegments`; cut at a word boundary unless that loses more than a third of it. Nil when not
    /// even an empty start fits.
    static func longestPrefix(
        of head: String, before ending: String, encoding: SMSEncoding, maxSegments: Int
    ) -> String? {
        let endingCosts = ending.unicodeScalars.map { cost($0, encoding) }
        let singleBudget = encoding.singleLimit - endingCosts.reduce(0, +)
        func endingFits(after state: Fill, units: Int) -> Bool {
            // One message, or the parts that follow on from the prefix's.
            if maxSegments == 1 { return units <= singleBudget }
            if units <= singleBudget { return true }
            var fill = state
            for cost in endingCosts { fill.add(cost) }
            return fill.parts <= maxSegments
        }
        guard endingFits(after: Fill(encoding), units: 0) else { return nil }
        let characters = Array(head)
        var fill = Fill(encoding)
        var units = 0
        var lastFit = 0  // characters in the longest start that fits (ending in a non-space)
        var lastWord = 0  // the same, but followed by white space
        for (index, character) in characters.enumerated() {
            for scalar in character.unicodeScalars {
                let c = cost(scalar, encoding)
                fill.add(c)
                units += c
            }
            if maxSegments > 1 && fill.parts > maxSegments { break }
            if maxSegments == 1 && units > singleBudget { break }
            if character.isWhitespace { continue }
            guard endingFits(after: fill, units: units) else { break }
            lastFit = index + 1
            if index + 1 < characters.count, characters[index + 1].isWhitespace { lastWord = index + 1 }
        }
        let count =
            lastFit == characters.count || lastWord == 0 || lastWord * 3 < lastFit * 2 ? lastFit : lastWord
        var prefix = String(characters[..<count])
        while prefix.last?.isWhitespace == true { prefix.removeLast() }
        return prefix
    }
}

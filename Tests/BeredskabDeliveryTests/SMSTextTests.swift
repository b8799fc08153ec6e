import Testing

@testable import BeredskabDelivery

/// Counting an SMS in GSM-7 septets or UCS-2 code units, and cutting it to a number of segments.
@Suite struct SMSTextTests {
    static let link = "https://beredskab.example.org/ack/Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4OTA"

    @Test func gsmSingleAndConcatenatedLimits() {
        let a160 = String(repeating: "a", count: 160)
        #expect(SMSText.encoding(of: a160) == .gsm7)
        #expect(SMSText.segments(of: a160, in: .gsm7) == 1)
        #expect(SMSText.segments(of: a160 + "a", in: .gsm7) == 2)
        #expect(SMSText.segments(of: String(repeating: "a", count: 306), in: .gsm7) == 2)
        #expect(SMSText.segments(of: String(repeating: "a", count: 307), in: .gsm7) == 3)
        #expect(SMSText.segments(of: "", in: .gsm7) == 1)
    }

    @Test func danishLettersAreGSM() {
        let text = "Blågårds Plads: Æble, Øre, Åben, æ ø å é É Ü ß"
        #expect(SMSText.encoding(of: text) == .gsm7)
        #expect(SMSText.units(of: text, in: .gsm7) == text.unicodeScalars.count)
        #expect(SMSText.encoding(of: "\r\n@£$¥") == .gsm7)
    }

    @Test func extensionCharactersCountDouble() {
        for character in ["€", "[", "]", "{", "}", "^", "\\", "|", "~"] {
            #expect(SMSText.encoding(of: character) == .gsm7, "\(character)")
            #expect(SMSText.units(of: character, in: .gsm7) == 2, "\(character)")
        }
        // 80 euro signs are 160 septets: one message; one more 'a' makes two.
        let euros = String(repeating: "€", count: 80)
        #expect(SMSText.segments(of: euros, in: .gsm7) == 1)
        #expect(SMSText.segments(of: euros + "a", in: .gsm7) == 2)
        // 158 'a' and a '[' are 160 septets; 159 and a '[' are 161.
        #expect(SMSText.segments(of: String(repeating: "a", count: 158) + "[", in: .gsm7) == 1)
        #expect(SMSText.segments(of: String(repeating: "a", count: 159) + "[", in: .gsm7) == 2)
        // An escaped character is never split across parts: after 152 'a' the euro moves to part two,
        // so 306 septets in all take three parts, not two.
        let split = String(repeating: "a", count: 152) + "€"
        #expect(SMSText.segments(of: split + String(repeating: "a", count: 151), in: .gsm7) == 2)
        #expect(SMSText.units(of: split + String(repeating: "a", count: 152), in: .gsm7) == 306)
        #expect(SMSText.segments(of: split + String(repeating: "a", count: 152), in: .gsm7) == 3)
    }

    @Test func oneCyrillicLetterSwitchesToUCS2() {
        let text = String(repeating: "a", count: 70)
        #expect(SMSText.encoding(of: text) == .gsm7)
        #expect(SMSText.segments(of: text, in: .gsm7) == 1)
        let withZhe = String(repeating: "a", count: 69) + "ж"
        #expect(SMSText.encoding(of: withZhe) == .ucs2)
        #expect(SMSText.segments(of: withZhe, in: .ucs2) == 1)
        #expect(SMSText.segments(of: withZhe + "a", in: .ucs2) == 2)
        #expect(SMSText.segments(of: String(repeating: "ж", count: 134), in: .ucs2) == 2)
        #expect(SMSText.segments(of: String(repeating: "ж", count: 135), in: .ucs2) == 3)
        // The ellipsis, curly quotes and the en dash are not in GSM-7 either.
        for character in ["…", "“", "–", "ç"] { #expect(SMSText.encoding(of: character) == .ucs2, "\(character)") }
    }

    @Test func emojiOutsideTheBMPCountTwo() {
        #expect(SMSText.units(of: "😀", in: .ucs2) == 2)
        #expect(SMSText.units(of: "🇩🇰", in: .ucs2) == 4)
        #expect(SMSText.segments(of: String(repeating: "😀", count: 35), in: .ucs2) == 1)
        #expect(SMSText.segments(of: String(repeating: "😀", count: 35) + "a", in: .ucs2) == 2)
        // A surrogate pair is not split: 33 emoji fill a part to 66 of 67, the 34th starts the next,
        // so 67 emoji (134 units, two parts' worth) take three parts.
        #expect(SMSText.segments(of: String(repeating: "😀", count: 66), in: .ucs2) == 2)
        #expect(SMSText.segments(of: String(repeating: "😀", count: 67), in: .ucs2) == 3)
    }

    @Test func aTextThatFitsIsUntouched() {
        let text = String(repeating: "a", count: 459 - 10) + " \(String(repeating: "b", count: 9))"
        let fitted = SMSText.fit(text, keeping: nil, maxSegments: 3)
        #expect(fitted == SMSText(text: text, encoding: .gsm7, segments: 3, cutFrom: nil))
        #expect(fitted.cutDetail == nil)
    }

    @Test func aLongAlertIsCutAtAWordWithTheLinkWholeAtTheEnd() {
        let words = String(repeating: "Skud affyret ved Blågårds Plads, hold jer væk. ", count: 40)
        let text = "SKUD: " + words + "\nKvittér: \(Self.link)"
        let fitted = SMSText.fit(text, keeping: Self.link, maxSegments: 3)
        #expect(fitted.encoding == .gsm7)
        #expect(fitted.segments == 3)
        #expect(fitted.cutFrom == SMSText.segments(of: text, in: .gsm7))
        #expect(fitted.cutDetail == "cut to 3 segments (GSM-7); the whole text was \(fitted.cutFrom!)")
        #expect(fitted.text.hasSuffix("...\nKvittér: \(Self.link)"), "\(fitted.text)")
        #expect(fitted.text.hasPrefix("SKUD: Skud affyret"))
        #expect(SMSText.units(of: fitted.text, in: .gsm7) <= 3 * 153)
        // Cut after a whole word: what comes before the marker is a start of the text ending in a word.
        let body = String(fitted.text.dropLast("...\nKvittér: \(Self.link)".count))
        #expect(text.hasPrefix(body))
        let next = text[text.index(text.startIndex, offsetBy: body.count)]
        #expect(next == " ", "cut inside a word: …\(body.suffix(20))|\(next)")
        // Nearly all the room is used: less than a word's length is left.
        #expect(SMSText.units(of: fitted.text, in: .gsm7) > 3 * 153 - 15)
    }

    @Test func textAfterTheLinkIsKeptBeforeIt() {
        let text =
            "Skud ved Blågården.\nKvittér: \(Self.link)\nPersonlige oplysninger: "
            + String(repeating: "Navn Navnesen, 19 år. ", count: 40)
        let fitted = SMSText.fit(text, keeping: Self.link, maxSegments: 2)
        #expect(fitted.segments <= 2)
        #expect(fitted.text.hasSuffix("\nKvittér: \(Self.link)"))
        #expect(fitted.text.contains("Personlige oplysninger: Navn Navnesen"))
        #expect(fitted.text.components(separatedBy: Self.link).count == 2, "the link appears once")
    }

    @Test func ucs2TextIsCutToUCS2Limits() {
        let text = String(repeating: "Стрельба на площади. ", count: 20) + "\nKvittér: \(Self.link)"
        let fitted = SMSText.fit(text, keeping: Self.link, maxSegments: 3)
        #expect(fitted.encoding == .ucs2)
        #expect(fitted.segments == 3)
        #expect(SMSText.units(of: fitted.text, in: .ucs2) <= 3 * 67)
        #expect(fitted.text.hasSuffix("…\nKvittér: \(Self.link)"))
        #expect(fitted.cutDetail?.hasPrefix("cut to 3 segments (UCS-2)") == true)
    }

    @Test func emojiAreNotCutInHalf() {
        let text = String(repeating: "🇩🇰", count: 200) + " \(Self.link)"
        let fitted = SMSText.fit(text, keeping: Self.link, maxSegments: 2)
        #expect(fitted.segments <= 2)
        #expect(fitted.text.hasSuffix(Self.link))
        let flags = fitted.text.prefix { $0 == "🇩🇰" }
        #expect(flags.unicodeScalars.count % 2 == 0)
        #expect(!flags.isEmpty)
    }

    @Test func theLinkIsNeverCut() {
        // One segment of GSM-7 has room for the link and little else.
        let text = String(repeating: "word ", count: 100) + Self.link
        for segments in 1...4 {
            let fitted = SMSText.fit(text, keeping: Self.link, maxSegments: segments)
            #expect(fitted.text.hasSuffix(Self.link), "\(segments): \(fitted.text)")
            #expect(fitted.segments <= segments)
        }
        // A link longer than the room is sent alone and whole.
        let long = "https://beredskab.example.org/ack/" + String(repeating: "x", count: 200)
        let fitted = SMSText.fit(String(repeating: "word ", count: 100) + long, keeping: long, maxSegments: 1)
        #expect(fitted.text == long)
    }

    @Test func withoutALinkTheTextIsStillCut() {
        let text = String(repeating: "abc ", count: 100)
        let fitted = SMSText.fit(text, keeping: nil, maxSegments: 1)
        #expect(fitted.segments == 1)
        #expect(fitted.text.hasSuffix("abc..."))
        #expect(SMSText.units(of: fitted.text, in: .gsm7) <= 160)
    }
}

import BeredskabCAP
import Foundation
import Testing

/// Bodies that killed `beredskab serve` inside FoundationXML, or slipped past the DOCTYPE check (issue 15).
/// Each must come back as a malformed-XML refusal naming the problem, never reach the parser.
@Suite struct HostileXMLTests {
    static let alert = String(decoding: CAPParsingTests.alert(), as: UTF8.self)

    /// The refusal of `bytes`, recording an issue if they were taken.
    static func malformed(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> CAPError? {
        switch parse(bytes) {
        case .success:
            Issue.record("accepted", sourceLocation: sourceLocation)
            return nil
        case .failure(let error):
            #expect(error.kind == .malformed, "\(error)", sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func invalidUTF8InACommentIsRefusedBeforeTheParser() {
        let bytes =
            Array("<?xml version=\"1.0\"?>\n<!-- ".utf8) + [0xFF] + Array(" -->\n".utf8) + Array(Self.alert.utf8)
        let error = Self.malformed(bytes)
        #expect(error?.line == 2)
        #expect(error?.column == 6)
        #expect(error?.message.contains("byte 0xFF is not UTF-8") == true)
    }

    @Test(arguments: [
        Array("<a".utf8) + [0xFF] + Array("b/>".utf8),  // element name
        Array("<a x".utf8) + [0xFF] + Array("=\"1\"/>".utf8),  // attribute name
        Array("<p".utf8) + [0xFF] + Array(":a xmlns:p".utf8) + [0xFF] + Array("=\"u\"/>".utf8),  // prefix
        Array("<a>".utf8) + [0xC0, 0xBC] + Array("</a>".utf8),  // overlong '<'
        Array("<a>".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8),  // surrogate
        Array("<a>".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("</a>".utf8),  // past U+10FFFF
        Array("<a>x</a>".utf8) + [0xE2, 0x82],  // cut short at the end
    ])
    func invalidUTF8AnywhereIsRefused(_ bytes: [UInt8]) {
        #expect(Self.malformed(bytes)?.message.contains("is not UTF-8") == true)
    }

    @Test(arguments: [
        "<?x?><a/>", "<a><?x ?></a>", "<?x\n?><a/>", "<?ergency:c?>xmldi",
        // The declaration is not closed, so a walk over the markup would see one long instruction; libxml2
        // reads on after the error and meets `<?erge?>` (found by scripts/fuzz cap).
        "<?xml version=\"1.0\" encoding=\"UTF-8\":names\">\n<a>1<?erge?>\n<b/></a>",
        "<a><![CDATA[<?x?>]]></a>",
    ])
    func processingInstructionsWithoutDataAreRefused(_ text: String) {
        // FoundationXML read the missing data as a C string from NULL (found by scripts/fuzz cap).
        #expect(Self.malformed(Array(text.utf8))?.message.contains("processing instruction needs data") == true)
    }

    @Test func manyProcessingInstructionsAreRefused() {
        let text = String(repeating: "<?a b", count: 100_000) + "?><a/>"
        #expect(Self.malformed(Array(text.utf8))?.message.contains("more than 8 processing instructions") == true)
    }

    @Test func badNamesAreRefused() {
        #expect(Self.malformed(Array("<a$b/>".utf8))?.message.contains("a name may hold") == true)
        #expect(Self.malformed(Array("<a:b:c/>".utf8))?.message.contains("one ':'") == true)
        #expect(Self.malformed(Array("<a x:=\"1\"/>".utf8))?.message.contains("one ':'") == true)
    }

    @Test func aDoctypeInUTF16IsRefusedAsUTF16() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE alert [<!ENTITY x \"y\">]>\n" + Self.alert
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian] {
            let bytes = [UInt8](try #require(text.data(using: encoding)))
            #expect(Self.malformed(bytes)?.message.contains("NUL byte") == true)
        }
        let withBOM = [UInt8](try #require(text.data(using: .utf16)))
        #expect(Self.malformed(withBOM)?.message.contains("UTF-16") == true)
    }

    @Test func anotherDeclaredEncodingIsRefused() {
        let text = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + Self.alert
        #expect(Self.malformed(Array(text.utf8))?.message.contains("encoding 'ISO-8859-1'") == true)
        let utf8 = "<?xml version='1.0' encoding='utf-8'?>\n" + Self.alert
        #expect((try? parse(Array(utf8.utf8)).get()) != nil)
    }

    @Test func declarationsAreRefusedAnywhere() {
        let inside = Self.alert.replacingOccurrences(of: "<info>", with: "<!DOCTYPE x><info>")
        #expect(Self.malformed(Array(inside.utf8))?.message.contains("<!DOCTYPE") == true)
        let entity = Self.alert + "\n<!ENTITY x \"y\">"
        #expect(Self.malformed(Array(entity.utf8))?.message.contains("<!ENTITY") == true)
    }

    @Test func depthAndSizeAreBounded() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(Self.malformed(Array(deep.utf8))?.message.contains("nest more than") == true)
        let big = Self.alert.replacingOccurrences(
            of: "<event>Andet</event>", with: "<event>" + String(repeating: "x", count: 1 << 20) + "</event>")
        #expect(Self.malformed(Array(big.utf8))?.message.contains("larger than") == true)
    }

    @Test func ordinaryMarkupStillPasses() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <?stylesheet x?>
            <!-- a comment with <tags> & <b>old</b> markup -->
            \(Self.alert.replacingOccurrences(of: "<event>Andet</event>", with: "<event a='>' b=\"/\"><![CDATA[<x> & ]]>Andet</event>"))
            """
        if case .failure(let error) = parse(Array(text.utf8)) { Issue.record("\(error)") }
    }
}

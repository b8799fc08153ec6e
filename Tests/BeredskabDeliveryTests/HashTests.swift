import Foundation
import Testing

@testable import BeredskabDelivery

/// Known answers for our use of swift-crypto: `Hashing.sha256` and `HMACSHA256` wrap it for the
/// Message-IDs, content digests and webhook signatures.
@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B and the NIST example values for SHA-256.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func fipsVectors(_ message: String, _ digest: String) {
        #expect(hexString(Hashing.sha256(message)) == digest)
    }

    @Test func aMillionTimesA() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(
            hexString(Hashing.sha256(million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func blockBoundaries() {
        // 55, 56, 63, 64 and 65 bytes: the lengths where padding spills into a second block.
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
        ]
        for (count, digest) in expected {
            #expect(
                hexString(Hashing.sha256([UInt8](repeating: UInt8(ascii: "a"), count: count))) == digest, "\(count)")
        }
    }

    @Test func anySequenceEqualsItsArray() {
        // A sequence without contiguous storage (pieces joined lazily) hashes as its bytes do.
        let text = Array(danishBody.utf8)
        let pieces = stride(from: 0, to: text.count, by: 7).map { text[$0..<min($0 + 7, text.count)] }
        #expect(Hashing.sha256(pieces.joined()) == Hashing.sha256(text))
        #expect(Hashing.sha256(danishBody) == Hashing.sha256(text))
    }
}

@Suite struct HMACTests {
    private static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    // RFC 4231 section 4, test cases 1 to 7 (case 5 is truncated to 128 bits).
    @Test(arguments: [
        (
            String(repeating: "0b", count: 20), "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "0c", count: 20), "546573742057697468205472756e636174696f6e",
            "a3b6167473100ee06e0c796c2955552b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            String(repeating: "aa", count: 131),
            "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ])
    func rfc4231(_ key: String, _ data: String, _ mac: String) {
        let code = HMACSHA256.authenticationCode(for: Self.bytes(data), key: Self.bytes(key))
        #expect(hexString(code).hasPrefix(mac))
    }

    @Test func stringConvenience() {
        #expect(
            HMACSHA256.hex("what do ya want for nothing?", key: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}

@Suite struct ConstantTimeTests {
    @Test func equalBytesAndStrings() {
        #expect(constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(constantTimeEquals([] as [UInt8], [] as [UInt8]))
        #expect(constantTimeEquals("Zm9vYmFy-_x", "Zm9vYmFy-_x"))
        #expect(constantTimeEquals("blåbær", "blåbær"))
    }

    @Test func unequalAnywhere() {
        // The first, a middle and the last byte differing all give false.
        let token = Array("abcdefghijklmnopqrstuvwxyz012345".utf8)
        for index in [0, token.count / 2, token.count - 1] {
            var other = token
            other[index] ^= 0x01
            #expect(!constantTimeEquals(token, other), "\(index)")
        }
        #expect(!constantTimeEquals("csrf-token", "csrf-tokeN"))
    }

    @Test func differentLengths() {
        #expect(!constantTimeEquals("abc", "abcd"))
        #expect(!constantTimeEquals("abcd", "abc"))
        #expect(!constantTimeEquals("", "a"))
        #expect(!constantTimeEquals([0] as [UInt8], [] as [UInt8]))
        // A prefix of the secret is not the secret.
        #expect(!constantTimeEquals("secret", "secret\u{0}"))
    }
}

@Suite struct WebhookVerificationTests {
    let body = Data(#"{"incident":"fsb:2026-000412"}"#.utf8)

    @Test func theSignatureWeSendVerifies() {
        let signature = WebhookTransport.signature(body: body, secret: "modtager-hemmelighed")
        #expect(WebhookTransport.verify(signature: signature, body: body, secret: "modtager-hemmelighed"))
        #expect(
            WebhookTransport.verify(
                signature: signature.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body,
                secret: "modtager-hemmelighed"))
    }

    @Test func anotherBodySecretOrMalformedSignatureDoesNot() {
        let signature = WebhookTransport.signature(body: body, secret: "modtager-hemmelighed")
        #expect(
            !WebhookTransport.verify(signature: signature, body: body + Data(" ".utf8), secret: "modtager-hemmelighed"))
        #expect(!WebhookTransport.verify(signature: signature, body: body, secret: "en-anden"))
        #expect(
            !WebhookTransport.verify(
                signature: String(signature.dropLast(2)), body: body, secret: "modtager-hemmelighed"))
        #expect(!WebhookTransport.verify(signature: signature + "00", body: body, secret: "modtager-hemmelighed"))
        #expect(
            !WebhookTransport.verify(
                signature: "sha1=" + signature.dropFirst(7), body: body, secret: "modtager-hemmelighed"))
        #expect(
            !WebhookTransport.verify(
                signature: "sha256=" + String(repeating: "zz", count: 32), body: body, secret: "modtager-hemmelighed"))
    }
}

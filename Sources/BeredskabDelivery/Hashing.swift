import Crypto
import Foundation

/// SHA-256 (FIPS 180-4) through swift-crypto, for Message-IDs and content digests.
public enum Hashing {
    /// The 32-byte SHA-256 digest of some bytes.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: Array(bytes)))
    }

    /// The 32-byte SHA-256 digest of a string's UTF-8 bytes.
    public static func sha256(_ string: String) -> [UInt8] { sha256(Array(string.utf8)) }
}

/// HMAC-SHA256 (RFC 2104) through swift-crypto, for webhook signatures.
public enum HMACSHA256 {
    /// The 32-byte authentication code of a message under a key.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        Array(
            HMAC<Crypto.SHA256>.authenticationCode(for: Array(message), using: SymmetricKey(data: Array(key))))
    }

    /// The code of a string's UTF-8 bytes under a string key, as lower-case hexadecimal.
    public static func hex(_ message: String, key: String) -> String {
        hexString(authenticationCode(for: Array(message.utf8), key: Array(key.utf8)))
    }

    /// Whether `code` is the message's authentication code under the key, compared in constant
    /// time (swift-crypto's `HMAC.isValidAuthenticationCode`): a receiver checking a signature.
    public static func isValid(
        _ code: some Sequence<UInt8>, for message: some Sequence<UInt8>, key: some Sequence<UInt8>
    )
        -> Bool
    {
        HMAC<Crypto.SHA256>.isValidAuthenticationCode(
            Array(code), authenticating: Array(message), using: SymmetricKey(data: Array(key)))
    }
}

/// Whether two byte strings are equal, taking the same time wherever they first differ: every
/// byte is looked at, so a guesser cannot learn a secret's prefix from how fast a refusal comes.
/// Only the lengths' difference returns early (a secret's length is no secret: they are fixed by
/// format). Used wherever a value derived from a secret is compared with one a client sent: the
/// session's CSRF token (`Routes.require`) and webhook signatures (``WebhookTransport/verify(signature:body:secret:)``).
/// API, session, sign-in and acknowledgement tokens are never compared at all: they are looked up
/// by their SHA-256 digest, so a client controls no prefix of what is matched.
public func constantTimeEquals(_ a: some Sequence<UInt8>, _ b: some Sequence<UInt8>) -> Bool {
    let x = Array(a)
    let y = Array(b)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// Whether two strings' UTF-8 bytes are equal, in constant time, as the byte version.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
}

/// Lower-case hexadecimal digits of some bytes.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

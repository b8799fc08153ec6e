/// HMAC-SHA256 (RFC 2104) over the pure-Swift SHA-256.
public enum HMACSHA256 {
    /// The 32-byte authentication code of a message under a key.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var keyBlock = Array(key)
        if keyBlock.count > SHA256.blockSize { keyBlock = SHA256.hash(keyBlock) }
        keyBlock += [UInt8](repeating: 0, count: SHA256.blockSize - keyBlock.count)
        var inner = SHA256()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(keyBlock.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The code of a string's UTF-8 bytes under a string key, as lower-case hexadecimal.
    public static func hex(_ message: String, key: String) -> String {
        hexString(authenticationCode(for: Array(message.utf8), key: Array(key.utf8)))
    }
}

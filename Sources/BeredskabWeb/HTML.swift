/// Escaping for HTML text and attribute values, and percent-encoding for path segments in links.
/// The pages themselves are Mustache templates that escape every `{{value}}` (`Templates.swift`);
/// `escape` is left for the HTML built in Swift: the SVG charts of the review and the after-action
/// timeline, and the notice shown when the templates are missing.
public enum HTML {
    /// The text with `&`, `<`, `>`, `"` and `'` replaced by entities (as Mustache's `{{value}}` does):
    /// safe in element content and in quoted attribute values alike.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// One path segment with everything but unreserved characters (RFC 3986) percent-encoded, so an
    /// id or token cannot leave its place in a link; the template escapes the finished link as well.
    public static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return out
    }

    /// A local path safe to link to: it must start with one `/`; anything else becomes `/`.
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    /// A local path without its query or fragment, for links that add their own query.
    static func localPathOnly(_ path: String) -> String {
        localPath(String(path.prefix { $0 != "?" && $0 != "#" }))
    }

    /// The value of an `id` attribute made from a key: letters, digits and `-` only.
    static func idFragment(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }
}

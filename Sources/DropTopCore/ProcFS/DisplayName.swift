/// How a name read from the system (interface name, IRQ description, ...) is shown everywhere:
/// JSON, Prometheus labels, text reports and the terminal all use this one form.
///
/// Rules (documented in docs/json.md):
/// - printable ASCII and valid UTF-8 characters stay as they are;
/// - a backslash becomes `\\`;
/// - control bytes (0x00–0x1F, 0x7F), C1 controls (U+0080–U+009F), invisible format characters
///   (bidirectional controls, zero-width characters, soft hyphen: category Cf), U+2028, U+2029
///   and every byte that is not part of valid UTF-8 become `\xNN` (two lower-case hex digits,
///   one escape per byte: U+202E is `\xe2\x80\xae`);
/// - a name longer than `maxBytes` keeps its first `maxBytes` bytes, then `...`.
///
/// Because backslashes are doubled, the form is unambiguous and can be turned back into the
/// original bytes, and it never contains a byte a terminal would interpret.
public enum DisplayName {
    /// The longest name shown whole: interface names have 15 bytes, IRQ descriptions a few dozen.
    public static let maxBytes = 256

    public static func escaped<S: Collection>(_ bytes: S) -> String where S.Element == UInt8 {
        guard bytes.count <= maxBytes else { return escaped(bytes.prefix(maxBytes)) + "..." }
        // Fast path: plain printable ASCII without backslashes (nearly every real name).
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        let array = Array(bytes)
        var i = 0
        while i < array.count {
            let b = array[i]
            if b == 0x5C {
                out += "\\\\"; i += 1; continue
            }
            if b >= 0x20 && b < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(b)); i += 1; continue
            }
            if b < 0x80 {
                out += hexEscape(b); i += 1; continue
            }
            // Multi-byte sequence: keep it only if it is valid UTF-8 and shows as what it is.
            if let (scalar, length) = decodeScalar(array, at: i) {
                if isInvisible(scalar) {
                    for k in 0..<length { out += hexEscape(array[i + k]) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
                i += length
            } else {
                out += hexEscape(b); i += 1
            }
        }
        return out
    }

    public static func escaped(_ string: String) -> String { escaped(Array(string.utf8)) }

    /// Characters that change how the text around them looks without being seen themselves:
    /// C1 controls, format characters (category Cf: the bidirectional overrides and isolates
    /// U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200F, U+2060–U+2064, U+FEFF, the
    /// soft hyphen U+00AD) and the line and paragraph separators. A name holding one could
    /// pose as another (eth0 reversed) or hide its end; they are escaped like control bytes.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if (0x80...0x9F).contains(scalar.value) { return true }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private static func hexEscape(_ b: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0x0F)])
    }

    /// Decodes one UTF-8 scalar starting at `i`, rejecting overlong forms and surrogates.
    private static func decodeScalar(_ a: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = a[i]
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + length <= a.count else { return nil }
        for k in 1..<length {
            let c = a[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            value = (value << 6) | UInt32(c & 0x3F)
        }
        if length == 3 && value < 0x800 { return nil }
        if length == 4 && (value < 0x10000 || value > 0x10FFFF) { return nil }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}

/// Shortens every string in one line of JSON to at most `maxBytes` bytes (then `...`), keeping
/// the JSON valid, before it is decoded: a recording is input like any other, and a 10 MB
/// interface name in one must not reach a terminal, or memory, whole. Escapes (`\n`, `\u001b`)
/// and UTF-8 sequences are kept or dropped whole.
public enum JSONStringClamp {
    public static func clamped<C: Collection>(_ line: C, maxBytes: Int = DisplayName.maxBytes) -> [UInt8]
    where C.Element == UInt8 {
        let bytes = Array(line)
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count, 1 << 16))
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            out.append(b)
            i += 1
            if b == 0x22 { i = copyString(bytes, from: i, into: &out, maxBytes: maxBytes) }
        }
        return out
    }

    /// Copies a string body starting after its opening quote, through its closing quote;
    /// returns the index after that quote.
    private static func copyString(_ bytes: [UInt8], from start: Int, into out: inout [UInt8], maxBytes: Int) -> Int {
        var i = start
        var kept = 0
        var cut = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 { break }
            let length = unitLength(bytes, at: i)
            if !cut && kept + length > maxBytes {
                cut = true
                out.append(contentsOf: Array("...".utf8))
            }
            if !cut { out.append(contentsOf: bytes[i..<min(i + length, bytes.count)]); kept += length }
            i += length
        }
        if i < bytes.count { out.append(0x22); i += 1 }
        return i
    }

    /// The bytes of one escape or one UTF-8 sequence (malformed input: one byte, and the
    /// decoder rejects the line).
    private static func unitLength(_ bytes: [UInt8], at i: Int) -> Int {
        let b = bytes[i]
        if b == 0x5C { return i + 1 < bytes.count && bytes[i + 1] == 0x75 ? 6 : 2 }   // \uXXXX or \n
        switch b {
        case 0xC0...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF7: return 4
        default: return 1
        }
    }
}

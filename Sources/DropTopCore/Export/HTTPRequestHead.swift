/// The little of HTTP/1.x that a metrics endpoint needs: find the end of a request head, read
/// its request line, and decide the answer. Pure (bytes in, decision out), so it is tested alone.
public enum HTTPRequestHead {
    /// The largest request head accepted; Prometheus sends about 300 bytes.
    public static let maximumBytes = 8192

    public enum Route: Equatable, Sendable {
        case metrics, index
    }

    public enum Decision: Equatable, Sendable {
        /// The head is not complete yet: read more.
        case needMore
        case serve(Route, headOnly: Bool)
        case notFound
        case methodNotAllowed
        case badRequest
        case headTooLarge
    }

    /// The answer for the bytes received so far on a connection.
    public static func decide(_ received: [UInt8]) -> Decision {
        guard let lineEnd = received.firstIndex(of: 0x0A) else {
            return received.count >= maximumBytes ? .headTooLarge : .needMore
        }
        // The request line alone decides a bad request at once; the rest of the head must still end.
        let requestLine = received[..<lineEnd].last == 0x0D ? received[..<(lineEnd - 1)] : received[..<lineEnd]
        guard let (method, target) = parseRequestLine(requestLine) else { return .badRequest }
        guard headEnds(received) else { return received.count >= maximumBytes ? .headTooLarge : .needMore }
        guard method == "GET" || method == "HEAD" else { return .methodNotAllowed }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let headOnly = method == "HEAD"
        switch path {
        case "/metrics": return .serve(.metrics, headOnly: headOnly)
        case "/": return .serve(.index, headOnly: headOnly)
        default: return .notFound
        }
    }

    /// "GET /metrics HTTP/1.1" -> ("GET", "/metrics"); nil unless it is METHOD SP TARGET SP HTTP/1.x
    /// with a token method and an origin-form target of visible ASCII.
    static func parseRequestLine(_ line: ArraySlice<UInt8>) -> (String, String)? {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let method = parts[0], target = parts[1], version = parts[2]
        guard !method.isEmpty, method.count <= 16, method.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        guard target.first == 0x2F, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        guard Array(version) == Array("HTTP/1.1".utf8) || Array(version) == Array("HTTP/1.0".utf8) else { return nil }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self))
    }

    /// An empty line ends the head: CRLF CRLF, or bare LF LF from lenient clients.
    static func headEnds(_ bytes: [UInt8]) -> Bool {
        var previousWasNewline = false
        for (i, b) in bytes.enumerated() {
            if b == 0x0A {
                if previousWasNewline { return true }
                previousWasNewline = true
            } else if !(b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
                previousWasNewline = false
            }
        }
        return false
    }
}

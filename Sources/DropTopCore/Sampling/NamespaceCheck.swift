#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether droptop runs in another network namespace than init's: then /proc/net shows the
/// namespace, but CPU, IRQ and softnet figures still count the whole host.
public enum NamespaceCheck {
    /// "net:[4026531840]" for a /proc/PID/ns/net link, nil when it cannot be read.
    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 128)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True only when both links are readable and differ (reading init's needs root or the same user).
    public static func insideNetworkNamespace(procRoot: String = "/proc") -> Bool {
        guard let mine = link(procRoot + "/self/ns/net"), let initial = link(procRoot + "/1/ns/net") else { return false }
        return mine != initial
    }
}

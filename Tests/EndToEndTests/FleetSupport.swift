import Foundation
import Testing

/// A program left running while the test talks to it; stdout and stderr go to files. Killed
/// (SIGKILL) and reaped when dropped, so a failing test never leaves it behind.
final class Background {
    let pid: pid_t
    let base: String
    private var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String]) throws {
        base = NSTemporaryDirectory() + "droptop-bg-\(UUID().uuidString)"
        pid = try spawn(executable, arguments, stdin: "/dev/null", output: base)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        for suffix in [".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) }
    }

    var stderr: String { (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "" }

    /// The first stderr line containing `text`, waiting up to `timeout` seconds for it.
    func line(containing text: String, timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if exited { return nil }
            usleep(20_000)
        }
        return nil
    }

    /// True once the process has ended (and reaps it).
    var exited: Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return true
    }

    /// Sends `signal` and waits for the exit status (nil after `timeout` seconds).
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 10) -> Int32? {
        if !exited { kill(pid, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while !exited && Date() < deadline { usleep(10_000) }
        return exitStatus
    }
}

/// "droptop: listening on http://[::1]:4242/metrics" -> ("::1", 4242)
func listeningAddress(_ line: String) -> (host: String, port: UInt16)? {
    guard let url = line.split(separator: " ").last, url.hasPrefix("http://"), url.hasSuffix("/metrics") else { return nil }
    let authority = url.dropFirst("http://".count).dropLast("/metrics".count)
    guard let colon = authority.lastIndex(of: ":"), let port = UInt16(authority[authority.index(after: colon)...]) else { return nil }
    var host = String(authority[..<colon])
    if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
    return (host, port)
}

/// A connected TCP socket (IPv4 or IPv6 literal), with receive and send timeouts.
func connectTCP(_ host: String, _ port: UInt16, timeout: Double = 5) throws -> Int32 {
    var hints = addrinfo()
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
        throw NamespaceError(message: "getaddrinfo \(host)")
    }
    defer { freeaddrinfo(list) }
    let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
        close(fd)
        throw NamespaceError(message: "connect \(host):\(port): \(String(cString: strerror(errno)))")
    }
    return fd
}

struct HTTPAnswer {
    var status: Int
    var head: String
    var body: String
    func header(_ name: String) -> String? {
        head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }
}

/// Sends `request` as is and reads the answer until the server closes.
func httpExchange(_ host: String, _ port: UInt16, _ request: String, timeout: Double = 5) throws -> HTTPAnswer {
    let fd = try connectTCP(host, port, timeout: timeout)
    defer { close(fd) }
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard n > 0 else { throw NamespaceError(message: "send: \(String(cString: strerror(errno)))") }
        sent += n
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n < 0 { throw NamespaceError(message: "recv: \(String(cString: strerror(errno)))") }
        if n == 0 { break }
        received += buffer[..<n]
    }
    let text = String(decoding: received, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw NamespaceError(message: "no HTTP head in \(text.prefix(200))") }
    let head = String(text[..<split.lowerBound])
    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? -1
    return HTTPAnswer(status: status, head: head, body: String(text[split.upperBound...]))
}

func httpGet(_ host: String, _ port: UInt16, _ path: String = "/metrics", timeout: Double = 5) throws -> HTTPAnswer {
    try httpExchange(host, port, "GET \(path) HTTP/1.1\r\nHost: droptop\r\nUser-Agent: droptop-tests\r\n\r\n", timeout: timeout)
}

/// The value of an unlabelled (or exactly labelled) series in exposition text.
func metricValue(_ text: String, _ series: String) -> Double? {
    text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}

/// Optional tools (Debian package `prometheus` for both): a test needing one is skipped with a
/// message when it is missing, except in CI (CI=true), where a missing tool is a failure.
let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
func installed(_ tool: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
}

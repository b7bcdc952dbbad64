#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The `--listen` HTTP endpoint: one thread running a poll() loop over non-blocking sockets.
/// Sampling happens elsewhere at its own pace and publishes each report here; the first scrape
/// after a sample renders it and later scrapes share that response, so many scrapers cost
/// nothing extra and a sample nobody scraped costs no rendering.
/// Slow, idle or hostile clients cannot block sampling or other scrapers: every connection has
/// a deadline, request heads are capped at 8 KiB, and at most `maximumConnections` are open
/// (a new one then replaces the oldest still sending its request).
public final class MetricsServer: @unchecked Sendable {
    public static let maximumConnections = 128
    /// Seconds a client has to send its request head, then to read the response.
    public static let headTimeout = 5.0, writeTimeout = 10.0, drainTimeout = 1.0

    public let address: ListenAddress
    private let listener: Int32
    /// A pipe whose read end wakes the poll loop to stop (eventfd and pipe2 are not in Swift's Glibc).
    private let wakeRead: Int32, wakeWrite: Int32
    private let latest = Mutex<LatestMetrics>(LatestMetrics(ready: PreparedResponse(status: "503 Service Unavailable",
                                                                                    contentType: "text/plain; charset=utf-8",
                                                                                    body: "droptop: no sample yet\n")))
    private var thread: pthread_t?
    private var connections: [Connection] = []

    public init(listeningOn requested: ListenAddress) throws(ListenError) {
        let (fd, bound) = try requested.bindListener()
        listener = fd
        address = bound
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw ListenError("\(bound): pipe: \(ListenAddress.lastError())")
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        for end in ends { Self.makeNonBlocking(end) }
    }

    deinit {
        close(listener)
        close(wakeRead)
        close(wakeWrite)
    }

    static func makeNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// "http://127.0.0.1:9417/metrics"
    public var metricsURL: String { "http://\(address)/metrics" }

    /// Makes `text` (exposition format 0.0.4) what every following scrape of /metrics returns.
    public func publish(metrics text: String) {
        let ready = LatestMetrics(ready: PreparedResponse(metrics: text))
        latest.withLock { $0 = ready }
    }

    /// Makes what `render` returns the answer to every following scrape, rendered by the first
    /// of them: with a scrape every 15 s and a sample every second, 14 renderings of 15 are saved
    /// (with a hundred namespaces a rendering is ~4 MB of text and tens of ms of CPU).
    public func publish(rendering render: @escaping @Sendable () -> String) {
        let pending = LatestMetrics(render: render)
        latest.withLock { $0 = pending }
    }

    public func start() throws(ListenError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { context in
            let server = Unmanaged<MetricsServer>.fromOpaque(context!).takeRetainedValue()
            // Signals go to the sampling thread, which decides when to stop.
            var blocked = sigset_t()
            sigfillset(&blocked)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            server.serve()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<MetricsServer>.fromOpaque(context).release()
            throw ListenError("\(address): cannot start the server thread: \(String(cString: strerror(status)))")
        }
        thread = handle
    }

    /// Closes every connection and ends the thread; returns once it has.
    public func stop() {
        guard let thread else { return }
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
        pthread_join(thread, nil)
        self.thread = nil
    }

    private func serve() {
        while true {
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            fds += connections.map { pollfd(fd: $0.fd, events: Int16($0.phase == .writing ? POLLOUT : POLLIN), revents: 0) }
            let now = Sampler.monotonicNow()
            let nearest = connections.map(\.deadline).min() ?? now + 1
            let timeout = Int32(max(0, min(1000, (nearest - now) * 1000 + 1)))
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            if fds[0].revents != 0 { break }
            // Connections first (their indices match fds), then new ones, then the deadlines.
            for i in connections.indices.reversed() where fds[i + 2].revents != 0 {
                if !connections[i].step(latest: latest) { connections.remove(at: i).close() }
            }
            if fds[1].revents != 0 { acceptPending() }
            let later = Sampler.monotonicNow()
            connections.removeAll { c in
                guard c.deadline <= later else { return false }
                c.close()
                return true
            }
        }
        for c in connections { c.close() }
        connections.removeAll()
    }

    /// Accepts what is waiting (at most a batch, so a flood cannot starve open connections).
    private func acceptPending() {
        for _ in 0..<64 {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            Self.makeNonBlocking(fd)
            if connections.count >= Self.maximumConnections {
                // Full: make room by dropping the oldest client that still has not sent its request.
                guard let oldest = connections.firstIndex(where: { $0.phase == .reading }) else {
                    Glibc.close(fd)
                    continue
                }
                connections.remove(at: oldest).close()
            }
            connections.append(Connection(fd: fd, deadline: Sampler.monotonicNow() + Self.headTimeout))
        }
    }
}

/// The latest metrics: a response ready to send, or the rendering that makes it when a scrape
/// first asks, kept for the scrapes after it.
final class LatestMetrics: Sendable {
    private let render: (@Sendable () -> String)?
    private let response: Mutex<PreparedResponse?>

    init(ready: PreparedResponse) { render = nil; response = Mutex(ready) }
    init(render: @escaping @Sendable () -> String) { self.render = render; response = Mutex(nil) }

    func prepared() -> PreparedResponse {
        response.withLock { cached in
            if let cached { return cached }
            let made = PreparedResponse(metrics: render?() ?? "")
            cached = made
            return made
        }
    }
}

/// A whole response, headers and body, built once and shared by every connection sending it.
struct PreparedResponse: Sendable {
    let bytes: [UInt8]
    let headerLength: Int

    init(status: String, contentType: String, body: String, extraHeaders: String = "") {
        let body = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            + extraHeaders + "Connection: close\r\n\r\n"
        headerLength = head.utf8.count
        bytes = Array(head.utf8) + body
    }

    init(metrics text: String) {
        self.init(status: "200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
    }

    static let index = PreparedResponse(status: "200 OK", contentType: "text/html; charset=utf-8", body: """
        <!DOCTYPE html>
        <html><head><title>droptop</title></head>
        <body><h1>droptop</h1><p>Linux packet-loss triage. Metrics: <a href="/metrics">/metrics</a></p></body></html>

        """)
    static let notFound = PreparedResponse(status: "404 Not Found", contentType: "text/plain; charset=utf-8",
                                           body: "not found: droptop serves /metrics and /\n")
    static let methodNotAllowed = PreparedResponse(status: "405 Method Not Allowed", contentType: "text/plain; charset=utf-8",
                                                   body: "method not allowed: use GET\n", extraHeaders: "Allow: GET, HEAD\r\n")
    static let badRequest = PreparedResponse(status: "400 Bad Request", contentType: "text/plain; charset=utf-8",
                                             body: "bad request\n")
    static let headTooLarge = PreparedResponse(status: "431 Request Header Fields Too Large",
                                               contentType: "text/plain; charset=utf-8", body: "request head over 8 KiB\n")
}

/// One client: read its request head, send the answer, then read and discard until the client
/// closes (closing with unread input would reset the connection and could cut the answer).
struct Connection {
    enum Phase { case reading, writing, draining }

    let fd: Int32
    var deadline: Double
    var phase = Phase.reading
    private var received: [UInt8] = []
    private var response = PreparedResponse.badRequest
    private var end = 0
    private var sent = 0

    init(fd: Int32, deadline: Double) {
        self.fd = fd
        self.deadline = deadline
    }

    func close() { Glibc.close(fd) }

    /// Handles readiness; false when the connection is finished.
    mutating func step(latest: borrowing Mutex<LatestMetrics>) -> Bool {
        switch phase {
        case .reading: return readHead(latest: latest)
        case .writing: return writeResponse()
        case .draining: return drain()
        }
    }

    private mutating func readHead(latest: borrowing Mutex<LatestMetrics>) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let room = min(buffer.count, HTTPRequestHead.maximumBytes - received.count)
        let n = recv(fd, &buffer, room, 0)
        if n < 0 { return errno == EAGAIN || errno == EINTR }
        if n == 0 { return false }
        received += buffer[..<n]
        let decision = HTTPRequestHead.decide(received)
        guard decision != .needMore else { return true }
        var headOnly = false
        switch decision {
        case .serve(let route, let head):
            headOnly = head
            response = route == .metrics ? latest.withLock { $0 }.prepared() : .index
        case .notFound: response = .notFound
        case .methodNotAllowed: response = .methodNotAllowed
        case .headTooLarge: response = .headTooLarge
        case .badRequest, .needMore: response = .badRequest
        }
        received = []
        end = headOnly ? response.headerLength : response.bytes.count
        phase = .writing
        deadline = Sampler.monotonicNow() + MetricsServer.writeTimeout
        return writeResponse()
    }

    private mutating func writeResponse() -> Bool {
        while sent < end {
            let n = response.bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, end - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 { return errno == EAGAIN || errno == EINTR }
            sent += n
        }
        shutdown(fd, Int32(SHUT_WR))
        phase = .draining
        deadline = Sampler.monotonicNow() + MetricsServer.drainTimeout
        return true
    }

    private mutating func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n < 0 { return errno == EAGAIN || errno == EINTR }
        return n > 0
    }
}

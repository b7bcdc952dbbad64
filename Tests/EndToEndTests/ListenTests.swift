import Foundation
import Testing

/// A droptop --listen on an ephemeral loopback port, found from its stderr line.
func startListening(_ extra: [String] = [], on address: String = "127.0.0.1:0") throws -> (Background, String, UInt16) {
    let server = try Background(droptopBinary, ["--listen", address, "--interval", "0.2"] + extra)
    let line = try #require(server.line(containing: "listening on"), "no 'listening on' line: \(server.stderr)")
    let (host, port) = try #require(listeningAddress(line), "cannot read the address in \(line)")
    return (server, host, port)
}

@Suite(.serialized) struct ListenTests {
    @Test(.enabled(if: installed("promtool") || inCI, "promtool is not installed (Debian package prometheus)"))
    func metricsPassPromtoolAndCountersMoveBetweenScrapes() throws {
        let (server, host, port) = try startListening()
        #expect(host == "127.0.0.1" && port != 0)
        let first = try httpGet(host, port)
        usleep(600_000)
        let second = try httpGet(host, port)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(first.header("Content-Length") == String(first.body.utf8.count))
        // Our own requests travel over lo, so its byte counter must have moved.
        let series = "droptop_network_receive_bytes_total{device=\"lo\"}"
        let before = try #require(metricValue(first.body, series)), after = try #require(metricValue(second.body, series))
        #expect(after > before)
        #expect(metricValue(second.body, "droptop_up") == 1)
        let sampled = try #require(metricValue(second.body, "droptop_last_sample_timestamp_seconds"))
        #expect(sampled > (metricValue(first.body, "droptop_last_sample_timestamp_seconds") ?? .infinity))
        #expect(metricValue(second.body, "droptop_sample_duration_seconds").map { $0 > 0 && $0 < 5 } == true)
        #expect(metricValue(second.body, "droptop_socket_tables_age_seconds").map { $0 >= 0 } == true)
        // The listeners are read every interval (a LISTEN-only sock_diag dump): never old.
        #expect(metricValue(second.body, "droptop_tcp_listeners_age_seconds") == 0)
        let path = NSTemporaryDirectory() + "droptop-listen-\(UUID().uuidString).prom"
        try second.body.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let promtool = try run("/usr/bin/env", ["sh", "-c", "promtool check metrics < '\(path)'"], timeout: 30)
        #expect(promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty,
                "promtool: \(promtool.stdout)\(promtool.stderr)")
        #expect(server.stop() == 0)
    }

    @Test func wrongPathsMethodsAndRequestsGetTheirStatus() throws {
        let (server, host, port) = try startListening()
        let index = try httpGet(host, port, "/")
        #expect(index.status == 200 && index.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(index.body.contains("href=\"/metrics\""))
        #expect(try httpGet(host, port, "/metrics?x=1").status == 200)
        #expect(try httpGet(host, port, "/nope").status == 404)
        #expect(try httpGet(host, port, "/metricsx").status == 404)
        let post = try httpExchange(host, port, "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        let head = try httpExchange(host, port, "HEAD /metrics HTTP/1.1\r\n\r\n")
        #expect(head.status == 200 && head.body.isEmpty && (Int(head.header("Content-Length") ?? "") ?? 0) > 1000)
        for bad in ["garbage\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n", "GET /metrics SPDY/3\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n",
                    "get /metrics HTTP/1.1\r\n\r\n", "GET /met\u{1}rics HTTP/1.1\r\n\r\n"] {
            #expect(try httpExchange(host, port, bad).status == 400, "\(bad.debugDescription)")
        }
        // A head that never ends within 8 KiB is refused, and the server goes on.
        let huge = "GET /metrics HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: 9000) + "\r\n\r\n"
        #expect(try httpExchange(host, port, huge).status == 431)
        #expect(try httpGet(host, port).status == 200)
        #expect(server.stop() == 0)
    }

    @Test func idleClientsAndManyScrapersDoNotDelaySampling() throws {
        let (server, host, port) = try startListening()
        // 20 clients that connect and send nothing, 20 that stop in the middle of their request.
        var hanging: [Int32] = []
        defer { for fd in hanging { close(fd) } }
        for i in 0..<40 {
            let fd = try connectTCP(host, port)
            if i >= 20 { _ = "GET /metrics HTTP/1.1\r\nHost: x".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
            hanging.append(fd)
        }
        let start = try #require(metricValue(try httpGet(host, port).body, "droptop_last_sample_timestamp_seconds"))
        // 50 scrapes at once, twice, while the 40 hang.
        let statuses = ScrapeStatuses()
        for _ in 0..<2 {
            DispatchQueue.concurrentPerform(iterations: 50) { _ in
                statuses.add((try? httpGet(host, port, timeout: 10))?.status ?? -1)
            }
        }
        #expect(statuses.values.count == 100 && statuses.values.allSatisfy { $0 == 200 }, "\(statuses.values.filter { $0 != 200 })")
        // Sampling (every 0.2 s) goes on: the sample time keeps advancing while they still hang.
        var seen: Set<Double> = []
        for _ in 0..<8 {
            usleep(250_000)
            if let t = metricValue(try httpGet(host, port).body, "droptop_last_sample_timestamp_seconds") { seen.insert(t) }
        }
        #expect(seen.count >= 6, "sample times \(seen.sorted())")
        #expect((seen.max() ?? 0) - start >= 1.5)
        #expect(server.stop() == 0)
    }

    @Test func listensOnIPv6Loopback() throws {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var loopback = sockaddr_in6()
        loopback.sin6_family = sa_family_t(AF_INET6)
        loopback.sin6_addr = in6addr_loopback
        let bindable = withUnsafePointer(to: &loopback) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
        close(probe)
        guard bindable else {
            print("skipped: no IPv6 loopback (::1) on this host")
            return
        }
        let (server, host, port) = try startListening(on: "[::1]:0")
        #expect(host == "::1")
        #expect(server.stderr.contains("http://[::1]:\(port)/metrics"))
        #expect(try httpGet(host, port).status == 200)
        #expect(server.stop(SIGINT) == 0)
    }

    @Test func stopSignalsExitZeroAndBadUseIsRefused() throws {
        let (server, host, port) = try startListening()
        #expect(server.stop(SIGTERM) == 0)
        #expect(throws: (any Error).self) { try connectTCP(host, port) }
        // The port is taken now by a second droptop: a third one cannot have it.
        let (holder, _, taken) = try startListening()
        let busy = try droptop(["--listen", "127.0.0.1:\(taken)"])
        #expect(busy.status == 1 && busy.stderr.contains("127.0.0.1:\(taken)"), "\(busy.stderr)")
        #expect(holder.stop() == 0)
        for args in [["--listen", "127.0.0.1:0", "--once"], ["--listen", "127.0.0.1:0", "-b"], ["--textfile", "/tmp", "--json"],
                     ["--listen", "nonsense"], ["--listen", "::1:9417"], ["--listen", "127.0.0.1:70000"]] {
            let r = try droptop(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
        }
    }
}

/// Statuses collected from concurrent scrapes.
final class ScrapeStatuses: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Int] = []
    func add(_ status: Int) { lock.lock(); collected.append(status); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return collected }
}

import Foundation
import Testing

/// A real Prometheus server scraping droptop, both inside a network namespace made for the test,
/// with the shipped alert rules, while a real UDP receive-buffer overflow happens there.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces (ip netns add)"))
struct PrometheusServerTests {
    @Test(.enabled(if: installed("prometheus") || inCI, "prometheus is not installed (Debian package prometheus)"),
          .timeLimit(.minutes(2)))
    func prometheusSeesTheOverflowAndTheAlertGoesPending() throws {
        let started = Date()
        let ns = try TestNamespace()
        let dir = NSTemporaryDirectory() + "droptop-prometheus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let inNamespace = ["ip", "netns", "exec", ns.name]
        let droptop = try Background("/usr/bin/env", inNamespace + [droptopBinary, "--listen", "127.0.0.1:0", "-i", "0.5"])
        defer { _ = droptop.stop(SIGKILL) }
        let line = try #require(droptop.line(containing: "listening on"), "droptop: \(droptop.stderr)")
        let (_, port) = try #require(listeningAddress(line))
        // A fresh namespace has every port free: Prometheus takes a fixed one on its loopback.
        let api = "http://127.0.0.1:19090"
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - \(packageRoot)/contrib/prometheus/droptop-rules.yml
            scrape_configs:
              - job_name: droptop
                static_configs:
                  - targets: ['127.0.0.1:\(port)']
            """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try Background("/usr/bin/env", inNamespace + [
            "prometheus", "--config.file=\(dir)/prometheus.yml", "--web.listen-address=127.0.0.1:19090", "--storage.tsdb.path=\(dir)/data",
        ])
        defer { _ = prometheus.stop(SIGKILL) }

        // Two scrapes before the trouble, so that rate() sees the counter rise.
        try #require(waitFor(seconds: 30) { try query(ns, api, "count_over_time(droptop_up[1m]) >= 2") != nil },
                     "Prometheus never scraped droptop twice: \(prometheus.stderr.suffix(2000))")
        let trouble = try ns.exec(["python3", packageRoot + "/Tests/scenarios/trouble.py", "udp-rcvbuf4"], timeout: 30)
        #expect(trouble.status == 0, "\(trouble.stderr)")

        let rate = waitFor(seconds: 20) { (try query(ns, api, "rate(droptop_udp_rcvbuferrors_total[10s]) > 0")) != nil }
        #expect(rate, "rate(droptop_udp_rcvbuferrors_total[10s]) never went above 0")
        var alerts = ""
        let alerting = waitFor(seconds: 20) {
            alerts = try fetch(ns, api + "/api/v1/alerts")
            return alerts.contains("\"alertname\":\"DropTopUDPReceiveBufferErrors\"")
                && (alerts.contains("\"state\":\"pending\"") || alerts.contains("\"state\":\"firing\""))
        }
        #expect(alerting, "no pending or firing DropTopUDPReceiveBufferErrors: \(alerts)")
        #expect(prometheus.stop() == 0)
        #expect(droptop.stop() == 0, "\(droptop.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// Calls `condition` every 0.5 s until it holds or `seconds` pass.
    func waitFor(seconds: Double, _ condition: () throws -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            usleep(500_000)
        }
        return false
    }

    /// The body at `url`, fetched from inside the namespace (the test itself stays outside it).
    func fetch(_ ns: borrowing TestNamespace, _ url: String) throws -> String {
        let script = "import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"
        let r = try ns.exec(["python3", "-c", script, url], timeout: 15)
        guard r.status == 0 else { throw NamespaceError(message: "\(url): \(r.stderr)") }
        return r.stdout
    }

    /// The first result of an instant query, or nil when it has none.
    func query(_ ns: borrowing TestNamespace, _ api: String, _ promql: String) throws -> [String: Any]? {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        let body = try fetch(ns, api + "/api/v1/query?query=" + encoded)
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (value(json, "data", "result") as? [[String: Any]])?.first
    }
}

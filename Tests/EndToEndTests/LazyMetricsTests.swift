import DropTopCore
import Synchronization
import Testing

/// --listen renders a sample's text when a scrape first asks for it, once, whatever the number
/// of scrapes; a sample nobody scraped is never rendered.
@Suite struct LazyMetricsTests {
    @Test func aSampleIsRenderedOnceByItsFirstScrapeAndNeverWithoutOne() throws {
        let server = try MetricsServer(listeningOn: ListenAddress(host: "127.0.0.1", port: 0))
        try server.start()
        defer { server.stop() }
        let renderings = Atomic<Int>(0)
        let port = server.address.port

        #expect(try httpGet("127.0.0.1", port).status == 503)
        server.publish(rendering: { renderings.add(1, ordering: .relaxed); return "first 1\n" })
        server.publish(rendering: { renderings.add(1, ordering: .relaxed); return "second 2\n" })
        #expect(renderings.load(ordering: .relaxed) == 0)

        let answers = try (0..<3).map { _ in try httpGet("127.0.0.1", port) }
        #expect(answers.allSatisfy { $0.status == 200 && $0.body == "second 2\n" })
        #expect(renderings.load(ordering: .relaxed) == 1)

        server.publish(metrics: "ready 3\n")
        #expect(try httpGet("127.0.0.1", port).body == "ready 3\n")
        #expect(renderings.load(ordering: .relaxed) == 1)
    }
}

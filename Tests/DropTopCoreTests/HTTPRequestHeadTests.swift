import Testing
@testable import DropTopCore

@Suite struct HTTPRequestHeadTests {
    func decide(_ text: String) -> HTTPRequestHead.Decision { HTTPRequestHead.decide(Array(text.utf8)) }

    @Test func routesAndMethods() {
        #expect(decide("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n") == .serve(.metrics, headOnly: false))
        #expect(decide("GET /metrics?name[]=x HTTP/1.0\r\n\r\n") == .serve(.metrics, headOnly: false))
        #expect(decide("HEAD / HTTP/1.1\n\n") == .serve(.index, headOnly: true))
        #expect(decide("GET /favicon.ico HTTP/1.1\r\n\r\n") == .notFound)
        #expect(decide("DELETE /metrics HTTP/1.1\r\n\r\n") == .methodNotAllowed)
    }

    @Test func incompleteHeadsWaitAndBadRequestLinesFailAtOnce() {
        #expect(decide("GET /metr") == .needMore)
        #expect(decide("GET /metrics HTTP/1.1\r\nHost: a\r\n") == .needMore)
        #expect(decide("GET /metrics HTTP/1.1\r\n\r") == .needMore)
        #expect(decide("\r\n") == .badRequest)
        #expect(decide("GET /metrics\r\n") == .badRequest)
        #expect(decide("GET http://x/metrics HTTP/1.1\r\n") == .badRequest)
        #expect(decide("GET /metrics HTTP/2\r\n") == .badRequest)
        #expect(decide("G\u{0}T /metrics HTTP/1.1\r\n") == .badRequest)
    }

    @Test func headsOver8KiBAreRefused() {
        #expect(decide(String(repeating: "A", count: HTTPRequestHead.maximumBytes)) == .headTooLarge)
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequestHead.maximumBytes) + "\r\n"
        #expect(decide(long) == .headTooLarge)
    }

    @Test func listenAddresses() throws {
        #expect(try ListenAddress.parse("127.0.0.1:9417").get() == ListenAddress(host: "127.0.0.1", port: 9417))
        #expect(try ListenAddress.parse("[::1]:0").get() == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress.parse(":9417").get() == ListenAddress(host: "", port: 9417))
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
        for bad in ["9417", "::1:9417", "[::1:9417", "host:65536", "host:-1", "host:"] {
            #expect((try? ListenAddress.parse(bad).get()) == nil, "\(bad)")
        }
    }
}

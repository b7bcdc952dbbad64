import Foundation
import Testing
@testable import DropTopCore

/// A namespace's `protocols` in the JSON holds only the counters that say something
/// (TellingCounters, as nstat without -z); the host's keeps all of them.
@Suite struct TellingCountersTests {
    /// snmp, netstat and snmp6 of a namespace made and left idle on Linux 6.18, `lo` up
    /// (Tests/Fixtures/idle_netns): ~390 counters, all 0, and the gauges Ip.Forwarding, Tcp.RtoMin...
    static func idle() throws -> ProtocolCounters { try #require(fixtureSampler("idle_netns").sample().protocols) }

    /// A host sample at `t` with the idle counters and one namespace: `lo` with `packets` received
    /// (a namespace whose packets do not move is quiet) and `protocols`.
    static func sample(at t: Double, packets: UInt64 = 0, _ protocols: ProtocolCounters?) throws -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_700_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.protocols = try idle()
        var inner = Sample(monotonicSeconds: t, wallSeconds: s.wallSeconds, host: s.host)
        var values = [UInt64](repeating: 0, count: 16)
        values[1] = packets
        inner.interfaces = [InterfaceSample(name: "lo", counters: NetDevCounters(values: values))]
        inner.protocols = protocols
        s.namespaces = [NamespaceSample(inode: 7, identity: NamespaceIdentity(kind: "named", name: "ns7"), sample: inner)]
        return s
    }

    /// Each report's document, parsed, and the namespace reports.
    static func documents(_ samples: [Sample]) throws -> [(doc: [String: Any], namespace: NamespaceReport)] {
        let pipeline = Pipeline(ReplaySampleSource(samples))
        var out: [([String: Any], NamespaceReport)] = []
        while let r = pipeline.next() {
            let text = JSONReport.document(r).serialized()
            out.append((try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]),
                        try #require(r.namespaces.first)))
        }
        return out
    }

    static func protocols(_ doc: [String: Any]) -> Any? { (doc["namespaces"] as? [[String: Any]])?.first?["protocols"] }

    /// protocols[section][part][counter] of a parsed document.
    static func figure(_ protocols: Any?, _ section: String, _ part: String, _ counter: String) -> Any? {
        ((protocols as? [String: [String: Any]])?[section]?[part] as? [String: Any])?[counter]
    }

    static func with(_ base: ProtocolCounters, _ changes: [(CounterID, UInt64)]) -> ProtocolCounters {
        var p = base
        for (id, value) in changes { p[id.section]?.counters[id.name] = value }
        return p
    }

    @Test func aCounterSaysSomethingWhenItsValueOrItsRateIsNotZero() {
        #expect(TellingCounters.says(value: 3, rate: nil, interval: nil))       // first sample: the value alone
        #expect(!TellingCounters.says(value: 0, rate: nil, interval: nil))
        #expect(TellingCounters.says(value: 3, rate: 0, interval: 1))           // moved before, not now
        #expect(!TellingCounters.says(value: 0, rate: 0, interval: 1))
        // Reset to 0: no rate (never a negative one), and that is news.
        let reset = Rate.perSecond(from: 500, to: 0, seconds: 1)
        #expect(reset == nil && TellingCounters.says(value: 0, rate: reset, interval: 1))
        // A 32-bit counter that wrapped onto 0 moved 10.
        let wrapped = Rate.perSecond(from: UInt64(UInt32.max) - 9, to: 0, seconds: 1)
        #expect(wrapped == 10 && TellingCounters.says(value: 0, rate: wrapped, interval: 1))
    }

    @Test func anIdleNamespaceHasEmptyProtocolsAndTheHostKeepsEveryCounter() throws {
        let idle = try Self.idle()
        #expect(idle.values.reduce(0) { $0 + $1.counters.count } > 300)
        #expect(idle.values.allSatisfy { $0.counters.values.allSatisfy { $0 == 0 } })
        let docs = try Self.documents((0..<4).map { try Self.sample(at: Double($0), idle) })
        for (doc, _) in docs {
            #expect((Self.protocols(doc) as? [String: Any])?.isEmpty == true, "\(Self.protocols(doc) ?? "nil")")
            let host = try #require(doc["protocols"] as? [String: [String: Any]])
            #expect(host.keys.sorted() == idle.keys.sorted())
            #expect(Self.figure(host, "Udp", "counters", CounterID.udpRcvbufErrors.name) as? Int == 0)
        }
        // Null, not {}, when no protocol file could be read.
        let unread = try Self.documents((0..<2).map { try Self.sample(at: Double($0), nil) })
        #expect(unread.allSatisfy { Self.protocols($0.doc) is NSNull })
    }

    @Test func aCounterThatMovesFromZeroAppearsWithItsRateAndGoesWhenItIsBackAtZero() throws {
        let idle = try Self.idle()
        let moved = Self.with(idle, [(.udpRcvbufErrors, 300), (.udpInErrors, 300), (.tcpActiveOpens, 2)])
        let reset = Self.with(moved, [(.udpRcvbufErrors, 0), (.udpInErrors, 0), (.tcpActiveOpens, 0)])
        let docs = try Self.documents([
            try Self.sample(at: 0, idle), try Self.sample(at: 1, packets: 40, moved),
            try Self.sample(at: 2, packets: 40, moved), try Self.sample(at: 3, packets: 40, moved),  // quiet from here
            try Self.sample(at: 4, packets: 90, reset), try Self.sample(at: 5, packets: 90, reset),
        ])
        let udp = CounterID.udpRcvbufErrors.section, rcvbuf = CounterID.udpRcvbufErrors.name, inErrors = CounterID.udpInErrors.name
        let tcp = CounterID.tcpActiveOpens.section
        let movedText = """
            {"\(tcp)":{"counters":{"ActiveOpens":2},"rates":{"ActiveOpens":2},"gauges":{"RtoAlgorithm":1,"RtoMin":200,\
            "RtoMax":120000,"MaxConn":-1,"CurrEstab":0}},\
            "\(udp)":{"counters":{"\(inErrors)":300,"\(rcvbuf)":300},"rates":{"\(inErrors)":300,"\(rcvbuf)":300}}}
            """
        #expect(docs[1].namespace.report.rate(.udpRcvbufErrors) == 300)
        #expect(JSONReport.tellingProtocols(docs[1].namespace.report).serialized() == movedText)
        // Still 300, rate 0: shown while the value is not 0.
        for i in 2...3 {
            #expect(Self.figure(Self.protocols(docs[i].doc), udp, "counters", rcvbuf) as? Int == 300)
            #expect(Self.figure(Self.protocols(docs[i].doc), udp, "rates", rcvbuf) as? Int == 0)
        }
        // Reset to 0: there, with no rate, for one interval; then gone.
        #expect(Self.figure(Self.protocols(docs[4].doc), udp, "counters", rcvbuf) as? Int == 0)
        #expect(Self.figure(Self.protocols(docs[4].doc), udp, "rates", rcvbuf) is NSNull)
        #expect((Self.protocols(docs[5].doc) as? [String: Any])?.isEmpty == true)
    }

    @Test func aQuietNamespaceRendersItsShortFormOnce() throws {
        let moved = Self.with(try Self.idle(), [(.udpRcvbufErrors, 300)])
        let docs = try Self.documents((0..<5).map { try Self.sample(at: Double($0), packets: 40, moved) })
        let memo = try #require(docs[4].namespace.quietMemo)
        #expect(docs[2].namespace.quietMemo === memo)
        let kept = memo.text("protocols") {
            Issue.record("the protocols of a quiet namespace were rendered again")
            return ""
        }
        #expect(kept == JSONReport.tellingProtocols(docs[4].namespace.report).serialized())
        #expect(kept == #"{"Udp":{"counters":{"RcvbufErrors":300},"rates":{"RcvbufErrors":0}}}"#)
    }
}

import Testing
@testable import DropTopCore
@testable import DropTopTUI

/// The TCP pane's line saying which figures are older than the interval, and how old.
@Suite struct TCPAgesTests {
    func sample(walkedAt: Double, statesAt: Double?, now: Double = 10) -> Sample {
        var s = Sample(monotonicSeconds: now, wallSeconds: 1000, host: HostInfo(hostname: "h", kernel: "k"))
        s.tcp = TCPSummary(states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, UInt64(0)) }), listeners: [], peers: [],
                           retransmittingPeers: [], timeWaitPeers: [], closeWaitPorts: [], sockets: 0, retransmittingSockets: 0)
        s.socketTablesSeconds = walkedAt
        s.socketTablesCostSeconds = 0.0121
        s.tcpListenersSeconds = now
        if let statesAt {
            s.tcpStateSeconds = .init(uniqueKeysWithValues: tcpStateNames.filter { $0 != TCPState.listen.name }.map { name in
                (name, name == TCPState.established.name || name == TCPState.timeWait.name ? now : statesAt)
            })
            s.tcpStatesCostSeconds = 0.0004
        }
        return s
    }

    @Test func theTransientStatesAndThePeersSayHowOldTheyAre() {
        let text = Panes.tcpAges(sample(walkedAt: 3, statesAt: 8))
        #expect(text == "SYN_SENT…CLOSING as of 2.0 s ago (0.4 ms CPU a read); peers as of 7.0 s ago (12.1 ms CPU a read)")
    }

    @Test func withoutTiersEveryStateButLISTENIsTheWalks() {
        let text = Panes.tcpAges(sample(walkedAt: 7, statesAt: nil))
        #expect(text == "states but LISTEN as of 3.0 s ago; peers as of 3.0 s ago (12.1 ms CPU a read)")
    }

    @Test func nothingIsSaidWhenEverythingIsFromThisInterval() {
        #expect(Panes.tcpAges(sample(walkedAt: 10, statesAt: nil)) == nil)
    }
}

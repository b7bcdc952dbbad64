/// Where socket aggregates come from. Today: the /proc/net text tables. A netlink sock_diag
/// source, which lets the kernel filter by state, can implement the same interface.
public protocol SocketTableSource {
    func tcpSummary() -> (TCPSummary?, [SourceError])
    func udpSummary() -> (UDPSummary?, [SourceError])
}

/// Reads /proc/net/tcp, tcp6, udp and udp6 and aggregates them row by row, without keeping rows.
public struct ProcSocketTables: SocketTableSource {
    let reader: FileReader
    /// How many entries each "top" list keeps.
    public var topCount = 10

    public init(reader: FileReader) { self.reader = reader }

    public func tcpSummary() -> (TCPSummary?, [SourceError]) {
        var aggregate = TCPAggregator()
        var errors: [SourceError] = []
        var readAny = false
        for file in ["net/tcp", "net/tcp6"] {
            do {
                let result = try reader.withContents(.proc, file) { bytes in
                    try SocketTableParser.forEachRow(bytes, hasDrops: false) { aggregate.add($0) }
                }
                readAny = true
                if let problem = result.firstProblem {
                    errors.append(SourceError(source: "/proc/" + file, message: "\(result.badRows) unreadable rows skipped; first: \(problem)"))
                }
            } catch {
                errors.append(error)
            }
        }
        return (readAny ? aggregate.summary(top: topCount) : nil, errors)
    }

    public func udpSummary() -> (UDPSummary?, [SourceError]) {
        var sockets: UInt64 = 0
        var busy: [UDPSocket] = []
        var errors: [SourceError] = []
        var readAny = false
        for file in ["net/udp", "net/udp6"] {
            do {
                let result = try reader.withContents(.proc, file) { bytes in
                    try SocketTableParser.forEachRow(bytes, hasDrops: true) { row in
                        sockets += 1
                        let drops = row.drops ?? 0
                        if drops > 0 || row.rxQueue > 0 {
                            busy.append(UDPSocket(address: (row.localAddress.unmappedV4 ?? row.localAddress).description,
                                                  port: Int(row.localPort), rxQueue: row.rxQueue, drops: drops, inode: row.inode))
                        }
                    }
                }
                readAny = true
                if let problem = result.firstProblem {
                    errors.append(SourceError(source: "/proc/" + file, message: "\(result.badRows) unreadable rows skipped; first: \(problem)"))
                }
            } catch {
                errors.append(error)
            }
        }
        busy.sort { ($0.drops, $0.rxQueue, $1.port) > ($1.drops, $1.rxQueue, $0.port) }
        return (readAny ? UDPSummary(sockets: sockets, busySockets: Array(busy.prefix(32))) : nil, errors)
    }
}

/// Folds socket rows into counts. Peer and port tables are keyed by fixed-size values, so a
/// 100,000-socket table costs one hash insert per row and no Strings.
struct TCPAggregator {
    var states = [UInt64](repeating: 0, count: 13)
    var listeners: [(IPAddress, UInt16, UInt64)] = []
    var peers: [IPAddress: (connections: UInt64, retransmitting: UInt64, timeWait: UInt64)] = [:]
    var closeWaitPorts: [UInt16: UInt64] = [:]
    var sockets: UInt64 = 0
    var retransmitting: UInt64 = 0

    static let listen: UInt8 = 10, timeWait: UInt8 = 6, closeWait: UInt8 = 8

    mutating func add(_ row: SocketRow) {
        sockets += 1
        if row.state >= 1 && row.state <= 11 { states[Int(row.state)] += 1 }
        if row.state == Self.listen {
            listeners.append((row.localAddress.unmappedV4 ?? row.localAddress, row.localPort, row.rxQueue))
            return
        }
        if row.retransmits > 0 { retransmitting += 1 }
        if row.state == Self.closeWait { closeWaitPorts[row.localPort, default: 0] += 1 }
        guard !row.remoteAddress.isUnspecified else { return }
        let peer = row.remoteAddress.unmappedV4 ?? row.remoteAddress
        var entry = peers[peer] ?? (0, 0, 0)
        entry.connections += 1
        if row.retransmits > 0 { entry.retransmitting += 1 }
        if row.state == Self.timeWait { entry.timeWait += 1 }
        peers[peer] = entry
    }

    func summary(top: Int) -> TCPSummary {
        var stateCounts: [String: UInt64] = [:]
        for (i, name) in tcpStateNames.enumerated() { stateCounts[name] = states[i + 1] }
        let sortedListeners = listeners.sorted { ($0.2, $1.1, $1.0) > ($1.2, $0.1, $0.0) }
        func topPeers(_ key: ((connections: UInt64, retransmitting: UInt64, timeWait: UInt64)) -> UInt64) -> [PeerCount] {
            peers.filter { key($0.value) > 0 }
                .sorted { (key($0.value), $1.key) > (key($1.value), $0.key) }
                .prefix(top)
                .map { PeerCount(address: $0.key.description, connections: $0.value.connections,
                                 retransmitting: $0.value.retransmitting, timeWait: $0.value.timeWait) }
        }
        return TCPSummary(
            states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, stateCounts[$0] ?? 0) }),
            listeners: sortedListeners.prefix(64).map { Listener(address: $0.0.description, port: Int($0.1), acceptQueue: $0.2) },
            peers: topPeers(\.connections),
            retransmittingPeers: topPeers(\.retransmitting),
            timeWaitPeers: topPeers(\.timeWait),
            closeWaitPorts: closeWaitPorts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(top)
                .map { PortCount(port: Int($0.key), count: $0.value) },
            sockets: sockets,
            retransmittingSockets: retransmitting)
    }
}

/// Where socket aggregates come from: the /proc/net text tables (ProcSocketTables, for captured
/// trees and as the fallback) or netlink sock_diag (NetlinkSocketTables, the live default).
public protocol SocketTableSource {
    /// `includeIPv6: false` on kernels without IPv6, where tcp6 and udp6 do not exist.
    func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError])
    func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError])
    /// The LISTEN sockets alone, when the source can read them without walking every socket
    /// (sock_diag's state filter); nil when only the full walk has them (the /proc files).
    func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])?
}

extension SocketTableSource {
    public func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])? { nil }
}

/// Reads /proc/net/tcp, tcp6, udp and udp6 and aggregates them row by row, without keeping rows.
public final class ProcSocketTables: SocketTableSource {
    let reader: FileReader
    /// Peers seen last time: the next peer table starts that big instead of growing step by step.
    private var peerCapacityHint = 1024
    /// How many entries each "top" list keeps.
    public var topCount = 10

    public init(reader: FileReader) { self.reader = reader }

    public func tcpSummary(includeIPv6: Bool = true) -> (TCPSummary?, [SourceError]) {
        var aggregate = TCPAggregator(peerCapacity: peerCapacityHint)
        let files = includeIPv6 ? ["net/tcp", "net/tcp6"] : ["net/tcp"]
        let (readAny, errors) = forEachRow(of: files, hasDrops: false) { aggregate.add($0) }
        peerCapacityHint = max(1024, aggregate.peers.count)
        guard readAny else { return (nil, errors) }
        var summary = aggregate.summary(top: topCount)
        summary.source = "proc"
        // /proc/net/tcp's tx_queue of a listener is not its backlog (sock_diag's wqueue is).
        for i in summary.listeners.indices { summary.listeners[i].backlog = nil }
        return (summary, errors)
    }

    public func udpSummary(includeIPv6: Bool = true) -> (UDPSummary?, [SourceError]) {
        var aggregate = UDPAggregator()
        let files = includeIPv6 ? ["net/udp", "net/udp6"] : ["net/udp"]
        let (readAny, errors) = forEachRow(of: files, hasDrops: true) { aggregate.add($0) }
        var summary = aggregate.summary()
        summary.source = "proc"
        return (readAny ? summary : nil, errors)
    }

    /// Streams the rows of each file to `visit`; returns whether any file could be read, and an
    /// error for each file that could not, or that had rows that had to be skipped.
    private func forEachRow(of files: [String], hasDrops: Bool, _ visit: (SocketRow) -> Void) -> (Bool, [SourceError]) {
        var errors: [SourceError] = []
        var readAny = false
        for file in files {
            do {
                // Streamed in pieces: a table of a million sockets never sits in memory whole.
                var parsed: SocketTableParser.Result?
                try reader.forEachLineChunk(.proc, file) { bytes in
                    parsed = try SocketTableParser.forEachRow(bytes, hasDrops: hasDrops, after: parsed, visit)
                }
                guard let result = parsed else { continue }
                readAny = true
                if let problem = result.firstProblem {
                    let message = "\(result.badRows) unreadable rows skipped; first: \(problem)"
                    errors.append(SourceError(source: "/proc/" + file, message: message))
                }
            } catch {
                errors.append(error)
            }
        }
        return (readAny, errors)
    }
}

/// Folds UDP socket rows into a count and the sockets worth naming: those that dropped or hold
/// unread data, most drops first (at most 32).
struct UDPAggregator {
    var sockets: UInt64 = 0
    var busy: [UDPSocket] = []

    mutating func add(_ row: SocketRow, memory: SocketMemory? = nil) {
        sockets += 1
        let drops = row.drops ?? 0
        guard drops > 0 || row.rxQueue > 0 else { return }
        busy.append(UDPSocket(address: (row.localAddress.unmappedV4 ?? row.localAddress).description, port: Int(row.localPort),
                              rxQueue: row.rxQueue, drops: drops, inode: row.inode, receiveBuffer: memory?.receiveBuffer))
    }

    func summary() -> UDPSummary {
        let sorted = busy.sorted { ($0.drops, $0.rxQueue, $1.port) > ($1.drops, $1.rxQueue, $0.port) }
        return UDPSummary(sockets: sockets, busySockets: Array(sorted.prefix(32)))
    }
}

/// Folds socket rows into counts. Peer and port tables are keyed by fixed-size values, so a
/// 100,000-socket table costs one hash insert per row and no Strings.
struct TCPAggregator {
    var states = [UInt64](repeating: 0, count: 13)
    var listeners: [(IPAddress, UInt16, UInt64)] = []
    /// sock_diag: a listener's tx queue is its backlog (idiag_wqueue); /proc prints 0 there.
    var backlogs: [UInt64]?
    /// Each listener's socket inode, to find the process that owns it (SocketOwners).
    var listenerInodes: [UInt64] = []
    var peers: PeerTable

    init(peerCapacity: Int = 1024) { peers = PeerTable(capacity: peerCapacity) }
    var closeWaitPorts: [UInt16: UInt64] = [:]
    /// The first socket seen on each CLOSE_WAIT port: its owner is the process that does not close().
    var closeWaitInodes: [UInt16: UInt64] = [:]
    var sockets: UInt64 = 0
    var retransmitting: UInt64 = 0
    /// FIN_WAIT2 sockets that are timewait minisockets (sock_diag's timer says so): sockstat's `tw` counts them.
    var finWait2Minisockets: UInt64 = 0

    static let listen: UInt8 = 10, timeWait: UInt8 = 6, closeWait: UInt8 = 8, finWait2: UInt8 = 5

    mutating func add(_ row: SocketRow) {
        sockets += 1
        if row.state >= 1 && row.state <= 11 { states[Int(row.state)] += 1 }
        if row.state == Self.listen {
            listeners.append((row.localAddress.unmappedV4 ?? row.localAddress, row.localPort, row.rxQueue))
            backlogs?.append(row.txQueue)
            listenerInodes.append(row.inode)
            return
        }
        if row.retransmits > 0 { retransmitting += 1 }
        if row.state == Self.finWait2 && row.timer == SockDiagParser.timeWaitTimer { finWait2Minisockets += 1 }
        if row.state == Self.closeWait {
            closeWaitPorts[row.localPort, default: 0] += 1
            if closeWaitInodes[row.localPort] == nil { closeWaitInodes[row.localPort] = row.inode }
        }
        guard !row.remoteAddress.isUnspecified else { return }
        let peer = row.remoteAddress.unmappedV4 ?? row.remoteAddress
        peers.add(peer, retransmitting: row.retransmits > 0, timeWait: row.state == Self.timeWait)
    }

    func summary(top: Int) -> TCPSummary {
        var stateCounts: [String: UInt64] = [:]
        for (i, name) in tcpStateNames.enumerated() { stateCounts[name] = states[i + 1] }
        return TCPSummary(
            states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, stateCounts[$0] ?? 0) }),
            listeners: listenerList(), peers: [], retransmittingPeers: [], timeWaitPeers: [], closeWaitPorts: [],
            sockets: sockets, retransmittingSockets: retransmitting
        ).withPeers(self, top: top)
    }

    /// The listeners, fullest accept queue first (at most 64).
    func listenerList() -> [Listener] {
        let order = listeners.indices.sorted { a, b in
            let (x, y) = (listeners[a], listeners[b])
            return (x.2, y.1, y.0) > (y.2, x.1, x.0)
        }
        return order.prefix(64).map { i in
            Listener(address: listeners[i].0.description, port: Int(listeners[i].1), acceptQueue: listeners[i].2,
                     backlog: backlogs.map { $0[i] }, inode: listenerInodes[i])
        }
    }
}

extension TCPSummary {
    /// The per-peer top lists and CLOSE_WAIT ports of an aggregate.
    fileprivate func withPeers(_ a: TCPAggregator, top: Int) -> TCPSummary {
        var out = self
        let peers = a.peers, closeWaitPorts = a.closeWaitPorts
        // One pass over the peers fills the three lists, keeping the best `top` of each (no sort
        // of every peer: there may be 100,000).
        var byConnections = TopK<PeerTable.Entry>(capacity: top), byRetransmits = byConnections, byTimeWait = byConnections
        peers.forEach { entry in
            byConnections.offer(entry, score: entry.counts.connections)
            byRetransmits.offer(entry, score: entry.counts.retransmitting)
            byTimeWait.offer(entry, score: entry.counts.timeWait)
        }
        func peerCounts(_ best: TopK<PeerTable.Entry>) -> [PeerCount] {
            best.items.map {
                PeerCount(address: $0.address.description, connections: $0.counts.connections,
                          retransmitting: $0.counts.retransmitting, timeWait: $0.counts.timeWait)
            }
        }
        out.peers = peerCounts(byConnections)
        out.retransmittingPeers = peerCounts(byRetransmits)
        out.timeWaitPeers = peerCounts(byTimeWait)
        out.closeWaitPorts = closeWaitPorts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(top)
            .map { PortCount(port: Int($0.key), count: $0.value, inode: a.closeWaitInodes[$0.key]) }
        return out
    }
}

/// The `capacity` items with the highest non-zero scores, highest first; ties go to the smaller item
/// so that output is stable.
struct TopK<Item: Comparable> {
    let capacity: Int
    private(set) var entries: [(item: Item, score: UInt64)] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func offer(_ item: Item, score: UInt64) {
        guard score > 0, capacity > 0 else { return }
        if entries.count == capacity, let last = entries.last, !Self.before((item, score), last) { return }
        let index = entries.firstIndex { Self.before((item, score), $0) } ?? entries.count
        entries.insert((item, score), at: index)
        if entries.count > capacity { entries.removeLast() }
    }

    var items: [Item] { entries.map(\.item) }

    private static func before(_ a: (item: Item, score: UInt64), _ b: (item: Item, score: UInt64)) -> Bool {
        a.score != b.score ? a.score > b.score : a.item < b.item
    }
}

/// Per-peer socket counts in an open-addressing table with a cheap multiplicative hash.
/// Swift's Dictionary hashes with SipHash, which was a third of the cost of a 100,000-socket
/// sample; this table makes one probe per row in the common case, and keeps each address next
/// to its counts so that a probe touches one cache line.
struct PeerTable {
    struct Counts { var connections: UInt64 = 0, retransmitting: UInt64 = 0, timeWait: UInt64 = 0 }
    struct Entry: Comparable {
        var address: IPAddress
        var counts: Counts
        static func < (a: Entry, b: Entry) -> Bool { a.address < b.address }
        static func == (a: Entry, b: Entry) -> Bool { a.address == b.address }
    }

    /// A slot is empty while its connection count is 0: every add counts a connection.
    private var slots: [Entry]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Entry](repeating: Entry(address: IPAddress(high: 0, low: 0), counts: Counts()), count: size)
        mask = size - 1
    }

    @inline(__always) private func slot(for a: IPAddress) -> Int {
        let mixed = (a.high &* 0x9E37_79B9_7F4A_7C15) ^ (a.low &* 0xC2B2_AE3D_27D4_EB4F) ^ (a.isV4 ? 0x5555 : 0)
        return Int(truncatingIfNeeded: (mixed ^ (mixed >> 29)) & UInt64(mask))
    }

    mutating func add(_ address: IPAddress, retransmitting: Bool, timeWait: Bool) {
        var i = slot(for: address)
        slots.withUnsafeMutableBufferPointer { table in
            while table[i].counts.connections != 0, table[i].address != address { i = (i + 1) & mask }
            if table[i].counts.connections == 0 {
                table[i].address = address
                count += 1
            }
            table[i].counts.connections += 1
            if retransmitting { table[i].counts.retransmitting += 1 }
            if timeWait { table[i].counts.timeWait += 1 }
        }
        if count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        var bigger = PeerTable(capacity: slots.count)
        for entry in slots where entry.counts.connections != 0 {
            var i = bigger.slot(for: entry.address)
            while bigger.slots[i].counts.connections != 0 { i = (i + 1) & bigger.mask }
            bigger.slots[i] = entry
            bigger.count += 1
        }
        self = bigger
    }

    func forEach(_ body: (Entry) -> Void) {
        for entry in slots where entry.counts.connections != 0 { body(entry) }
    }
}

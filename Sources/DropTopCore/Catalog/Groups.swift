/// The groups of columns: sar's (`-n DEV`, ...) for batch mode, and the selections the panes show.
/// A group is only a list of catalog columns.
extension ColumnGroup {
    public static let dev = ColumnGroup("DEV", [.rxpck, .txpck, .rxkB, .txkB, .rxcmp, .txcmp, .rxmcst, .ifutil])
    public static let edev = ColumnGroup("EDEV", [.rxerr, .txerr, .coll, .rxdrop, .txdrop, .txcarr, .rxfram, .rxfifo, .txfifo])
    public static let tcp = ColumnGroup("TCP", [.tcpActive, .tcpPassive, .tcpInSegs, .tcpOutSegs])
    public static let etcp = ColumnGroup("ETCP", [.tcpAttemptFails, .tcpEstabResets, .tcpRetrans, .tcpInErrs, .tcpOutRsts,
                                                  .tcpRetransPercent, .tcpListenOverflows, .tcpListenDrops])
    public static let udp = ColumnGroup("UDP", [.udpIn, .udpOut, .udpNoPorts, .udpInErrors, .udpRcvbuf, .udpSndbuf, .udp6Rcvbuf])
    public static let udp6 = ColumnGroup("UDP6", [.udp6In, .udp6Out, .udp6NoPorts, .udp6Rcvbuf])
    public static let ip = ColumnGroup("IP", [.ipIn, .ipForward, .ipDelivered, .ipOut, .ipReasmRequired, .ipReasmOK,
                                              .ipFragOK, .ipFragCreated])
    public static let eip = ColumnGroup("EIP", [.ipHdrErrors, .ipAddrErrors, .ipUnknownProto, .ipInDiscards, .ipOutDiscards,
                                                .ipOutNoRoutes, .ipReasmFails, .ipFragFails])
    public static let sock = ColumnGroup("SOCK", [.sockTotal, .sockTCP, .sockUDP, .sockRaw, .sockFrag, .sockTimeWait,
                                                  .stateEstablished, .stateSynRecv, .stateCloseWait, .stateListen])
    public static let soft = ColumnGroup("SOFT", [.softTotal, .softDropped, .softSqueezed, .softRPS, .softFlowLimit, .softBacklog,
                                                  .netRX, .netTX])
    public static let irq = ColumnGroup("IRQ", [.netIRQs, .netIRQShare])
    public static let drop = ColumnGroup("DROP", [.reasonDrops])
    /// --all-netns: one row per other network namespace (with its kind and PID).
    public static let netns = ColumnGroup("NETNS", [.netnsInterfaces, .netnsRxpck, .netnsTxpck, .netnsDrops, .netnsErrors,
                                                    .netnsFindings])

    /// Every batch group, in the order `-n ALL` prints them.
    public static let batchGroups: [ColumnGroup] = [.dev, .edev, .tcp, .etcp, .udp, .ip, .eip, .sock, .soft, .irq, .drop,
                                                     .qdisc, .neigh, .ct, .netns]

    // MARK: what the panes show

    /// Pane 1: DEV without the compressed-packet columns, which almost never move.
    /// Narrow terminals drop rxmcst/s first, then %ifutil, and keep the bytes longest.
    public static let throughputPane = ColumnGroup("DEV", [.rxpck, .txpck, .rxkB, .txkB, .rxmcst, .ifutil],
                                                   priority: [2, 3, 0, 1, 5, 4])
    /// Pane 1 with `u`: throughput in Mbit/s, as bmon shows it.
    public static let throughputPaneBits = ColumnGroup("DEV", [.rxpck, .txpck, .rxMbit, .txMbit, .rxmcst, .ifutil],
                                                       priority: [2, 3, 0, 1, 5, 4])
    /// Pane 2: EDEV, losing collisions and carrier errors (half duplex, cabling) first.
    public static let dropsPane = ColumnGroup("EDEV", edev.columns, priority: [2, 4, 8, 0, 3, 7, 5, 1, 6])
    /// Pane 3, one row per CPU: backlog drops and IRQs stay longest, NET_TX/s goes first.
    public static let cpuPane = ColumnGroup("CPU", [.netIRQs, .netRX, .netTX, .softDropped, .softSqueezed],
                                            priority: [1, 2, 4, 0, 3])
    /// Pane 5: the counters that move when packets are lost, by protocol.
    public static let protocolPane: [ColumnGroup] = [
        .tcp,
        ColumnGroup("ETCP", [.tcpAttemptFails, .tcpEstabResets, .tcpRetrans, .tcpRetransPercent, .tcpInErrs, .tcpOutRsts,
                             .tcpListenOverflows, .tcpListenDrops]),
        ColumnGroup("UDP", [.udpIn, .udpOut, .udpNoPorts, .udpInErrors, .udpRcvbuf, .udpSndbuf]),
        .udp6,
        ColumnGroup("IP", [.ipIn, .ipForward, .ipInDiscards, .ipOutDiscards, .ipHdrErrors, .ipAddrErrors, .ipReasmFails,
                           .ipOutNoRoutes]),
    ]

    /// Every column of every group, each once, for the docs check.
    public static var allColumns: [Column] {
        var seen = Set<String>()
        return (batchGroups + protocolPane + [throughputPane, throughputPaneBits, cpuPane, udp6]).flatMap(\.columns)
            .filter { seen.insert($0.label).inserted }
    }
}

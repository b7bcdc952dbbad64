/// Every column droptop shows, declared once. Labels follow sar -n (sysstat's man page) where
/// sar has the figure; the rest are droptop's own in sar's style.
extension Column {
    // MARK: per interface (sar -n DEV, EDEV), /proc/net/dev
    public static let rxpck = Column("rxpck/s", .interface(.rxPackets), meaning: "packets received")
    public static let txpck = Column("txpck/s", .interface(.txPackets), meaning: "packets transmitted")
    public static let rxkB = Column("rxkB/s", unit: .kilobytesPerSecond, .interface(.rxBytes, kilobytes: true),
                                    meaning: "kilobytes received")
    public static let txkB = Column("txkB/s", unit: .kilobytesPerSecond, .interface(.txBytes, kilobytes: true),
                                    meaning: "kilobytes transmitted")
    public static let rxMbit = Column("rxMbit/s", unit: .megabitsPerSecond, .interfaceMegabits(.rxBytes),
                                      meaning: "megabits received (the terminal UI's u key)")
    public static let txMbit = Column("txMbit/s", unit: .megabitsPerSecond, .interfaceMegabits(.txBytes),
                                      meaning: "megabits transmitted (the terminal UI's u key)")
    public static let rxcmp = Column("rxcmp/s", .interface(.rxCompressed), meaning: "compressed packets received")
    public static let txcmp = Column("txcmp/s", .interface(.txCompressed), meaning: "compressed packets transmitted")
    public static let rxmcst = Column("rxmcst/s", .interface(.rxMulticast), meaning: "multicast packets received")
    public static let ifutil = Column("%ifutil", unit: .percent, .interfaceUtilization,
                                      meaning: "utilization of the link's speed (rx or tx; both on half duplex)")
    public static let rxerr = Column("rxerr/s", trouble: .loss, .interface(.rxErrs), layer: .nic,
                                     meaning: "bad packets received", knob: "ethtool -S IF")
    public static let txerr = Column("txerr/s", trouble: .loss, .interface(.txErrs), layer: .nic,
                                     meaning: "errors while transmitting", knob: "ethtool -S IF")
    public static let coll = Column("coll/s", trouble: .loss, .interface(.txColls), layer: .link,
                                    meaning: "collisions while transmitting (half duplex)", knob: "ethtool IF (duplex)")
    public static let rxdrop = Column("rxdrop/s", trouble: .loss, .interface(.rxDrop), layer: .nic,
                                      meaning: "received packets dropped for lack of buffers or by the stack",
                                      knob: "ip -s -s link show IF; ethtool -g IF")
    public static let txdrop = Column("txdrop/s", trouble: .loss, .interface(.txDrop), layer: .nic,
                                      meaning: "packets dropped on transmit (queue discipline or driver)",
                                      knob: "tc -s qdisc show dev IF")
    public static let txcarr = Column("txcarr/s", trouble: .loss, .interface(.txCarrier), layer: .link,
                                      meaning: "carrier errors while transmitting", knob: "ethtool IF (link)")
    public static let rxfram = Column("rxfram/s", trouble: .loss, .interface(.rxFrame), layer: .link,
                                      meaning: "frame alignment errors on received packets", knob: "cabling, optics; ethtool -S IF")
    public static let rxfifo = Column("rxfifo/s", trouble: .loss, .interface(.rxFifo), layer: .nic,
                                      meaning: "receive FIFO/ring overruns", knob: "ethtool -g IF (ring size)")
    public static let txfifo = Column("txfifo/s", trouble: .loss, .interface(.txFifo), layer: .nic,
                                      meaning: "transmit FIFO errors", knob: "ethtool -S IF")

    // MARK: per CPU (sar -n SOFT, droptop's IRQ), softnet_stat, softirqs, interrupts
    public static let softTotal = Column("total/s", .softnet(.processed), meaning: "packets processed by the CPU's receive softirq")
    public static let softDropped = Column("dropd/s", narrow: "drop", trouble: .loss, .softnet(.dropped), layer: .cpu,
                                           meaning: "packets dropped because the CPU's input backlog was full",
                                           knob: "net.core.netdev_max_backlog; RPS")
    public static let softSqueezed = Column("squeezd/s", narrow: "sqz", trouble: .warning, .softnet(.timeSqueeze), layer: .cpu,
                                            meaning: "times the receive softirq ran out of budget or time with work left",
                                            knob: "net.core.netdev_budget, net.core.netdev_budget_usecs")
    public static let softRPS = Column("rx_rps/s", .softnet(.receivedRPS), meaning: "packets steered to this CPU by RPS")
    public static let softFlowLimit = Column("flw_lim/s", trouble: .loss, .softnet(.flowLimit), layer: .cpu,
                                             meaning: "packets dropped by the RPS flow limit",
                                             knob: "net.core.flow_limit_table_len, /proc/sys/net/core/flow_limit_cpu_bitmap")
    public static let netRX = Column("NET_RX/s", narrow: "NET_RX", .softirqRX, meaning: "NET_RX softirqs run on this CPU")
    public static let netTX = Column("NET_TX/s", narrow: "NET_TX", .softirqTX, meaning: "NET_TX softirqs run on this CPU")
    public static let netIRQs = Column("netirq/s", narrow: "irq", .networkIRQs, meaning: "interrupts of network IRQs on this CPU")
    public static let netIRQShare = Column("share%", unit: .percent, .networkIRQShare, meaning: "this CPU's share of network interrupts")
    public static let softBacklog = Column("blg_len", unit: .count, .softnetBacklog,
                                           meaning: "packets waiting in the CPU's input backlog (a level; kernels 5.10+)")

    // MARK: TCP (sar -n TCP, ETCP), /proc/net/snmp and netstat
    public static let tcpActive = Column("active/s", .counter(.tcpActiveOpens), meaning: "connections this host opened (SYN sent)")
    public static let tcpPassive = Column("passive/s", .counter(.tcpPassiveOpens), meaning: "connections accepted (SYN received)")
    public static let tcpInSegs = Column("iseg/s", .counter(.tcpInSegs), meaning: "segments received")
    public static let tcpOutSegs = Column("oseg/s", .counter(.tcpOutSegs), meaning: "segments sent")
    public static let tcpAttemptFails = Column("atmptf/s", trouble: .loss, .counter(.tcpAttemptFails), layer: .transport,
                                               meaning: "connection attempts that failed (refused, reset or timed out)",
                                               knob: "ss -t state syn-sent")
    public static let tcpEstabResets = Column("estres/s", trouble: .loss, .counter(.tcpEstabResets), layer: .transport,
                                              meaning: "established connections reset", knob: "tcpdump 'tcp[tcpflags] & tcp-rst != 0'")
    public static let tcpRetrans = Column("retrans/s", trouble: .loss, .counter(.tcpRetransSegs), layer: .transport,
                                          meaning: "segments retransmitted", knob: "ss -t -i (retrans, rtt)")
    public static let tcpRetransPercent = Column("%retrans", unit: .percent, trouble: .loss, .retransPercent, layer: .transport,
                                                 meaning: "retransmitted segments as a share of segments sent")
    public static let tcpInErrs = Column("isegerr/s", trouble: .loss, .counter(.tcpInErrs), layer: .transport,
                                         meaning: "segments received with errors (bad checksum, ...)")
    public static let tcpOutRsts = Column("orsts/s", trouble: .loss, .counter(.tcpOutRsts), layer: .transport,
                                          meaning: "resets sent")
    public static let tcpListenOverflows = Column("lstovf/s", trouble: .loss, .counter(.tcpListenOverflows), layer: .application,
                                                  meaning: "connections dropped because a listener's accept queue was full",
                                                  knob: "net.core.somaxconn; listen() backlog")
    public static let tcpListenDrops = Column("lstdrp/s", trouble: .loss, .counter(.tcpListenDrops), layer: .application,
                                              meaning: "SYNs or handshakes dropped at a listener (overflows included)",
                                              knob: "net.core.somaxconn; net.ipv4.tcp_max_syn_backlog")

    // MARK: UDP (sar -n UDP, UDP6)
    public static let udpIn = Column("idgm/s", .counter(.udpInDatagrams), meaning: "datagrams delivered")
    public static let udpOut = Column("odgm/s", .counter(.udpOutDatagrams), meaning: "datagrams sent")
    public static let udpNoPorts = Column("noport/s", trouble: .notice, .counter(.udpNoPorts), layer: .application,
                                          meaning: "datagrams to a port nobody listens on", knob: "ss -u -a -n")
    public static let udpInErrors = Column("idgmerr/s", trouble: .loss, .counter(.udpInErrors), layer: .socket,
                                           meaning: "datagrams not delivered for other reasons (buffer full, checksum)")
    public static let udpRcvbuf = Column("rcvbuferr/s", trouble: .loss, .counter(.udpRcvbufErrors), layer: .socket,
                                         meaning: "datagrams dropped because the socket's receive buffer was full",
                                         knob: "SO_RCVBUF; net.core.rmem_max")
    public static let udpSndbuf = Column("sndbuferr/s", trouble: .loss, .counter(.udpSndbufErrors), layer: .socket,
                                         meaning: "sends that failed for lack of buffer space", knob: "net.core.wmem_max")
    public static let udp6In = Column("idgm6/s", .counter(.udp6InDatagrams), meaning: "IPv6 datagrams delivered")
    public static let udp6Out = Column("odgm6/s", .counter(.udp6OutDatagrams), meaning: "IPv6 datagrams sent")
    public static let udp6NoPorts = Column("noport6/s", trouble: .notice, .counter(.udp6NoPorts), layer: .application,
                                           meaning: "IPv6 datagrams to a port nobody listens on", knob: "ss -u -a -n")
    public static let udp6Rcvbuf = Column("rcvbuf6/s", trouble: .loss, .counter(.udp6RcvbufErrors), layer: .socket,
                                          meaning: "IPv6 datagrams dropped because the receive buffer was full",
                                          knob: "SO_RCVBUF; net.core.rmem_max")

    // MARK: IP (sar -n IP, EIP)
    public static let ipIn = Column("irec/s", .counter(.ipInReceives), meaning: "datagrams received from interfaces")
    public static let ipForward = Column("fwddgm/s", .counter(.ipForwDatagrams), meaning: "datagrams forwarded")
    public static let ipDelivered = Column("idel/s", .counter(.ipInDelivers), meaning: "datagrams delivered to upper layers")
    public static let ipOut = Column("orq/s", .counter(.ipOutRequests), meaning: "datagrams sent by upper layers")
    public static let ipReasmRequired = Column("asmrq/s", .counter(.ipReasmReqds), meaning: "fragments received for reassembly")
    public static let ipReasmOK = Column("asmok/s", .counter(.ipReasmOKs), meaning: "datagrams reassembled")
    public static let ipFragOK = Column("fragok/s", .counter(.ipFragOKs), meaning: "datagrams fragmented")
    public static let ipFragCreated = Column("fragcrt/s", .counter(.ipFragCreates), meaning: "fragments created")
    public static let ipHdrErrors = Column("ihdrerr/s", trouble: .loss, .counter(.ipInHdrErrors), layer: .ip,
                                           meaning: "datagrams discarded for header errors (checksum, TTL, version)")
    public static let ipAddrErrors = Column("iadrerr/s", trouble: .loss, .counter(.ipInAddrErrors), layer: .ip,
                                            meaning: "datagrams discarded: destination not valid here",
                                            knob: "ip addr; net.ipv4.conf.*.rp_filter")
    public static let ipUnknownProto = Column("iukwnpr/s", trouble: .notice, .counter(.ipInUnknownProtos), layer: .ip,
                                              meaning: "datagrams for a protocol nobody handles")
    public static let ipInDiscards = Column("idisc/s", trouble: .loss, .counter(.ipInDiscards), layer: .ip,
                                            meaning: "input datagrams discarded with nothing wrong in them (no memory)")
    public static let ipOutDiscards = Column("odisc/s", trouble: .loss, .counter(.ipOutDiscards), layer: .ip,
                                             meaning: "output datagrams discarded (no buffer, filtered)")
    public static let ipOutNoRoutes = Column("onort/s", trouble: .loss, .counter(.ipOutNoRoutes), layer: .ip,
                                             meaning: "datagrams with no route to send them on", knob: "ip route get DST")
    public static let ipReasmFails = Column("asmf/s", trouble: .loss, .counter(.ipReasmFails), layer: .ip,
                                            meaning: "reassemblies that failed (timeout, memory, bad fragments)",
                                            knob: "net.ipv4.ipfrag_high_thresh, net.ipv4.ipfrag_time")
    public static let ipFragFails = Column("fragf/s", trouble: .loss, .counter(.ipFragFails), layer: .ip,
                                           meaning: "datagrams that needed fragmenting but could not be (DF set)",
                                           knob: "path MTU; ip link (mtu)")

    // MARK: kernel drop reasons (droptop's DROP group), skb:kfree_skb through BPF
    public static let reasonDrops = Column("drops/s", trouble: .loss, .dropReasonRate,
                                           meaning: "packets the kernel freed as dropped for this reason (host-wide)",
                                           knob: "the reason's entry in docs/triage.md")

    // MARK: sockets (sar -n SOCK, plus TCP states), levels
    public static let sockTotal = Column("totsck", unit: .count, .sockstat("sockets", "used"), meaning: "sockets in use")
    public static let sockTCP = Column("tcpsck", unit: .count, .sockstat("TCP", "inuse"), meaning: "TCP sockets in use")
    public static let sockUDP = Column("udpsck", unit: .count, .sockstat("UDP", "inuse"), meaning: "UDP sockets in use")
    public static let sockRaw = Column("rawsck", unit: .count, .sockstat("RAW", "inuse"), meaning: "raw sockets in use")
    public static let sockFrag = Column("ip-frag", unit: .count, .sockstat("FRAG", "inuse"), meaning: "IP fragment queues in use")
    public static let sockTimeWait = Column("tcp-tw", unit: .count, .sockstat("TCP", "tw"), meaning: "TCP sockets in TIME_WAIT")
    public static let stateEstablished = Column("estab", unit: .count, .tcpState(.established), meaning: "established connections")
    public static let stateSynRecv = Column("synrecv", unit: .count, .tcpState(.synRecv), meaning: "half-open connections")
    public static let stateCloseWait = Column("closewait", unit: .count, .tcpState(.closeWait),
                                              meaning: "connections the peer closed and the application did not")
    public static let stateListen = Column("listen", unit: .count, .tcpState(.listen), meaning: "listening sockets")
}

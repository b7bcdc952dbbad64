/// What a NETNS column shows of one other network namespace (--all-netns).
public enum NamespaceFigure: Sendable {
    case interfaces, rxPackets, txPackets, drops, errors, findings
}

/// The columns of the NETNS batch group: one row per other network namespace, its interfaces
/// summed. The packet columns keep sar's labels (the interfaces' columns declare them).
extension Column {
    public static let netnsInterfaces = Column("ifaces", unit: .count, .namespace(.interfaces),
                                               meaning: "interfaces in the network namespace")
    public static let netnsRxpck = Column(Column.rxpck.label, .namespace(.rxPackets),
                                          meaning: "packets received on all the namespace's interfaces")
    public static let netnsTxpck = Column(Column.txpck.label, .namespace(.txPackets),
                                          meaning: "packets transmitted on all the namespace's interfaces")
    public static let netnsDrops = Column("drop/s", trouble: .loss, .namespace(.drops), layer: .nic,
                                          meaning: "packets its interfaces dropped (rxdrop + txdrop)",
                                          knob: "droptop --netns NAME -b 1 -n EDEV")
    public static let netnsErrors = Column("err/s", trouble: .loss, .namespace(.errors), layer: .nic,
                                           meaning: "receive and transmit errors on its interfaces (rxerr + txerr)",
                                           knob: "droptop --netns NAME -b 1 -n EDEV")
    public static let netnsFindings = Column("findings", unit: .count, .namespace(.findings),
                                             meaning: "triage findings holding in the namespace (FINDING lines name it)")

    public func value(_ n: NamespaceReport) -> Double? {
        guard case .namespace(let figure) = source else { return nil }
        func sum(_ fields: [NetDevCounters.Field]) -> Double? {
            guard n.report.intervalSeconds != nil else { return nil }
            return n.report.interfaces.reduce(0.0) { total, i in fields.reduce(total) { $0 + (i.rate($1) ?? 0) } }
        }
        switch figure {
        case .interfaces: return Double(n.report.interfaces.count)
        case .rxPackets: return sum([.rxPackets])
        case .txPackets: return sum([.txPackets])
        case .drops: return sum([.rxDrop, .txDrop])
        case .errors: return sum([.rxErrs, .txErrs])
        case .findings: return Double(n.report.findings.count)
        }
    }
}

/// The `namespaces` array of the snapshot (--all-netns): each other network namespace with
/// who it belongs to, its interfaces, sockets, protocol counters and findings, in the same
/// shapes as the host's (docs/json.md), but only the protocol counters that say something.
enum NamespaceJSON {
    static func namespaces(_ report: Report) -> JSONValue {
        .array(report.namespaces.map(namespace))
    }

    static func text(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }

    static func identity(_ n: NamespaceReport) -> [(String, JSONValue)] {
        let id = n.identity
        var pod = JSONValue.null, container = JSONValue.null
        if let p = id.pod {
            pod = .object([("namespace", text(p.namespace)), ("name", text(p.name)), ("uid", .string(p.uid))])
        }
        if let c = id.containerID { container = .object([("id", .string(c)), ("runtime", text(id.runtime))]) }
        let pid: JSONValue = id.pid.map { .int(Int64($0)) } ?? .null
        return [
            ("inode", .uint(n.inode)), ("name", .string(id.name)), ("kind", .string(id.kind)), ("pid", pid),
            ("command", text(id.command)), ("pod", pod), ("container", container), ("netns_name", text(id.netnsName)),
            ("host_interfaces", .array(n.hostInterfaces.map(JSONValue.string))),
        ]
    }

    static func namespace(_ n: NamespaceReport) -> JSONValue {
        let ages = JSONReport.tcpAges(n.report.sample)
        // Quiet, an entry reads as in the last report (rates 0, findings as they were) but for the
        // ages of its TCP figures, and for the host veths at its other end (in the part's name).
        guard ages.readNow, n.quietMemo != nil else { return entry(n, ages: ages) }
        return kept(n, "entry " + n.hostInterfaces.joined(separator: " ")) { entry(n, ages: ages) }
    }

    private static func entry(_ n: NamespaceReport, ages: JSONReport.TCPAges) -> JSONValue {
        let r = n.report, s = r.sample
        let drops: JSONValue = .number(r.intervalSeconds == nil ? nil : n.dropsPerSecond)
        let tcpValue: @Sendable () -> JSONValue = { s.tcp.map { JSONReport.tcp($0, changes: r.tcpStateChanges, ages: ages) } ?? .null }
        // Quiet, the tables read as before and the drop rates are 0; the TCP text also holds each
        // figure's age, the same only while every one was read now.
        let tcp = ages.readNow ? kept(n, "tcp", tcpValue) : tcpValue()
        let udp = kept(n, "udp") { s.udp.map { JSONReport.udp($0, rates: r.udpDropRates) } ?? .null }
        let errors: [JSONValue] = s.errors.map { .object([("source", .string($0.source)), ("message", .string($0.message))]) }
        let rest: [(String, JSONValue)] = [
            ("drops_per_s", drops), ("interfaces", kept(n, "interfaces") { .array(r.interfaces.map(JSONReport.interface)) }),
            ("tcp", tcp), ("udp", udp), ("sockstat", kept(n, "sockstat") { s.sockstat.map(JSONReport.sockstat) ?? .null }),
            ("protocols", kept(n, "protocols") { JSONReport.tellingProtocols(r) }),
            ("drop_reasons", kept(n, "drop_reasons") { JSONReport.dropReasons(r) }),
            ("findings", .array(r.findings.map(JSONReport.finding))), ("errors", .array(errors)),
        ]
        return .object(identity(n) + rest)
    }

    /// A part of a quiet namespace is written once and its text reused while it stays quiet.
    static func kept(_ n: NamespaceReport, _ part: String, _ value: @escaping @Sendable () -> JSONValue) -> JSONValue {
        guard let memo = n.quietMemo else { return value() }
        return .kept(memo, part: part, value: value)
    }
}

/// Where an interface sits: its index and, for a veth or another paired link, its peer.
public struct LinkIdentity: Codable, Equatable, Sendable {
    public var ifindex: Int32
    /// IFLA_INFO_KIND ("veth", "bridge", ...); nil for a physical device.
    public var kind: String?
    /// IFLA_LINK: the peer's ifindex; with `peerNetnsID`, in another namespace.
    public var peerIndex: Int32?
    public var peerNetnsID: Int32?
}

/// Link state, carrier, MTU and queue length from rtnetlink, which answers for the network
/// namespace droptop is in (or looks into), where /sys/class/net answers for the namespace that
/// mounted /sys: `nsenter --net` changes the first and not the second, and /sys then shows the
/// host's interfaces under the same names. /sys is used only while its interfaces are the
/// namespace's own (same names, same ifindexes); otherwise the facts only /sys has (speed,
/// duplex, the error breakdown) are "not available in this namespace".
public final class LinkFactsSource {
    let links: RtnetlinkLinks
    /// A namespace's sampler never reads /sys: the facts come from rtnetlink alone.
    let sysAllowed: Bool
    /// Whether /sys/class/net showed this namespace's interfaces, for the link set it was checked on.
    private var sysChecked: (key: [Int32], same: Bool)?
    private var samplesSinceCheck = 0

    public init(_ links: RtnetlinkLinks, sysAllowed: Bool) {
        self.links = links
        self.sysAllowed = sysAllowed
    }

    public static let foreignSys = SourceError(source: "/sys/class/net",
        message: "belongs to another network namespace (entered with nsenter --net or setns, /sys not remounted): "
            + "link facts come from rtnetlink; speed, duplex, the error breakdown and the IRQ mapping are not available "
            + "in this namespace")

    /// Overwrites the link facts of `interfaces` with rtnetlink's; where /sys is another
    /// namespace's, drops what came from it.
    func apply(to interfaces: inout [InterfaceSample], reader: FileReader, errors: inout [SourceError]) {
        let facts: [LinkFacts]
        do { facts = try links.current() } catch {
            errors.append(SourceError(source: "rtnetlink RTM_GETLINK", message: error.message))
            return
        }
        var byName: [String: LinkFacts] = [:]
        for f in facts { byName[DisplayName.escaped(f.name)] = byName[DisplayName.escaped(f.name)] ?? f }
        let sysIsOurs = sysAllowed && sysMatches(facts, reader: reader)
        if sysAllowed && !sysIsOurs { errors.append(Self.foreignSys) }
        for i in interfaces.indices {
            guard let f = byName[interfaces[i].name] else { continue }
            interfaces[i].link = LinkIdentity(ifindex: f.index, kind: f.kind, peerIndex: f.peerIndex == f.index ? nil : f.peerIndex,
                                              peerNetnsID: f.peerNetnsID)
            guard !sysIsOurs else { continue }
            interfaces[i].operstate = f.operstate
            interfaces[i].carrier = f.carrier
            interfaces[i].mtu = f.mtu
            interfaces[i].txQueueLen = f.txQueueLen
            interfaces[i].speedMbps = nil
            interfaces[i].duplex = nil
            interfaces[i].statistics = nil
        }
    }

    /// /sys/class/net lists exactly rtnetlink's names, each with rtnetlink's ifindex. Checked
    /// again when the links change and every 30 samples.
    private func sysMatches(_ facts: [LinkFacts], reader: FileReader) -> Bool {
        let key = facts.map(\.index).sorted()
        samplesSinceCheck += 1
        if let checked = sysChecked, checked.key == key, samplesSinceCheck < 30 { return checked.same }
        samplesSinceCheck = 0
        let listed = Set(reader.directoryEntries(.sys, Array("class/net".utf8)) ?? [])
        var same = listed.count == facts.count
        for f in facts where same {
            guard listed.contains(f.name) else { same = false; break }
            let path = Array("class/net/".utf8) + f.name + Array("/ifindex".utf8)
            let index = try? reader.withContents(.sys, path) { bytes throws -> UInt64 in var c = ByteCursor(bytes); return try c.decimal() }
            same = index == UInt64(exactly: f.index)
        }
        sysChecked = (key, same)
        return same
    }
}

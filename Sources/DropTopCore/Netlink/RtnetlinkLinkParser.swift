/// An interface as RTM_GETLINK describes it: the link facts /sys/class/net/IF shows, but from
/// the network namespace of the netlink socket that asked, however droptop got there.
public struct LinkFacts: Equatable, Sendable {
    public var index: Int32
    public var name: [UInt8] = []
    /// ifi_flags: IFF_UP (admin up), IFF_LOWER_UP, ...
    public var flags: UInt32 = 0
    /// IFLA_OPERSTATE as /sys/class/net/IF/operstate writes it ("up", "down", "unknown", ...).
    public var operstate: String?
    /// IFLA_CARRIER; nil when the link is administratively down (as /sys refuses the read).
    public var carrier: Int?
    public var mtu: Int?
    public var txQueueLen: Int?
    /// IFLA_LINK: the peer's ifindex (a veth's other end), in the namespace IFLA_LINK_NETNSID names.
    public var peerIndex: Int32?
    /// IFLA_LINK_NETNSID: the peer's namespace, as an id local to this namespace.
    public var peerNetnsID: Int32?
    /// IFLA_INFO_KIND: "veth", "bridge", "vxlan", ...
    public var kind: String?

    public init(index: Int32) { self.index = index }

    static let iffUp: UInt32 = 0x1
}

extension RtnetlinkParser {
    static let iflaMTU: UInt16 = 4, iflaLink: UInt16 = 5, iflaTxqlen: UInt16 = 13, iflaOperstate: UInt16 = 16
    static let iflaLinkinfo: UInt16 = 18, iflaCarrier: UInt16 = 33, iflaLinkNetnsid: UInt16 = 37
    static let iflaInfoKind: UInt16 = 1
    /// IF_OPER_* in their numbering order, as the kernel writes them to /sys.
    static let operstates = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"]

    /// Walks the RTM_NEWLINK records in the bytes of one recv(), decoding each fully; `done`
    /// and errors as for `forEachMessage`. A record too short for ifinfomsg is an error.
    public static func forEachLink(_ bytes: UnsafeBufferPointer<UInt8>,
                                   _ visit: (Message, LinkFacts?) -> Void) throws(ParseError) {
        try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
            switch frame {
            case .done: visit(.done, nil)
            case .error(let code): visit(.error(code), nil)
            case .message(newLink, let payload):
                let facts = try linkFacts(payload)
                visit(.link(index: facts.index, name: facts.name), facts)
            case .message(let type, _): visit(.other(type: type), nil)
            }
        }
    }

    /// struct ifinfomsg (family, pad, type, index, flags, change), then IFLA_* attributes.
    static func linkFacts(_ p: UnsafeRawBufferPointer) throws(ParseError) -> LinkFacts {
        guard p.count >= ifinfomsgSize else { throw ParseError("ifinfomsg of \(p.count) bytes, expected \(ifinfomsgSize)") }
        var f = LinkFacts(index: p.loadUnaligned(fromByteOffset: 4, as: Int32.self))
        f.flags = p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        var carrier: UInt8?
        forEachAttribute(UnsafeRawBufferPointer(rebasing: p[ifinfomsgSize...])) { type, value in
            func u32() -> UInt32? { value.count >= 4 ? value.loadUnaligned(as: UInt32.self) : nil }
            switch type {
            case iflaIfname: f.name = Array(value.prefix { $0 != 0 })
            case iflaMTU: f.mtu = u32().map { Int($0) }
            case iflaTxqlen: f.txQueueLen = u32().map { Int($0) }
            case iflaLink: f.peerIndex = u32().map { Int32(bitPattern: $0) }
            case iflaLinkNetnsid: f.peerNetnsID = u32().map { Int32(bitPattern: $0) }
            case iflaOperstate where value.count >= 1:
                f.operstate = Int(value[0]) < operstates.count ? operstates[Int(value[0])] : "unknown"
            case iflaCarrier where value.count >= 1: carrier = value[0]
            case iflaLinkinfo:
                forEachAttribute(value) { inner, kind in
                    if inner == iflaInfoKind { f.kind = DisplayName.escaped(kind.prefix { $0 != 0 }) }
                }
            default: break
            }
        }
        if f.flags & LinkFacts.iffUp != 0, let carrier { f.carrier = Int(carrier) }
        return f
    }
}

/// Where the state-change program finds what it needs behind the tracepoint's `struct sock *`,
/// read from the running kernel's BTF: no kernel headers, no compiler, and the right offsets
/// whatever the kernel's configuration moved.
struct TCPSocketLayout: Equatable, Sendable {
    /// sk->sk_protocol (struct sock): a u16 since Linux 5.6; a bitfield before, which is refused.
    var protocolOffset: Int, protocolSize: Int
    /// sk->__sk_common.skc_net.net, the struct net pointer, and net->ns.inum (the namespace's
    /// inode, as /proc/PID/ns/net shows it). nil on a kernel without network namespaces
    /// (CONFIG_NET_NS=n leaves possible_net_t empty): every transition is then keyed 0.
    var netOffset: Int?, inumOffset: Int?
    /// How many arguments btf_trace_inet_sock_set_state passes (sk, oldstate, newstate).
    var argumentCount: Int
    /// That typedef's BTF id: a BTF-typed program names its tracepoint by it.
    var tracepointTypeID: UInt32

    var keysNamespaces: Bool { netOffset != nil && inumOffset != nil }
}

/// The few struct members the program reads, found by name in a BTF blob (bounds-checked: an odd
/// blob gives a DescriptionError, never a trap). Streamed like the drop reasons' lookup: one pass
/// over the strings for the names' offsets, one over the types for their ids (a sparse index),
/// then the few records on the way to each member.
enum TCPSocketLayoutParser {
    /// An instruction's offset is 16 bits; real offsets are hundreds of bytes.
    static let maxOffset = Int(Int16.max)

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) -> TCPSocketLayout {
        try parse(BTFBlob(bytes))
    }

    /// From a file, streamed through a fixed window: memory stays bounded.
    static func parse(path: String) -> Result<TCPSocketLayout, BTFFileError> {
        BTFBlob.streaming(path) { blob throws(DescriptionError) in try parse(blob) }
    }

    static func parse(_ blob: BTFBlob) throws(DescriptionError) -> TCPSocketLayout {
        let types = try BTFMembers(blob, naming: [(BTFKind.typedef, "btf_trace_inet_sock_set_state"),
                                                  (BTFKind.structure, "sock"), (BTFKind.structure, "net")])
        guard let tracepoint = types.found[0] else {
            throw .missing("no btf_trace_inet_sock_set_state type (the tracepoint needs Linux 4.16)")
        }
        let arguments = try BTFParser.tracepointArguments(blob, types.index, tracepoint)
        guard arguments.count == 3 else { throw .malformed("inet_sock_set_state passes \(arguments.count) arguments, not 3") }
        guard let sock = types.found[1] else { throw .missing("no struct sock") }
        guard let sockProtocol = try types.member(["sk_protocol"], in: sock), !sockProtocol.isBitfield,
              let protocolSize = try types.size(of: sockProtocol.type), protocolSize == 1 || protocolSize == 2,
              sockProtocol.byteOffset <= maxOffset else {
            throw .malformed("struct sock has no byte-aligned sk_protocol (a bitfield before Linux 5.6)")
        }
        var layout = TCPSocketLayout(protocolOffset: sockProtocol.byteOffset, protocolSize: protocolSize, argumentCount: 3,
                                     tracepointTypeID: UInt32(tracepoint))
        if let net = try types.member(["__sk_common", "skc_net", "net"], in: sock), !net.isBitfield,
           let netStruct = types.found[2],
           let inum = try types.member(["ns", "inum"], in: netStruct), !inum.isBitfield, try types.size(of: inum.type) == 4,
           net.byteOffset <= maxOffset, inum.byteOffset <= maxOffset {
            layout.netOffset = net.byteOffset
            layout.inumOffset = inum.byteOffset
        }
        return layout
    }
}

/// The ids of a few named types, and member lookups through nested and anonymous structs.
struct BTFMembers {
    struct Member { var byteOffset: Int, type: Int, isBitfield: Bool }

    let blob: BTFBlob
    private(set) var index = BTFTypeIndex()
    /// The first id of each wanted (kind, name), in the order asked.
    private(set) var found: [Int?]

    init(_ blob: BTFBlob, naming wanted: [(kind: UInt32, name: StaticString)]) throws(DescriptionError) {
        self.blob = blob
        let names = try blob.offsets(ofNames: wanted.map(\.name))
        found = Array(repeating: nil, count: wanted.count)
        var position = blob.typesStart
        let kinds = wanted.map(\.kind)
        while position < blob.typesEnd {
            let record = try blob.record(at: position)
            index.append(position)
            // Most of the 150,000+ records are of no wanted kind: one comparison each, not a set lookup per name.
            if kinds.contains(record.kind) {
                for i in wanted.indices where found[i] == nil && record.kind == kinds[i] && names[i].contains(record.nameOffset) {
                    found[i] = index.count - 1
                }
            }
            position = record.end
        }
    }

    private func record(_ id: Int) throws(DescriptionError) -> BTFRecord? {
        guard id > 0, id < index.count else { return nil }
        return try index.record(id, in: blob)
    }

    /// The first type behind typedefs and qualifiers (pointers are not followed).
    func stripped(_ start: Int) throws(DescriptionError) -> BTFRecord? {
        var id = start
        for _ in 0..<8 {
            guard let record = try record(id) else { return nil }
            guard record.kind != BTFKind.pointer, BTFKind.references.contains(record.kind) else { return record }
            id = Int(record.sizeOrType)
        }
        return nil
    }
    /// The struct or union behind typedefs and qualifiers, or nil.
    func aggregate(_ start: Int) throws(DescriptionError) -> BTFRecord? {
        guard let record = try stripped(start), record.kind == BTFKind.structure || record.kind == BTFKind.union else { return nil }
        return record
    }

    /// Follows `path` member by member (descending into anonymous members on the way); nil when absent.
    func member(_ path: [String], in structID: Int) throws(DescriptionError) -> Member? {
        var type = structID, byteOffset = 0, bitfield = false
        for name in path {
            guard let record = try aggregate(type), let found = try directOrAnonymous(name, in: record, depth: 0) else { return nil }
            (type, byteOffset, bitfield) = (found.type, byteOffset + found.byteOffset, found.isBitfield)
        }
        return Member(byteOffset: byteOffset, type: type, isBitfield: bitfield)
    }

    private func directOrAnonymous(_ name: String, in record: BTFRecord, depth: Int) throws(DescriptionError) -> Member? {
        guard depth < 8 else { return nil }
        for index in 0..<record.vlen {
            let at = record.dataStart + index * 12
            let nameOffset = try blob.u32(at), type = Int(try blob.u32(at + 4)), word = try blob.u32(at + 8)
            let bits = record.kindFlag ? Int(word & 0xFF_FFFF) : Int(word)
            let bitfield = (record.kindFlag && word >> 24 != 0) || bits % 8 != 0
            if nameOffset == 0, let inner = try aggregate(type) {
                if let found = try directOrAnonymous(name, in: inner, depth: depth + 1) {
                    return Member(byteOffset: bits / 8 + found.byteOffset, type: found.type, isBitfield: found.isBitfield)
                }
            } else if nameOffset != 0, try blob.string(nameOffset) == name {
                return Member(byteOffset: bits / 8, type: type, isBitfield: bitfield)
            }
        }
        return nil
    }

    /// Bytes of an integer, enum or pointer type behind typedefs and qualifiers.
    func size(of start: Int) throws(DescriptionError) -> Int? {
        guard let record = try stripped(start) else { return nil }
        switch record.kind {
        case BTFKind.pointer: return 8
        case BTFKind.integer, BTFKind.enumeration, BTFKind.enumeration64: return Int(record.sizeOrType)
        default: return nil
        }
    }
}

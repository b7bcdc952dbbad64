/// Where the namespace-keyed drop program finds the dropping namespace behind skb:kfree_skb's
/// `struct sk_buff *`, and `reason` among the tracepoint's arguments; read from the kernel's BTF.
struct SkbNamespaceLayout: Equatable, Sendable {
    /// skb->dev (inside sk_buff's anonymous unions) and dev->nd_net.net.
    var deviceOffset: Int, deviceNetOffset: Int
    /// skb->sk and sk->__sk_common.skc_net.net: for a packet without a device (freed on a socket's queue).
    var socketOffset: Int, socketNetOffset: Int
    /// net->ns.inum: the namespace's inode, as /proc/PID/ns/net shows it.
    var inumOffset: Int
    /// btf_trace_kfree_skb's BTF id (a BTF-typed program names its tracepoint by it) and the argument holding the reason.
    var tracepointTypeID: UInt32, reasonArgumentIndex: Int
    /// The reason numbering, as the host counter reads it: slots below `names.limit`, then the overflow slot.
    var names: DropReasonNames
}

enum SkbNamespaceLayoutParser {
    /// From the kernel's BTF file, streamed: the reasons' description (BTFParser) and the members, in one open.
    static func parse(path: String) -> Result<SkbNamespaceLayout, BTFFileError> {
        BTFBlob.streaming(path) { blob throws(DescriptionError) in try parse(blob) }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) -> SkbNamespaceLayout { try parse(BTFBlob(bytes)) }

    /// One pass over the strings and one over the types for all the names (the reasons' too).
    static func parse(_ blob: BTFBlob) throws(DescriptionError) -> SkbNamespaceLayout {
        let types = try BTFMembers(blob, naming: [(BTFKind.typedef, "btf_trace_kfree_skb"), (BTFKind.structure, "sk_buff"),
                                                  (BTFKind.structure, "net_device"), (BTFKind.structure, "sock"),
                                                  (BTFKind.structure, "net"), (BTFKind.enumeration, "skb_drop_reason"),
                                                  (BTFKind.enumeration64, "skb_drop_reason")])
        let kfree = try BTFParser.kfreeSkb(blob, types.index, enumID: types.found[5] ?? types.found[6], typedefID: types.found[0])
        guard let reasonIndex = kfree.reasonArgumentIndex, let names = kfree.names, names.limit > 0, names.limit <= 0xFFFF else {
            throw .noReasonField("skb:kfree_skb has no usable reason argument or enum skb_drop_reason")
        }
        guard let tracepoint = types.found[0], let skb = types.found[1], let device = types.found[2],
              let sock = types.found[3], let net = types.found[4] else {
            throw .missing("the kernel's BTF lacks btf_trace_kfree_skb, sk_buff, net_device, sock or net")
        }
        func offset(_ path: [String], in id: Int, size: Int) throws(DescriptionError) -> Int {
            guard let member = try types.member(path, in: id), !member.isBitfield, try types.size(of: member.type) == size,
                  member.byteOffset <= TCPSocketLayoutParser.maxOffset else {
                throw .missing("no \(path.joined(separator: ".")) of \(size) bytes (a kernel without network namespaces?)")
            }
            return member.byteOffset
        }
        return SkbNamespaceLayout(
            deviceOffset: try offset(["dev"], in: skb, size: 8), deviceNetOffset: try offset(["nd_net", "net"], in: device, size: 8),
            socketOffset: try offset(["sk"], in: skb, size: 8),
            socketNetOffset: try offset(["__sk_common", "skc_net", "net"], in: sock, size: 8),
            inumOffset: try offset(["ns", "inum"], in: net, size: 4), tracepointTypeID: UInt32(tracepoint),
            reasonArgumentIndex: reasonIndex, names: names)
    }
}

/// The namespace-keyed drop program, hand-assembled: on each skb:kfree_skb, counts
/// (namespace inode, reason slot) += 1 in a per-CPU hash. The namespace is skb->dev's when the
/// packet has a device, else its socket's, else 0 (unknown). The slot is the host counter's:
/// the reason, or the overflow slot for values at or past SKB_DROP_REASON_MAX.
///
/// The key is 8 bytes: u32 inode, then u32 slot (read as a u64: slot << 32 | inode).
enum NamespaceDropProgram {
    /// Inode 0, slot 0xFFFFFFFF: drops of keys the full map had no room for.
    static let overflowKey: UInt64 = 0xFFFF_FFFF << 32

    static func key(inode: UInt32, slot: UInt32) -> UInt64 { UInt64(slot) << 32 | UInt64(inode) }

    /// `access`: plain loads in a BTF-typed program, else bpf_probe_read_kernel (TCPStateProgram.Access).
    /// `skipping`: droptop's own namespace, whose drops the host counter has: they cost no hash update.
    static func instructions(layout: SkbNamespaceLayout, mapFD: Int32, access: TCPStateProgram.Access,
                             skipping ownNamespace: UInt32? = nil) -> [BPFInstruction]? {
        typealias Op = BPFOpcode
        let overflowSlot = Int32(bitPattern: layout.names.limit)
        var a = BPFAssembler()
        a.emit(BPFInstruction(code: Op.loadDoubleWord, dst: 7, src: 1, offset: 0),  // r7 = skb
               BPFInstruction(code: Op.loadDoubleWord, dst: 9, src: 1, offset: Int16(layout.reasonArgumentIndex * 8)))  // r9 = reason
        a.jump(BPFInstruction(code: Op.jumpIfLessThan, dst: 9, immediate: overflowSlot), to: "bounded")
        a.emit(BPFInstruction(code: Op.move64Immediate, dst: 9, immediate: overflowSlot))
        a.label("bounded")
        a.emit(BPFInstruction(code: Op.storeImmediateDoubleWord, dst: 10, offset: -16))  // key = 0
        // r8 = skb->dev, then the device's net; without one, skb->sk, then the socket's net. A
        // socket's queue reuses the dev word (UDP keeps its scratch there): read as a device it
        // faults to 0, so a net of 0 also falls back to the socket.
        a.emit(load(into: 8, from: 7, offset: layout.deviceOffset, access: access))
        a.jump(BPFInstruction(code: Op.jumpIfEqual, dst: 8, immediate: 0), to: "socket")
        a.emit(load(into: 8, from: 8, offset: layout.deviceNetOffset, access: access))
        a.jump(BPFInstruction(code: Op.jumpIfNotEqual, dst: 8, immediate: 0), to: "net")
        a.label("socket")
        a.emit(load(into: 8, from: 7, offset: layout.socketOffset, access: access))
        a.jump(BPFInstruction(code: Op.jumpIfEqual, dst: 8, immediate: 0), to: "count")
        a.emit(load(into: 8, from: 8, offset: layout.socketNetOffset, access: access))
        a.label("net")
        a.jump(BPFInstruction(code: Op.jumpIfEqual, dst: 8, immediate: 0), to: "count")
        if access == .typedLoads {
            a.emit(BPFInstruction(code: Op.loadWord, dst: 1, src: 8, offset: Int16(layout.inumOffset)),  // r1 = net->ns.inum
                   BPFInstruction(code: Op.storeWord, dst: 10, src: 1, offset: -16))
        } else {
            a.emit(BPFSnippet.probeRead(into: -16, size: 4, from: 8, offset: layout.inumOffset))  // key.inode (zeroes the key first)
        }
        a.label("count")
        if let ownNamespace {
            a.emit(BPFInstruction(code: Op.loadWord, dst: 1, src: 10, offset: -16),  // key.inode
                   BPFInstruction(code: Op.loadImmediate64, dst: 2, immediate: Int32(bitPattern: ownNamespace)), BPFInstruction(code: 0))
            a.jump(BPFInstruction(code: Op.jumpIfEqualRegister, dst: 1, src: 2), to: "out")
        }
        a.emit(BPFInstruction(code: Op.storeWord, dst: 10, src: 9, offset: -12))  // key.slot
        a.countInHash(mapFD: mapFD, keyAt: -16, valueAt: -24, overflowKey: overflowKey, done: "out")
        a.label("out")
        a.emit(BPFInstruction(code: Op.move64Immediate, dst: 0, immediate: 0), BPFInstruction(code: Op.exit))
        return a.assembled()
    }

    /// r<dst> = *(u64 *)(r<base> + offset): a plain load, or a probe read through the stack at r10 - 8.
    private static func load(into dst: UInt8, from base: UInt8, offset: Int, access: TCPStateProgram.Access) -> [BPFInstruction] {
        if access == .typedLoads { return [BPFInstruction(code: BPFOpcode.loadDoubleWord, dst: dst, src: base, offset: Int16(offset))] }
        return BPFSnippet.probeRead(into: -8, size: 8, from: base, offset: offset)
            + [BPFInstruction(code: BPFOpcode.loadDoubleWord, dst: dst, src: 10, offset: -8)]
    }
}

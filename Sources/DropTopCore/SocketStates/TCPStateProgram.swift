/// The state-change program, hand-assembled: on each sock:inet_sock_set_state of a TCP socket,
/// counts (namespace inode, old state, new state) += 1 in a per-CPU hash.
///
/// The context is three u64 arguments: sk, oldstate, newstate. sk_protocol,
/// sk->__sk_common.skc_net.net and net->ns.inum are read at offsets from BTF (TCPSocketLayout):
/// with plain loads in a BTF-typed program, else with bpf_probe_read_kernel (Access).
///
/// The key is 8 bytes: u32 inode, u8 old, u8 new, u16 zero. The increment is a plain
/// load/add/store: the value is this CPU's, and the kernel never runs one tracing program nested
/// in itself on a CPU (it counts a recursion miss instead, which the counter reports). When the
/// map is full the transition is counted under `overflowKey`, inserted at start so it always exists.
enum TCPStateProgram {
    static let overflowKey: UInt64 = 0xFFFF << 32  // inode 0, old 0xFF, new 0xFF
    static let ipProtocolTCP: Int32 = 6

    /// How the program reads through `sk`.
    enum Access: Equatable, Sendable {
        /// A BTF-typed tracing program (tp_btf, Linux 5.5+): `sk` is typed, so plain loads do,
        /// each made fault-safe by the kernel; no helper call.
        case typedLoads
        /// A raw tracepoint program: `sk` is a bare u64, read with bpf_probe_read_kernel.
        case probeReads
    }

    /// `onlyNamespace`: count that namespace's changes alone (nil: every namespace's). A container
    /// host's pods come and go; keyed by namespace, their changes would fill the map with keys of
    /// namespaces long gone, and each would cost a hash update.
    static func instructions(layout: TCPSocketLayout, mapFD: Int32, access: Access,
                             onlyNamespace: UInt32? = nil) -> [BPFInstruction]? {
        typealias Op = BPFOpcode
        var a = BPFAssembler()
        a.emit(BPFInstruction(code: Op.move64Register, dst: 6, src: 1),  // r6 = ctx
               BPFInstruction(code: Op.loadDoubleWord, dst: 7, src: 6, offset: 0))  // r7 = sk
        let protocolLoad = layout.protocolSize == 2 ? Op.loadHalfWord : Op.loadByte
        if access == .typedLoads {
            a.emit(BPFInstruction(code: protocolLoad, dst: 1, src: 7, offset: Int16(layout.protocolOffset)))
        } else {
            a.emit(BPFSnippet.probeRead(into: -8, size: layout.protocolSize, from: 7, offset: layout.protocolOffset))
            a.emit(BPFInstruction(code: protocolLoad, dst: 1, src: 10, offset: -8))
        }
        a.jump(BPFInstruction(code: Op.jumpIfNotEqual, dst: 1, immediate: ipProtocolTCP), to: "out")
        a.emit(BPFInstruction(code: Op.storeImmediateDoubleWord, dst: 10, offset: -16))  // key = 0
        if let netOffset = layout.netOffset, let inumOffset = layout.inumOffset {
            if access == .typedLoads {
                a.emit(BPFInstruction(code: Op.loadDoubleWord, dst: 7, src: 7, offset: Int16(netOffset)),  // r7 = sk's net
                       BPFInstruction(code: Op.loadWord, dst: 1, src: 7, offset: Int16(inumOffset)),  // r1 = net->ns.inum
                       BPFInstruction(code: Op.storeWord, dst: 10, src: 1, offset: -16))
            } else {
                a.emit(BPFSnippet.probeRead(into: -24, size: 8, from: 7, offset: netOffset))  // the struct net pointer
                a.emit(BPFInstruction(code: Op.loadDoubleWord, dst: 7, src: 10, offset: -24))
                a.jump(BPFInstruction(code: Op.jumpIfEqual, dst: 7, immediate: 0), to: "states")
                a.emit(BPFSnippet.probeRead(into: -16, size: 4, from: 7, offset: inumOffset))  // key.inode = net->ns.inum
            }
        }
        a.label("states")
        if let onlyNamespace, layout.netOffset != nil {
            a.emit(BPFInstruction(code: Op.loadWord, dst: 1, src: 10, offset: -16),  // key.inode
                   BPFInstruction(code: Op.loadImmediate64, dst: 2, immediate: Int32(bitPattern: onlyNamespace)), BPFInstruction(code: 0))
            a.jump(BPFInstruction(code: Op.jumpIfNotEqualRegister, dst: 1, src: 2), to: "out")
        }
        a.emit(BPFInstruction(code: Op.loadDoubleWord, dst: 1, src: 6, offset: 8),  // oldstate
               BPFInstruction(code: Op.storeByte, dst: 10, src: 1, offset: -12),
               BPFInstruction(code: Op.loadDoubleWord, dst: 1, src: 6, offset: 16),  // newstate
               BPFInstruction(code: Op.storeByte, dst: 10, src: 1, offset: -11))
        a.countInHash(mapFD: mapFD, keyAt: -16, valueAt: -24, overflowKey: overflowKey, done: "out")
        a.label("out")
        a.emit(BPFInstruction(code: Op.move64Immediate, dst: 0, immediate: 0), BPFInstruction(code: Op.exit))
        return a.assembled()
    }
}

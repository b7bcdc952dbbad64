/// Instruction sequences the hand-assembled counting programs share.
enum BPFSnippet {
    /// bpf_probe_read_kernel(r10 + stack, size, r<base> + offset); the slot is zeroed first (the
    /// verifier wants it initialised, and a failed read leaves zeros). Clobbers r0 to r5.
    static func probeRead(into stack: Int16, size: Int, from base: UInt8, offset: Int) -> [BPFInstruction] {
        typealias Op = BPFOpcode
        return [BPFInstruction(code: Op.storeImmediateDoubleWord, dst: 10, offset: stack & ~7),
                BPFInstruction(code: Op.move64Register, dst: 1, src: 10),
                BPFInstruction(code: Op.add64Immediate, dst: 1, immediate: Int32(stack)),
                BPFInstruction(code: Op.move64Immediate, dst: 2, immediate: Int32(size)),
                BPFInstruction(code: Op.move64Register, dst: 3, src: base),
                BPFInstruction(code: Op.add64Immediate, dst: 3, immediate: Int32(offset)),
                BPFInstruction(code: Op.call, immediate: Op.helperProbeReadKernel)]
    }

    /// r1 = the map (two instruction slots).
    static func mapFDLoad(_ mapFD: Int32) -> [BPFInstruction] {
        [BPFInstruction(code: BPFOpcode.loadImmediate64, dst: 1, src: BPFOpcode.pseudoMapFD, immediate: mapFD), BPFInstruction(code: 0)]
    }

    /// r0 = bpf_map_lookup_elem(map, r10 + key)
    static func lookup(mapFD: Int32, keyAt key: Int16) -> [BPFInstruction] {
        mapFDLoad(mapFD) + [BPFInstruction(code: BPFOpcode.move64Register, dst: 2, src: 10),
                            BPFInstruction(code: BPFOpcode.add64Immediate, dst: 2, immediate: Int32(key)),
                            BPFInstruction(code: BPFOpcode.call, immediate: BPFOpcode.helperMapLookupElement)]
    }

    /// *(u64 *)r0 += 1: a plain load/add/store, the value being this CPU's own (per-CPU maps), and
    /// the kernel never runs a tracing program nested in itself on one CPU.
    static func increment() -> [BPFInstruction] {
        [BPFInstruction(code: BPFOpcode.loadDoubleWord, dst: 1, src: 0),
         BPFInstruction(code: BPFOpcode.add64Immediate, dst: 1, immediate: 1),
         BPFInstruction(code: BPFOpcode.storeDoubleWord, dst: 0, src: 1)]
    }
}

extension BPFAssembler {
    /// Counts the u64 key at r10 + `key` in a per-CPU hash of u64 counters: the value += 1, else the
    /// key is inserted with 1 (r10 + `value` is its scratch slot), else (the map is full) the count
    /// goes to `overflowKey`, inserted at start so that it always exists. Ends by jumping to `done`.
    mutating func countInHash(mapFD: Int32, keyAt key: Int16, valueAt value: Int16, overflowKey: UInt64, done: String) {
        typealias Op = BPFOpcode
        emit(BPFSnippet.lookup(mapFD: mapFD, keyAt: key))
        jump(BPFInstruction(code: Op.jumpIfEqual, dst: 0, immediate: 0), to: "count.insert")
        emit(BPFSnippet.increment())
        jump(BPFInstruction(code: Op.jumpAlways), to: done)
        label("count.insert")
        emit(BPFInstruction(code: Op.storeImmediateDoubleWord, dst: 10, offset: value, immediate: 1))
        emit(BPFSnippet.mapFDLoad(mapFD))
        emit(BPFInstruction(code: Op.move64Register, dst: 2, src: 10),
             BPFInstruction(code: Op.add64Immediate, dst: 2, immediate: Int32(key)),
             BPFInstruction(code: Op.move64Register, dst: 3, src: 10),
             BPFInstruction(code: Op.add64Immediate, dst: 3, immediate: Int32(value)),
             BPFInstruction(code: Op.move64Immediate, dst: 4, immediate: 0),  // BPF_ANY
             BPFInstruction(code: Op.call, immediate: Op.helperMapUpdateElement))
        jump(BPFInstruction(code: Op.jumpIfEqual, dst: 0, immediate: 0), to: done)
        // The map is full: count under the overflow key.
        let (low, high) = (UInt32(truncatingIfNeeded: overflowKey), UInt32(overflowKey >> 32))
        emit(BPFInstruction(code: Op.storeImmediateWord, dst: 10, offset: key, immediate: Int32(bitPattern: low)),
             BPFInstruction(code: Op.storeImmediateWord, dst: 10, offset: key + 4, immediate: Int32(bitPattern: high)))
        emit(BPFSnippet.lookup(mapFD: mapFD, keyAt: key))
        jump(BPFInstruction(code: Op.jumpIfEqual, dst: 0, immediate: 0), to: done)
        emit(BPFSnippet.increment())
        jump(BPFInstruction(code: Op.jumpAlways), to: done)
    }
}

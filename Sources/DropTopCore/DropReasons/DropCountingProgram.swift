/// One eBPF instruction (struct bpf_insn): opcode, dst and src registers in one byte, offset, immediate.
struct BPFInstruction: Equatable {
    var code: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, immediate: Int32 = 0

    /// The 8 bytes the kernel reads; the register byte puts dst in the low nibble (little-endian bitfields).
    var bytes: [UInt8] {
        let off = UInt16(bitPattern: offset), imm = UInt32(bitPattern: immediate)
        return [code, (src << 4) | (dst & 0x0F), UInt8(off & 0xFF), UInt8(off >> 8),
                UInt8(imm & 0xFF), UInt8((imm >> 8) & 0xFF), UInt8((imm >> 16) & 0xFF), UInt8(imm >> 24)]
    }
}

/// Where the counting program finds `reason` in its context.
enum ReasonLocation: Equatable, Sendable {
    /// A raw tracepoint: the context is an array of u64 arguments.
    case rawTracepointArgument(index: Int)
    /// A tracefs tracepoint: the context is the trace record laid out as its format file says.
    case traceRecord(offset: Int, size: Int)
}

/// The hand-assembled program: reason -> bounded slot -> per-CPU counter += 1.
///
/// The increment is a plain load/add/store, not an atomic add: the map is per-CPU and the kernel
/// never nests one tracing program inside itself on a CPU (it counts a recursion miss instead), so
/// no other writer can touch the slot meanwhile; this saves the locked instruction on every drop.
enum DropCountingProgram {
    static let programTypeTracepoint: UInt32 = 5, programTypeRawTracepoint: UInt32 = 17
    static let helperMapLookupElement: Int32 = 1
    static let pseudoMapFD: UInt8 = 1

    /// `overflowSlot` counts every value at or past it (subsystem reasons, numbers newer than the enum read).
    static func instructions(reason location: ReasonLocation, mapFD: Int32, overflowSlot: UInt32) -> [BPFInstruction] {
        let loadReason: BPFInstruction
        switch location {
        case .rawTracepointArgument(let index):
            loadReason = BPFInstruction(code: 0x79, dst: 2, src: 1, offset: Int16(index * 8))  // r2 = *(u64 *)(r1 + 8i)
        case .traceRecord(let offset, let size):
            let sizeBits: UInt8 = size == 1 ? 0x10 : size == 2 ? 0x08 : size == 8 ? 0x18 : 0x00
            loadReason = BPFInstruction(code: 0x61 | sizeBits, dst: 2, src: 1, offset: Int16(offset))
        }
        let slot = Int32(bitPattern: overflowSlot)
        return [
            loadReason,
            BPFInstruction(code: 0xA5, dst: 2, offset: 1, immediate: slot),  // if r2 < overflow goto +1
            BPFInstruction(code: 0xB7, dst: 2, immediate: slot),  // r2 = overflow
            BPFInstruction(code: 0x63, dst: 10, src: 2, offset: -4),  // *(u32 *)(r10 - 4) = r2: the key
            BPFInstruction(code: 0xBF, dst: 2, src: 10),  // r2 = r10
            BPFInstruction(code: 0x07, dst: 2, immediate: -4),  // r2 += -4
            BPFInstruction(code: 0x18, dst: 1, src: pseudoMapFD, immediate: mapFD),  // r1 = map (two slots)
            BPFInstruction(code: 0x00),
            BPFInstruction(code: 0x85, immediate: helperMapLookupElement),  // r0 = lookup(r1, r2)
            BPFInstruction(code: 0x15, dst: 0, offset: 3, immediate: 0),  // if r0 == 0 goto exit
            BPFInstruction(code: 0x79, dst: 1, src: 0),  // r1 = *(u64 *)r0
            BPFInstruction(code: 0x07, dst: 1, immediate: 1),  // r1 += 1
            BPFInstruction(code: 0x7B, dst: 0, src: 1),  // *(u64 *)r0 = r1
            BPFInstruction(code: 0xB7, dst: 0, immediate: 0),  // r0 = 0
            BPFInstruction(code: 0x95),  // exit
        ]
    }
}

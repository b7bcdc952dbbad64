/// Instructions with jumps to named labels, resolved to the kernel's relative offsets at the end:
/// hand-counted offsets break silently when a program grows by one instruction.
struct BPFAssembler {
    private enum Item { case instruction(BPFInstruction), jump(BPFInstruction, label: String), label(String) }
    private var items: [Item] = []

    mutating func emit(_ instructions: BPFInstruction...) { emit(instructions) }
    mutating func emit(_ instructions: [BPFInstruction]) { items += instructions.map(Item.instruction) }

    /// A conditional or unconditional jump whose offset is filled in from `label`'s position.
    mutating func jump(_ instruction: BPFInstruction, to label: String) { items.append(.jump(instruction, label: label)) }

    mutating func label(_ name: String) { items.append(.label(name)) }

    /// The program; nil when a jump names a label that was never placed.
    func assembled() -> [BPFInstruction]? {
        var positions: [String: Int] = [:]
        var count = 0
        for item in items {
            switch item {
            case .label(let name): positions[name] = count
            case .instruction, .jump: count += 1
            }
        }
        var program: [BPFInstruction] = []
        for item in items {
            switch item {
            case .label: continue
            case .instruction(let instruction): program.append(instruction)
            case .jump(var instruction, let label):
                guard let target = positions[label] else { return nil }
                instruction.offset = Int16(target - program.count - 1)
                program.append(instruction)
            }
        }
        return program
    }
}

/// The opcodes the hand-assembled programs use (include/uapi/linux/bpf.h, bpf_common.h).
enum BPFOpcode {
    static let move64Register: UInt8 = 0xBF, move64Immediate: UInt8 = 0xB7, add64Immediate: UInt8 = 0x07
    static let loadDoubleWord: UInt8 = 0x79, loadWord: UInt8 = 0x61, loadHalfWord: UInt8 = 0x69, loadByte: UInt8 = 0x71
    static let storeDoubleWord: UInt8 = 0x7B, storeWord: UInt8 = 0x63, storeByte: UInt8 = 0x73
    static let storeImmediateDoubleWord: UInt8 = 0x7A, storeImmediateWord: UInt8 = 0x62
    static let jumpIfEqual: UInt8 = 0x15, jumpIfNotEqual: UInt8 = 0x55, jumpAlways: UInt8 = 0x05
    static let jumpIfNotEqualRegister: UInt8 = 0x5D, jumpIfEqualRegister: UInt8 = 0x1D, jumpIfLessThan: UInt8 = 0xA5  // JLT: unsigned
    static let call: UInt8 = 0x85, exit: UInt8 = 0x95, loadImmediate64: UInt8 = 0x18
    static let helperMapLookupElement: Int32 = 1, helperMapUpdateElement: Int32 = 2, helperProbeReadKernel: Int32 = 113
    static let pseudoMapFD: UInt8 = 1
}

/// What the kernel's BTF (/sys/kernel/btf/vmlinux) says about skb:kfree_skb.
public struct BTFKfreeSkb: Equatable, Sendable {
    /// From `enum skb_drop_reason`; nil when the kernel has no such enum.
    public var names: DropReasonNames?
    /// How many arguments `btf_trace_kfree_skb` passes (without the leading `__data`); nil when absent.
    public var tracepointArgumentCount: Int?
    /// The raw tracepoint's context slot that holds the reason (ctx[i], 8 bytes each): the argument
    /// named `reason`, else the one typed `enum skb_drop_reason` (vmlinux leaves these names empty).
    public var reasonArgumentIndex: Int?
}

/// Finds `enum skb_drop_reason` and `typedef btf_trace_kfree_skb` in a BTF blob.
/// Pure and bounds-checked: a truncated or odd blob gives a DescriptionError, never a trap.
///
/// Layout (include/uapi/linux/btf.h): a header (magic 0xEB9F, version, flags, hdr_len, then
/// type_off/type_len and str_off/str_len relative to the header's end); type records of 12 bytes
/// (name_off, info = kind << 24 | vlen, size or type) each followed by kind-specific data; ids
/// count from 1 in record order.
enum BTFParser {
    static func kfreeSkb(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) -> BTFKfreeSkb {
        try kfreeSkb(BTFBlob(bytes))
    }

    /// The same from a file, streamed through a fixed window (BTFBytes): memory stays bounded.
    static func kfreeSkb(path: String) -> Result<BTFKfreeSkb, BTFFileError> {
        BTFBlob.streaming(path) { blob throws(DescriptionError) in try kfreeSkb(blob) }
    }

    /// Three passes, none holding more than a few KB: the string section for the two names' offsets,
    /// the type records for the ids named by them, then the few records and strings those lead to.
    static func kfreeSkb(_ blob: BTFBlob) throws(DescriptionError) -> BTFKfreeSkb {
        let wanted = try blob.offsets(ofNames: ["skb_drop_reason", "btf_trace_kfree_skb"])
        var enumID: Int?, typedefID: Int?
        var index = BTFTypeIndex()
        var position = blob.typesStart
        while position < blob.typesEnd {
            let record = try blob.record(at: position)
            index.append(position)
            if record.kind == BTFKind.enumeration || record.kind == BTFKind.enumeration64, wanted[0].contains(record.nameOffset) {
                enumID = index.count - 1
            } else if record.kind == BTFKind.typedef, wanted[1].contains(record.nameOffset) {
                typedefID = index.count - 1
            }
            position = record.end
        }
        return try kfreeSkb(blob, index, enumID: enumID, typedefID: typedefID)
    }

    /// The description from the ids of `enum skb_drop_reason` and `btf_trace_kfree_skb`, found by
    /// a pass over the types that may look for more (SkbNamespaceLayoutParser's).
    static func kfreeSkb(_ blob: BTFBlob, _ index: BTFTypeIndex, enumID: Int?, typedefID: Int?) throws(DescriptionError) -> BTFKfreeSkb {
        let names = try enumID.map { id throws(DescriptionError) in try reasonNames(blob, try index.record(id, in: blob)) }
        guard let typedefID else { return BTFKfreeSkb(names: names) }
        let arguments = try tracepointArguments(blob, index, typedefID)
        let reasonIndex = arguments.firstIndex { $0.name == "reason" }
            ?? arguments.firstIndex { argument in enumID != nil && strippingQualifiers(blob, index, argument.type) == enumID }
        return BTFKfreeSkb(names: names, tracepointArgumentCount: arguments.count, reasonArgumentIndex: reasonIndex)
    }

    /// The type id behind typedefs and const/volatile/restrict/type-tag qualifiers (not pointers).
    private static func strippingQualifiers(_ blob: BTFBlob, _ index: BTFTypeIndex, _ start: Int) -> Int {
        var id = start
        for _ in 0..<8 {
            guard id > 0, id < index.count, let record = try? index.record(id, in: blob),
                  [8, 9, 10, 11, 18].contains(record.kind) else { return id }
            id = Int(record.sizeOrType)
        }
        return id
    }

    private static func reasonNames(_ blob: BTFBlob, _ record: BTFRecord) throws(DescriptionError) -> DropReasonNames {
        let width = record.kind == BTFKind.enumeration64 ? 12 : 8
        var entries: [(value: UInt64, name: String)] = []
        for member in 0..<record.vlen {
            let at = record.dataStart + member * width
            let low = try blob.u32(at + 4)
            let high = width == 12 ? try blob.u32(at + 8) : 0
            let name = try blob.string(try blob.u32(at))
            entries.append((UInt64(high) << 32 | UInt64(low), DropReasonNames.shortName(name)))
        }
        return DropReasonNames(entries: entries)
    }

    /// Follows the typedef through pointers and qualifiers to its FUNC_PROTO; the parameters' names and types.
    static func tracepointArguments(_ blob: BTFBlob, _ index: BTFTypeIndex, _ typedefID: Int)
        throws(DescriptionError) -> [(name: String, type: Int)] {
        var id = typedefID
        for _ in 0..<8 {
            guard id > 0, id < index.count else { break }
            let record = try index.record(id, in: blob)
            if record.kind == BTFKind.functionPrototype {
                var parameters: [(name: String, type: Int)] = []
                for index in 0..<record.vlen {
                    let at = record.dataStart + index * 8
                    parameters.append((try blob.string(try blob.u32(at)), Int(try blob.u32(at + 4))))
                }
                // The first parameter is the tracepoint's private `void *__data`, not passed to raw tracepoint programs.
                return Array(parameters.dropFirst())
            }
            guard BTFKind.references.contains(record.kind) else { break }
            id = Int(record.sizeOrType)
        }
        throw .malformed("the tracepoint type \(typedefID) does not lead to a function prototype")
    }
}

enum BTFKind {
    static let integer: UInt32 = 1, pointer: UInt32 = 2, structure: UInt32 = 4, union: UInt32 = 5, enumeration: UInt32 = 6
    static let typedef: UInt32 = 8, functionPrototype: UInt32 = 13, enumeration64: UInt32 = 19
    /// Kinds whose third word is another type id: pointer, typedef, volatile, const, restrict, type tag.
    static let references: Set<UInt32> = [2, 8, 9, 10, 11, 18]

    /// Bytes of kind-specific data after the 12-byte record; nil for a kind this parser does not know.
    static func dataSize(kind: UInt32, vlen: Int) -> Int? {
        switch kind {
        case 0, 2, 7, 8, 9, 10, 11, 12, 16, 18: return 0
        case 1, 14, 17: return 4
        case 3: return 12
        case 4, 5, 15, 19: return 12 * vlen
        case 6, 13: return 8 * vlen
        default: return nil
        }
    }
}

struct BTFRecord {
    var nameOffset: UInt32, kind: UInt32, vlen: Int, sizeOrType: UInt32
    /// info bit 31: for a struct or union, each member's offset word packs a bitfield size above 24 bits.
    var kindFlag = false
    var dataStart: Int, end: Int
}

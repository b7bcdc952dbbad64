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
        let blob = try BTFBlob(bytes)
        var enumID: Int?, typedefID: Int?
        var recordOffsets = [0]  // id 0 is void
        var position = blob.typesStart
        while position < blob.typesEnd {
            let record = try blob.record(at: position)
            recordOffsets.append(position)
            if record.kind == BTFKind.enumeration || record.kind == BTFKind.enumeration64,
               blob.name(record.nameOffset, equals: "skb_drop_reason") {
                enumID = recordOffsets.count - 1
            } else if record.kind == BTFKind.typedef, blob.name(record.nameOffset, equals: "btf_trace_kfree_skb") {
                typedefID = recordOffsets.count - 1
            }
            position = record.end
        }
        let names = try enumID.map { id throws(DescriptionError) in try reasonNames(blob, try blob.record(at: recordOffsets[id])) }
        guard let typedefID else { return BTFKfreeSkb(names: names) }
        let arguments = try tracepointArguments(blob, recordOffsets, typedefID)
        let index = arguments.firstIndex { $0.name == "reason" }
            ?? arguments.firstIndex { argument in enumID != nil && strippingQualifiers(blob, recordOffsets, argument.type) == enumID }
        return BTFKfreeSkb(names: names, tracepointArgumentCount: arguments.count, reasonArgumentIndex: index)
    }

    /// The type id behind typedefs and const/volatile/restrict/type-tag qualifiers (not pointers).
    private static func strippingQualifiers(_ blob: BTFBlob, _ offsets: [Int], _ start: Int) -> Int {
        var id = start
        for _ in 0..<8 {
            guard id > 0, id < offsets.count, let record = try? blob.record(at: offsets[id]),
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
    static func tracepointArguments(_ blob: BTFBlob, _ offsets: [Int], _ typedefID: Int)
        throws(DescriptionError) -> [(name: String, type: Int)] {
        var id = typedefID
        for _ in 0..<8 {
            guard id > 0, id < offsets.count else { break }
            let record = try blob.record(at: offsets[id])
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

/// The validated sections of a BTF blob with bounds-checked little-endian reads.
struct BTFBlob {
    let bytes: UnsafeBufferPointer<UInt8>
    let typesStart: Int, typesEnd: Int, stringsStart: Int, stringsEnd: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) {
        self.bytes = bytes
        guard bytes.count >= 24 else { throw .malformed("shorter than a BTF header (\(bytes.count) bytes)") }
        guard try Self.u16(bytes, 0) == 0xEB9F else { throw .malformed("not little-endian BTF (bad magic)") }
        let headerLength = Int(try Self.u32(bytes, 4))
        let (typeOffset, typeLength) = (Int(try Self.u32(bytes, 8)), Int(try Self.u32(bytes, 12)))
        let (stringOffset, stringLength) = (Int(try Self.u32(bytes, 16)), Int(try Self.u32(bytes, 20)))
        guard headerLength >= 24 else { throw .malformed("header length \(headerLength) is too small") }
        (typesStart, typesEnd) = (headerLength + typeOffset, headerLength + typeOffset + typeLength)
        (stringsStart, stringsEnd) = (headerLength + stringOffset, headerLength + stringOffset + stringLength)
        guard typesEnd <= bytes.count, stringsEnd <= bytes.count else {
            throw .malformed("truncated: sections end at \(max(typesEnd, stringsEnd)) of \(bytes.count) bytes")
        }
    }

    static func u16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) throws(DescriptionError) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { throw .malformed("truncated at byte \(at)") }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) throws(DescriptionError) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { throw .malformed("truncated at byte \(at)") }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    func u32(_ at: Int) throws(DescriptionError) -> UInt32 { try Self.u32(bytes, at) }

    func record(at position: Int) throws(DescriptionError) -> BTFRecord {
        guard position + 12 <= typesEnd else { throw .malformed("type record at \(position) runs past the type section") }
        let info = try u32(position + 4)
        let kind = (info >> 24) & 0x1F, vlen = Int(info & 0xFFFF)
        guard let extra = BTFKind.dataSize(kind: kind, vlen: vlen) else { throw .malformed("unknown type kind \(kind)") }
        let end = position + 12 + extra
        guard end <= typesEnd else { throw .malformed("type record at \(position) runs past the type section") }
        return BTFRecord(nameOffset: try u32(position), kind: kind, vlen: vlen, sizeOrType: try u32(position + 8),
                         kindFlag: info >> 31 == 1, dataStart: position + 12, end: end)
    }

    /// The NUL-terminated string at `offset` in the string section.
    func string(_ offset: UInt32) throws(DescriptionError) -> String {
        let start = stringsStart + Int(offset)
        guard start < stringsEnd else { throw .malformed("string offset \(offset) is past the string section") }
        var end = start
        while end < stringsEnd, bytes[end] != 0 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Compares without making a String: the walk visits every type of vmlinux (100k+).
    func name(_ offset: UInt32, equals target: StaticString) -> Bool {
        let start = stringsStart + Int(offset), count = target.utf8CodeUnitCount
        guard start + count < stringsEnd, bytes[start + count] == 0 else { return false }
        let expected = UnsafeBufferPointer(start: target.utf8Start, count: count)
        for i in 0..<count where bytes[start + i] != expected[i] { return false }
        return true
    }
}

/// What tracefs says about skb:kfree_skb: where `reason` sits in the trace record, and its names.
public struct KfreeSkbFormat: Equatable, Sendable {
    /// The tracepoint id from the "ID:" line (also in the `id` file beside `format`).
    public var id: UInt64?
    public var reasonOffset: Int
    public var reasonSize: Int
    /// From __print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" }, ...); nil when the list is absent
    /// or not numeric (a kernel that did not evaluate the enum names).
    public var names: DropReasonNames?
}

/// Parses events/skb/kfree_skb/format. Pure: bytes in, a typed value or a DescriptionError out.
enum TracepointFormatParser {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) -> KfreeSkbFormat {
        let text = String(decoding: bytes, as: UTF8.self)
        var id: UInt64?
        var field: (offset: Int, size: Int)?
        var printFormat: Substring?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("ID:") {
                id = UInt64(trimmed.dropFirst(3).trimmingBlanks())
            } else if trimmed.hasPrefix("field:"), let parsed = try reasonField(trimmed) {
                field = parsed
            } else if trimmed.hasPrefix("print fmt:") {
                printFormat = trimmed
            }
        }
        guard text.contains("format:") else { throw .malformed("no \"format:\" section") }
        guard let field else { throw .noReasonField("skb:kfree_skb has no field named reason") }
        let names = printFormat.flatMap(symbolicNames)
        return KfreeSkbFormat(id: id, reasonOffset: field.offset, reasonSize: field.size, names: names)
    }

    /// The offset and size of a `field:` line when it declares `reason`; nil for other fields.
    private static func reasonField(_ line: Substring) throws(DescriptionError) -> (offset: Int, size: Int)? {
        let parts = line.split(separator: ";").map { $0.trimmingBlanks() }
        guard let declaration = parts.first?.dropFirst("field:".count),
              declaration.split(separator: " ").last == "reason" else { return nil }
        var offset: Int?, size: Int?
        for part in parts.dropFirst() {
            if part.hasPrefix("offset:") { offset = Int(part.dropFirst("offset:".count)) }
            if part.hasPrefix("size:") { size = Int(part.dropFirst("size:".count)) }
        }
        guard let offset, let size, offset >= 0, offset < 4096, [1, 2, 4, 8].contains(size), offset % size == 0 else {
            throw .malformed("the reason field has no usable offset and size: \(line)")
        }
        return (offset, size)
    }

    /// The { number, "NAME" } pairs of __print_symbolic(REC->reason, ...), or nil when there are none.
    static func symbolicNames(_ printFormat: Substring) -> DropReasonNames? {
        guard let start = printFormat.firstRange(of: "__print_symbolic(REC->reason") else { return nil }
        var rest = printFormat[start.upperBound...]
        var entries: [(value: UInt64, name: String)] = []
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == ")" }), rest[open] == "{" {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let pair = rest[rest.index(after: open)..<close].split(separator: ",", maxSplits: 1)
            rest = rest[rest.index(after: close)...]
            guard pair.count == 2, let value = parseNumber(pair[0].trimmingBlanks()) else { continue }
            let quoted = pair[1].trimmingBlanks()
            guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else { continue }
            entries.append((value, String(quoted.dropFirst().dropLast())))
        }
        return entries.isEmpty ? nil : DropReasonNames(entries: entries)
    }

    /// Decimal or 0x-prefixed hexadecimal.
    private static func parseNumber(_ text: Substring) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingBlanks() -> Substring {
        var trimmed = self
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
        return trimmed
    }
}

// libFuzzer harness for everything droptop reads from outside: each /proc parser, names, the
// recording reader, and the path from two samples through Report and triage to every front end.
// Not part of the package graph (it has no main; libFuzzer provides it). Build and run with
// Fuzz/run.sh; FUZZ_TARGET picks the target.
#if canImport(Glibc)
import Glibc
#endif
@testable import DropTopCore
import DropTopTUI

enum Target: String, CaseIterable {
    case netdev, snmp, snmp6, interrupts, softirqs, softnet, sockets, sockdiag, sockstat, values, names, recording, samples
    case stattables, rtnetlink, btf, tracefs
}

let target: Target = {
    guard let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let t = Target(rawValue: name) else {
        let names = Target.allCases.map(\.rawValue).joined(separator: " ")
        fputs("set FUZZ_TARGET to one of: \(names)\n", stderr)
        exit(2)
    }
    return t
}()

/// The sample lines of Tests/Fixtures/recordings/server64.jsonl: the `samples` target replaces
/// their numbers with values from the fuzz input.
let templates: [UInt8] = {
    guard target == .samples else { return [] }
    let path = getenv("FUZZ_TEMPLATE").map { String(cString: $0) } ?? "Tests/Fixtures/recordings/server64.jsonl"
    var bytes: [UInt8] = []
    if let file = fopen(path, "r") {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        fclose(file)
    }
    guard let headerEnd = bytes.firstIndex(of: 0x0A), (try? RecordingReader(bytes: bytes))?.samples.count ?? 0 >= 2 else {
        fputs("cannot read the template recording \(path)\n", stderr)
        exit(2)
    }
    return Array(bytes[(headerEnd + 1)...])
}()

/// Replaces numbers in a JSON text with ones taken from `input`. For each number one byte
/// decides: under 0xC0 the number stays; otherwise the next 8 bytes become a raw 64-bit
/// counter, a value near 2^64 or near a 32-bit wrap, a negative, any double, or a small value.
/// Decoding then accepts what fits each field's type.
func substituteNumbers(_ json: ArraySlice<UInt8>, from input: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(json.count)
    var at = json.startIndex, next = input.startIndex, inString = false, escaped = false
    func take() -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 where next < input.endIndex { v = v << 8 | UInt64(input[next]); next += 1 }
        return v
    }
    while at < json.endIndex {
        let b = json[at]
        if inString {
            out.append(b)
            if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
            at += 1
        } else if b == 0x22 {
            inString = true; out.append(b); at += 1
        } else if b == 0x2D || (0x30...0x39).contains(b) {
            var end = at + 1
            while end < json.endIndex, "0123456789.eE+-".utf8.contains(json[end]) { end += 1 }
            let selector = next < input.endIndex ? input[next] : 0
            if next < input.endIndex { next += 1 }
            if selector < 0xC0 {
                out += json[at..<end]
            } else {
                let raw = take()
                let text: String
                switch selector & 7 {
                case 0: text = String(raw)                                       // any counter
                case 1: text = String(UInt64.max - (raw & 0xFFFF))               // near 2^64
                case 2: text = "-" + String(raw >> 1)                            // negative
                case 3: let d = Double(bitPattern: raw); text = d.isFinite ? String(d) : "1e308"
                case 4: text = String(UInt64(UInt32.max) - (raw & 0xFFFF))       // near a 32-bit wrap
                case 5: text = "0"
                default: text = String(raw & 0xFFFF)                             // small
                }
                out += Array(text.utf8)
            }
            at = end
        } else {
            out.append(b); at += 1
        }
    }
    return out
}

func render(_ reports: [Report]) {
    var history = History()
    var text = TextReport(groups: ColumnGroup.batchGroups)
    for r in reports {
        history.append(r)
        _ = JSONReport.document(r).serialized(pretty: true)
        _ = PrometheusReport.text(r)
        _ = text.render(r)
    }
    _ = text.averages()
    var state = ViewState()
    for size in [(120, 40), (80, 24), (64, 18)] {
        _ = ScreenRenderer.render(history: history, state: state, width: size.0, height: size.1)
    }
    state.showIRQRows = true
    for pane in PaneID.allCases {
        state.zoomed = pane
        _ = ScreenRenderer.render(history: history, state: state, width: 120, height: 40)
    }
}

func analyse(_ samples: [Sample]) {
    let engine = TriageEngine()
    var reports: [Report] = []
    var previous: Sample?
    for s in samples {
        var r = Report(previous: previous, current: s)
        r.findings = engine.evaluate(r)
        reports.append(r)
        previous = s
    }
    render(reports)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case .netdev: _ = try? NetDevParser.parse(bytes)
    case .snmp: _ = try? SNMPParser.parsePairs(bytes)
    case .snmp6: _ = try? SNMPParser.parseSNMP6(bytes)
    case .interrupts:
        if let table = try? InterruptsParser.parse(bytes) {
            let devices = [InterfaceDevice(interface: "eth0", deviceName: "0000:00:03.0", msiIRQs: ["24", "25"])]
            for row in table.rows { _ = NetworkIRQMatcher.interface(for: row, devices: devices) }
        }
    case .softirqs: _ = try? SoftIRQsParser.parse(bytes)
    case .softnet:
        _ = try? SoftnetParser.parse(bytes)
        _ = try? SoftnetParser.parse(bytes, onlineCPUs: [0, 2, 3])
    case .sockets:
        var tcp = TCPAggregator(peerCapacity: 4)
        _ = try? SocketTableParser.forEachRow(bytes, hasDrops: false) { tcp.add($0) }
        _ = tcp.summary(top: 10)
        _ = try? SocketTableParser.forEachRow(bytes, hasDrops: true) { _ in }
    case .sockdiag:
        var tcp = TCPAggregator(peerCapacity: 4)
        try? SockDiagParser.forEachMessage(bytes) { if case .socket(let row) = $0 { tcp.add(row) } }
        _ = tcp.summary(top: 10)
        var udp = UDPAggregator()
        try? SockDiagParser.forEachUDPSocket(bytes) { udp.add($0, memory: $1) }
        _ = udp.summary()
    case .sockstat: _ = try? SockStatParser.parse(bytes)
    case .values:
        _ = ValueFileParser.text(bytes)
        _ = try? ValueFileParser.integer(bytes)
        _ = try? LinkFactParser.word(bytes, allowed: LinkFactParser.operstates, what: "an operstate")
        _ = try? LinkFactParser.speed(bytes)
        _ = try? LinkFactParser.mtu(bytes)
        _ = try? LinkFactParser.counter(bytes)
        _ = CPUList.parse(ValueFileParser.text(bytes))
        _ = InterfaceGlob.matches(ValueFileParser.text(bytes), any: ["eth*", "*[0-9]", "?x"])
        _ = try? BatchGroups.parse(ValueFileParser.text(bytes))
    case .names:
        _ = DisplayName.escaped(Array(bytes))
    case .stattables:
        _ = try? PerCPUStatParser.parse(bytes)
        _ = try? ConntrackCountParser.parse(count: bytes, max: bytes)
    case .rtnetlink: try? RtnetlinkParser.forEachMessage(bytes) { _ in }
    case .btf: _ = try? BTFParser.kfreeSkb(bytes)
    case .tracefs: _ = try? TracepointFormatParser.parse(bytes)
    case .recording:
        if let reader = try? RecordingReader(bytes: Array(bytes)) { analyse(reader.samples) }
    case .samples:
        // The first half of the input edits the first sample, the second half the second.
        let lines = templates.split(separator: 0x0A)
        guard lines.count >= 2 else { return 0 }
        let half = bytes.count / 2
        var recording = Array("{\"format\":\"droptop.recording/1\"}\n".utf8)
        recording += substituteNumbers(lines[0], from: bytes[0..<half]) + [0x0A]
        recording += substituteNumbers(lines[1], from: bytes[half...]) + [0x0A]
        if let reader = try? RecordingReader(bytes: recording) { analyse(reader.samples) }
    }
    return 0
}

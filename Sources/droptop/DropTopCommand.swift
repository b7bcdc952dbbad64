#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import DropTopCore
import DropTopTUI

/// The command line. Wiring only: everything it prints comes from DropTopCore.
struct DropTopCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "droptop",
        abstract: "Linux network triage: throughput, drops, per-CPU IRQs and softnet, TCP/UDP health, in one screen.",
        discussion: """
        Reads /proc and /sys only; no root needed.
        Modes: the terminal UI (default; h for help), --once (one JSON or Prometheus snapshot),
        --batch (sar-style text, e.g. droptop -b 1 5), --json (JSON Lines, one snapshot per interval).
        --record FILE appends raw samples in any mode; --replay FILE reads them instead of /proc.
        Exit status: 0 success, 1 nothing at all could be read, 2 bad command-line use or no usable terminal,
        3 with --fail-on when a finding of that severity or worse holds.
        """,
        version: version)

    @Flag(name: .long, help: "Take two samples --interval seconds apart, print one JSON snapshot (docs/json.md) and exit.")
    var once = false

    @Option(name: [.short, .long], help: ArgumentHelp("Seconds between samples (0 with --once: one sample, every rate null).", valueName: "seconds"))
    var interval: Double = 1

    @Flag(name: .long, help: "With --once: print the JSON on one line instead of indented.")
    var compact = false

    @Option(name: .long, help: ArgumentHelp("With --once: json (default) or prometheus (text exposition format).", valueName: "format"))
    var format: SnapshotFormat = .json

    @Option(name: .long, help: ArgumentHelp("With --once: exit 3 when a triage finding of this severity or worse holds (warning or critical).", valueName: "severity"))
    var failOn: FailOn?

    @Flag(name: [.short, .long], help: "Batch mode: sar-style text reports every --interval seconds, --count times, then Average: blocks.")
    var batch = false

    @Flag(name: .long, help: "JSON Lines: one snapshot (the --once schema) per interval, --count times or until stopped.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Batch and --json: stop after this many reports (default: run until stopped).", valueName: "n"))
    var count: Int?

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Batch groups, comma-separated: DEV, EDEV, TCP, ETCP, UDP, IP, EIP, SOCK, SOFT, IRQ or ALL (default DEV,EDEV,SOFT,SOCK,TCP,ETCP).", valueName: "groups"))
    var groups: String?

    @Option(name: .long, help: ArgumentHelp("Append every raw sample to this JSON Lines recording (UI, batch and --json).", valueName: "file"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("Replay a recording instead of reading /proc and /sys, in any mode.", valueName: "file"))
    var replay: String?

    @Argument(help: ArgumentHelp("With --batch, sar's habit: [interval [count]], e.g. droptop -b 1 5.", valueName: "interval count"))
    var positional: [String] = []

    @Flag(name: .long, help: "Do not count the kernel's drop reasons (a BPF program on skb:kfree_skb, loaded as root).")
    var noDropReasons = false

    @Flag(name: .long, help: "Terminal UI: no colors, attributes (bold, reverse) only. Also when NO_COLOR is set.")
    var noColor = false

    @Flag(name: .long, help: "Terminal UI: ASCII boxes, bars and sparklines (default when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .long, help: ArgumentHelp("Show only interfaces matching these globs, comma-separated (e.g. 'eth*,bond0').", valueName: "globs"))
    var iface: String?

    @Option(name: .long, help: ArgumentHelp("Read proc files from this directory instead of /proc (a captured tree).", valueName: "dir"))
    var proc: String = "/proc"

    @Option(name: .long, help: ArgumentHelp("Read sys files from this directory instead of /sys.", valueName: "dir"))
    var sys: String = "/sys"

    @Option(name: .long, help: ArgumentHelp("Look at this network namespace: a name under /run/netns, a PID or a path (needs root).",
                                            valueName: "ns"))
    var netns: String?

    @Flag(name: .long, help: "UI (pane 8), --once, --json: also every other network namespace, named by pod, container or process.")
    var allNetns = false

    var interfaceGlobs: [String] { iface.map { $0.split(separator: ",").map(String.init) } ?? [] }

    /// --interval, or the first positional number in batch mode.
    var effectiveInterval: Double { positional.first.flatMap(Double.init) ?? interval }
    var effectiveCount: Int? { positional.count > 1 ? Int(positional[1]) : count }

    func validate() throws {
        if !positional.isEmpty {
            guard batch || json else { throw ValidationError("unexpected argument \(positional[0]) (interval and count go after --batch)") }
            guard positional.count <= 2, let i = Double(positional[0]), i.isFinite, i > 0 else {
                throw ValidationError("batch arguments are [interval [count]], e.g. droptop -b 1 5")
            }
            _ = i
            if positional.count == 2, (Int(positional[1]) ?? 0) < 1 { throw ValidationError("count must be a whole number, 1 or more") }
        }
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if [once, batch, json].filter({ $0 }).count > 1 { throw ValidationError("choose one of --once, --batch and --json") }
        if format != .json && !once { throw ValidationError("--format applies to --once") }
        if failOn != nil && !once { throw ValidationError("--fail-on applies to --once") }
        if let groups {
            do { _ = try BatchGroups.parse(groups) } catch { throw ValidationError("--groups: \(error.message)") }
        }
        if replay != nil && record != nil { throw ValidationError("--record and --replay cannot be used together") }
        let interval = effectiveInterval
        guard interval.isFinite, interval >= 0 else {
            throw ValidationError("--interval must be a number of seconds, 0 or more (got \(interval))")
        }
        guard once || interval == 1 || interval >= KeyHandler.minimumInterval else {
            throw ValidationError("--interval must be at least \(KeyHandler.minimumInterval) seconds except with --once")
        }
        guard interval <= 3600 else { throw ValidationError("--interval must be at most 3600 seconds") }
        try validateNamespaceOptions()
        for (flag, path) in [("--proc", proc), ("--sys", sys)] {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw ValidationError("\(flag) \(path): not a directory")
            }
        }
    }

    func run() throws {
        try enterNamespace()
        let replayed = try replayedSamples()
        let recorder = try recorder()
        if batch || json {
            let pipeline = Pipeline(replayed.map { ReplaySampleSource($0) } ?? LiveSampleSource(liveSampler()))
            if batch {
                var text = TextReport(groups: groups.flatMap { try? BatchGroups.parse($0) } ?? BatchGroups.defaults)
                var bannerDone = false
                let status = runStream(pipeline: pipeline, interval: effectiveInterval, count: effectiveCount, recorder: recorder,
                                       render: { report in
                                           let banner = bannerDone ? "" : TextReport.banner(report.sample)
                                           bannerDone = true
                                           return banner + text.render(report)
                                       }, finish: { text.averages() })
                throw ExitCode(status)
            }
            let status = runStream(pipeline: pipeline, interval: effectiveInterval, count: effectiveCount, recorder: recorder,
                                   render: { JSONReport.document($0).serialized() + "\n" }, finish: { "" })
            throw ExitCode(status)
        }
        guard once else { throw ExitCode(runTerminalUI(replay: replayed, recorder: recorder)) }
        // The same pipeline as every mode: two samples --interval apart (one with -i 0), or the
        // first two of a recording.
        let pipeline = Pipeline(replayed.map { ReplaySampleSource($0) } ?? LiveSampleSource(liveSampler()))
        guard var report = pipeline.next() else { throw ExitCode(1) }
        try record(report.sample, recorder)
        if replayed != nil || interval > 0 {
            if replayed == nil { sleepSeconds(interval) }
            if let second = pipeline.next() {
                try record(second.sample, recorder)
                report = second
            }
        }
        guard report.sample.hasAnyData else {
            writeError("droptop: nothing could be read under \(proc) and \(sys)")
            for e in report.sample.errors { writeError("  \(e.source): \(e.message)") }
            throw ExitCode(1)
        }
        if format == .prometheus {
            print(PrometheusReport.text(report), terminator: "")
        } else {
            print(JSONReport.document(report).serialized(pretty: !compact))
        }
        // --fail-on: exit 3 when a finding of that severity or worse holds, for scripts and cron.
        if let failOn, report.findings.contains(where: { $0.severity >= failOn.severity }) { throw ExitCode(3) }
    }
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case info, warning, critical
    var severity: Severity { Severity(name: rawValue) ?? .critical }
}

enum SnapshotFormat: String, ExpressibleByArgument, CaseIterable {
    case json, prometheus
}

extension DropTopCommand {
    func liveSampler() -> Sampler {
        let sampler = Sampler(procRoot: proc, sysRoot: sys)
        sampler.interfaceGlobs = interfaceGlobs
        configureNamespaces(sampler)
        // The BPF counter sees the live kernel: not for a captured tree.
        if proc == "/proc" && !noDropReasons { sampler.dropReasons = DropReasonReader() }
        return sampler
    }

    /// The recording's samples (filtered by --iface), or nil when not replaying. A bad line
    /// ends the replay there, with a message; an unreadable or foreign file is an error (exit 1).
    func replayedSamples() throws -> [Sample]? {
        guard let replay else { return nil }
        do {
            let reader = try RecordingReader(path: replay)
            if let problem = reader.problem { writeError("droptop: \(replay): \(problem)") }
            let globs = interfaceGlobs
            return reader.samples.map { s in
                var s = s
                s.interfaces = s.interfaces.filter { InterfaceGlob.matches($0.name, any: globs) }
                return s
            }
        } catch {
            writeError("droptop: \(error.source): \(error.message)")
            throw ExitCode(1)
        }
    }

    func recorder() throws -> RecordingWriter? {
        guard let record else { return nil }
        do { return try RecordingWriter(path: record) } catch {
            writeError("droptop: \(error.source): \(error.message)")
            throw ExitCode(2)
        }
    }

    /// --once --record: a sample that cannot be recorded (disk full) is an error (exit 1).
    func record(_ sample: Sample, _ recorder: RecordingWriter?) throws {
        do { try recorder?.append(sample) } catch {
            writeError("droptop: \(error.source): \(error.message)")
            throw ExitCode(1)
        }
    }

    func runTerminalUI(replay: [Sample]? = nil, recorder: RecordingWriter? = nil) -> Int32 {
        setlocale(LC_ALL, "")
        var state = ViewState()
        state.interval = max(KeyHandler.minimumInterval, effectiveInterval)
        let noColorEnv = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        state.useColor = !noColor && noColorEnv.isEmpty
        state.glyphs = ascii || !Screen.localeIsUTF8() ? .ascii : .unicode
        state.interfaceGlobs = interfaceGlobs
        let sampler = liveSampler()
        // The live view may spend 0.2 % of a core on the socket tables (see Sampler).
        sampler.socketTableBudget = 0.002
        let app = App(sampler: sampler, state: state)
        app.replay = replay
        app.recorder = recorder.map { r in { sample in try? r.append(sample) } }
        return app.run()
    }
}

func writeError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        offset += n
    }
}

func sleepSeconds(_ seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

@main
enum Main {
    static func main() {
        replaceRuntimeCrashHandlers()   // before anything can crash or Ctrl-\ arrive
        do {
            var command = try DropTopCommand.parseAsRoot()
            try command.run()
        } catch {
            // Bad command-line use exits 2 (not ArgumentParser's 64), as documented.
            if DropTopCommand.exitCode(for: error) == .validationFailure {
                writeError("droptop: " + DropTopCommand.message(for: error))
                writeError("Usage: droptop [--once] [-i <seconds>] [--iface <globs>] [--proc <dir>] [--sys <dir>] (see droptop --help)")
                exit(2)
            }
            DropTopCommand.exit(withError: error)
        }
    }
}

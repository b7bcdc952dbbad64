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
    /// The shares of one core the live modes may spend walking every TCP socket (per-peer tables)
    /// and reading the transient TCP states (a dump filtered by state), see SocketTiers.
    static let socketTableBudget = 0.001
    static let socketStatesBudget = 0.002

    static let configuration = CommandConfiguration(
        commandName: "droptop",
        abstract: "Linux network triage: throughput, drops, per-CPU IRQs and softnet, TCP/UDP health, in one screen.",
        discussion: """
        Reads /proc and /sys only; no root needed.
        Modes: the terminal UI (default; h for help), --once (one JSON or Prometheus snapshot),
        --batch (sar-style text, e.g. droptop -b 1 5), --json (JSON Lines, one snapshot per interval).
        --record FILE appends raw samples in any mode; --replay FILE reads them instead of /proc.
        Fleet: --listen ADDR:PORT serves Prometheus metrics on /metrics, --textfile DIR writes DIR/droptop.prom for
        node_exporter; both sample every --interval without a terminal, together or alone, and run until SIGINT/SIGTERM.
        Exit status: 0 success, 1 nothing at all could be read, 2 bad command-line use or no usable terminal,
        3 with --fail-on when a finding of that severity or worse holds.
        """,
        version: version)

    @Flag(name: .long, help: "Take two samples --interval seconds apart, print one JSON snapshot (docs/json.md) and exit.")
    var once = false

    @Option(name: [.short, .long],
            help: ArgumentHelp("Seconds between samples (0 with --once: one sample, every rate null).", valueName: "seconds"))
    var interval: Double = 1

    @Flag(name: .long, help: "With --once: print the JSON on one line instead of indented.")
    var compact = false

    @Option(name: .long, help: ArgumentHelp("With --once: json (default) or prometheus (text exposition format).", valueName: "format"))
    var format: SnapshotFormat = .json

    @Option(name: .long, help: ArgumentHelp(
        "With --once: exit 3 when a triage finding of this severity or worse holds (warning or critical).", valueName: "severity"))
    var failOn: FailOn?

    @Flag(name: [.short, .long], help: "Batch mode: sar-style text reports every --interval seconds, --count times, then Average: blocks.")
    var batch = false

    @Flag(name: .long, help: "JSON Lines: one snapshot (the --once schema) per interval, --count times or until stopped.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Batch and --json: stop after this many reports (default: run until stopped).", valueName: "n"))
    var count: Int?

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp(
        "Batch groups, comma-separated: \(ColumnGroup.batchGroups.map(\.name).joined(separator: ", ")) or ALL "
            + "(default \(BatchGroups.defaults.map(\.name).joined(separator: ","))).", valueName: "groups"))
    var groups: String?

    @Option(name: .long,
            help: ArgumentHelp("Append every raw sample to this JSON Lines recording (every mode but --once -i 0).",
                               valueName: "file"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("Replay a recording instead of reading /proc and /sys, in any mode.", valueName: "file"))
    var replay: String?

    @Argument(help: ArgumentHelp("Batch mode, sar's habit: [interval [count]], e.g. droptop 1 5 (like sar -n DEV 1 5) or droptop -b 1 5.",
                                 valueName: "interval count"))
    var positional: [String] = []

    @Option(name: [.customShort("P"), .customLong("cpus")],
            help: ArgumentHelp("Batch SOFT and IRQ groups, as sar -P: ALL (the all row and every CPU) or CPUs such as 0,3 "
                               + "or 0-7; default: the all row only.", valueName: "cpus"))
    var cpuList: String?

    @Flag(name: .long, help: "Do not count the kernel's drop reasons (a BPF program on skb:kfree_skb, loaded as root).")
    var noDropReasons = false

    @Flag(name: .long, help: ArgumentHelp("Do not keep the TCP states live from the kernel's state changes (a BPF "
                                          + "program on sock:inet_sock_set_state, loaded as root); a dump filtered by state reads them."))
    var noLiveStates = false

    @Flag(name: .long, help: "Terminal UI: no colors, attributes (bold, reverse) only. Also when NO_COLOR is set.")
    var noColor = false

    @Flag(name: .long, help: "Terminal UI: ASCII boxes, bars and sparklines (default when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .long,
            help: ArgumentHelp("Show only interfaces matching these globs, comma-separated (e.g. 'eth*,bond0').", valueName: "globs"))
    var iface: String?

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9417, [::1]:9417, :9417; "
                                            + "port 0 picks a free one), sampling every --interval. Not with --once, --batch or --json.",
                                            valueName: "addr:port"))
    var listen: ListenAddress?

    @Option(name: .long, help: ArgumentHelp("Every --interval, write DIR/droptop.prom (atomically) for node_exporter's textfile collector. "
                                            + "Not with --once, --batch or --json.", valueName: "dir"))
    var textfile: String?

    @Option(name: .long, help: ArgumentHelp("Read proc files from this directory instead of /proc (a captured tree).", valueName: "dir"))
    var proc: String = "/proc"

    @Option(name: .long, help: ArgumentHelp("Read sys files from this directory instead of /sys.", valueName: "dir"))
    var sys: String = "/sys"

    @Option(name: .long, help: ArgumentHelp("Look at this network namespace: a name under /run/netns, a PID or a path (needs root).",
                                            valueName: "ns"))
    var netns: String?

    @Flag(name: .long, help: ArgumentHelp("Also every other network namespace, named by pod, container or process: pane 8, "
                                          + "JSON namespaces, batch NETNS group, Prometheus series labelled netns. Live only."))
    var allNetns = false

    var interfaceGlobs: [String] { iface.map { $0.split(separator: ",").map(String.init) } ?? [] }

    /// Batch when asked with -b, or when an interval is given as sar takes it (droptop 1 3).
    var mode: Mode {
        if once { return .once }
        if json { return .json }
        if batch || !positional.isEmpty { return .batch }
        return listen != nil || textfile != nil ? .fleet : .ui
    }

    /// --interval, or the first positional number in batch mode.
    var effectiveInterval: Double { positional.first.flatMap(Double.init) ?? interval }
    var effectiveCount: Int? { positional.count > 1 ? Int(positional[1]) : count }

    func run() throws {
        try enterNamespace()
        let replayed = try replayedSamples()
        let recorder = try recorder()
        if mode == .fleet { throw ExitCode(try runFleet(replayed: replayed, recorder: recorder)) }
        if mode == .batch || mode == .json {
            let batchGroups = groups.flatMap { try? BatchGroups.parse($0) } ?? BatchGroups.defaults + (allNetns ? [.netns] : [])
            // Batch text prints its groups only; JSON carries everything, findings included.
            let needs = mode == .batch ? SampleNeeds(groups: batchGroups) : .all
            let live = { LiveSampleSource(liveSampler(needs, streaming: true)) }
            let pipeline = Pipeline(replayed.map { ReplaySampleSource($0) } ?? live())
            if mode == .batch {
                var text = TextReport(groups: batchGroups)
                text.cpus = cpuList.flatMap { try? CPUSelection.parse($0) } ?? .allRowOnly
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
        pipeline.socketOwnerBudget = 0.25
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
            for e in report.sample.errors { writeError("  \(triedPath(e.source)): \(e.message)") }
            throw ExitCode(1)
        }
        // A reader that goes away (droptop --once | head -1) ends droptop quietly, status 0, as in every mode.
        signal(SIGPIPE, SIG_IGN)
        do {
            try emit(format == .prometheus ? PrometheusReport.text(report)
                     : JSONReport.document(report).serialized(pretty: !compact) + "\n")
        } catch { throw ExitCode(0) }
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
    /// `needs`: what this mode prints; `streaming`: a mode that samples again and again, whose
    /// walk of every TCP socket runs under a CPU budget (--once walks them once).
    func liveSampler(_ needs: SampleNeeds = .all, streaming: Bool = false) -> Sampler {
        let sampler = Sampler(procRoot: proc, sysRoot: sys)
        sampler.interfaceGlobs = interfaceGlobs
        sampler.needs = needs
        // The live modes may spend 0.1 % of a core on walking the socket tables and 0.2 % on the
        // transient states (see SocketTiers).
        if streaming {
            sampler.socketTableBudget = Self.socketTableBudget
            sampler.socketStatesBudget = Self.socketStatesBudget
        }
        configureNamespaces(sampler)
        // The BPF counter sees the live kernel: not for a captured tree.
        // --once -i 0 takes one sample: no interval to count drops in, so no program to load.
        if proc == "/proc" && !noDropReasons && !(once && effectiveInterval == 0) { sampler.dropReasons = DropReasonReader() }
        // Between dumps the transient TCP states follow the kernel's state changes (root): fresh every
        // sample at a cost per change, not per socket. Without the privileges the filtered dump stays.
        if streaming && needs.contains(.tcpTables) && proc == "/proc" && !noLiveStates { sampler.followTCPStateChanges() }
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

    /// An error's source ("/proc/net/dev") as the path droptop tried under --proc and --sys ("/tmp/net/dev").
    func triedPath(_ source: String) -> String {
        for (root, dir) in [("/proc", proc), ("/sys", sys)] where source == root || source.hasPrefix(root + "/") {
            return dir + source.dropFirst(root.count)
        }
        return source
    }

    /// --listen and/or --textfile: bind first (a bad address fails before any sampling).
    func runFleet(replayed: [Sample]?, recorder: RecordingWriter?) throws -> Int32 {
        var server: MetricsServer?
        if let listen {
            do { server = try MetricsServer(listeningOn: listen) } catch {
                writeError("droptop: --listen \(DisplayName.escaped(error.message))")
                throw ExitCode(1)
            }
        }
        // A daemon on a busy server: the walk of the socket tables under the live modes' CPU budget,
        // its age exported; the listeners every interval (SocketTiers).
        let sampler = liveSampler(.all, streaming: true)
        let pipeline = Pipeline(replayed.map { ReplaySampleSource($0) } ?? LiveSampleSource(sampler))
        var export = FleetExport(server: server, textfile: textfile.map(TextfileWriter.init(directory:)), recorder: recorder)
        return export.run(pipeline: pipeline, interval: effectiveInterval)
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
        state.insideNamespace = replay == nil && proc == "/proc" && NamespaceCheck.insideNetworkNamespace()
        let sampler = liveSampler(.all, streaming: true)
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
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try DropTopCommand.parseAsRoot(try ArgumentFixes.apply(arguments))
            try command.run()
        } catch {
            // Bad command-line use exits 2 (not ArgumentParser's 64), as documented, with the
            // synopsis of the mode that was asked for.
            if DropTopCommand.exitCode(for: error) == .validationFailure {
                writeError("droptop: " + DropTopCommand.message(for: error))
                writeError("Usage: \(Mode.guess(arguments).synopsis)")
                writeError("       (see droptop --help)")
                exit(2)
            }
            DropTopCommand.exit(withError: error)
        }
    }
}

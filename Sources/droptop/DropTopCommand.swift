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
        Without --once: a full-screen terminal UI refreshed every --interval seconds (h for help).
        Exit status: 0 success, 1 nothing at all could be read, 2 bad command-line use or no usable terminal.
        """,
        version: version)

    @Flag(name: .long, help: "Take two samples --interval seconds apart, print one JSON snapshot (docs/json.md) and exit.")
    var once = false

    @Option(name: [.short, .long], help: ArgumentHelp("Seconds between samples (0 with --once: one sample, every rate null).", valueName: "seconds"))
    var interval: Double = 1

    @Flag(name: .long, help: "With --once: print the JSON on one line instead of indented.")
    var compact = false

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

    var interfaceGlobs: [String] { iface.map { $0.split(separator: ",").map(String.init) } ?? [] }

    func validate() throws {
        guard interval.isFinite, interval >= 0 else {
            throw ValidationError("--interval must be a number of seconds, 0 or more (got \(interval))")
        }
        guard once || interval == 1 || interval >= KeyHandler.minimumInterval else {
            throw ValidationError("--interval must be at least \(KeyHandler.minimumInterval) seconds for the terminal UI")
        }
        guard interval <= 3600 else { throw ValidationError("--interval must be at most 3600 seconds") }
        for (flag, path) in [("--proc", proc), ("--sys", sys)] {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw ValidationError("\(flag) \(path): not a directory")
            }
        }
    }

    func run() throws {
        guard once else { throw ExitCode(runTerminalUI()) }
        let sampler = Sampler(procRoot: proc, sysRoot: sys)
        sampler.interfaceGlobs = interfaceGlobs
        let first = sampler.sample()
        var report = Report(previous: nil, current: first)
        if interval > 0 {
            sleepSeconds(interval)
            report = Report(previous: first, current: sampler.sample())
        }
        guard report.sample.hasAnyData else {
            writeError("droptop: nothing could be read under \(proc) and \(sys)")
            for e in report.sample.errors { writeError("  \(e.source): \(e.message)") }
            throw ExitCode(1)
        }
        let text = JSONReport.document(report).serialized(pretty: !compact)
        print(text)
    }
}

extension DropTopCommand {
    func runTerminalUI() -> Int32 {
        setlocale(LC_ALL, "")
        var state = ViewState()
        state.interval = max(KeyHandler.minimumInterval, interval)
        let noColorEnv = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        state.useColor = !noColor && noColorEnv.isEmpty
        state.glyphs = ascii || !Screen.localeIsUTF8() ? .ascii : .unicode
        state.interfaceGlobs = interfaceGlobs
        let sampler = Sampler(procRoot: proc, sysRoot: sys)
        sampler.interfaceGlobs = interfaceGlobs
        // The live view may spend 0.2 % of a core on the socket tables (see Sampler).
        sampler.socketTableBudget = 0.002
        return App(sampler: sampler, state: state).run()
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

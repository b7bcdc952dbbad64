import Foundation
import Testing

/// Issue 17, batch: droptop keeps the habits of sar users.
@Suite(.serialized) struct SarHabitTests {
    init() { setenv("TZ", "UTC", 1) }

    @Test func intervalAndCountWithoutDashBAreBatchLikeSar() throws {
        let bare = try droptop(["0.2", "2", "-n", "DEV"] + fixture("server64"))
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout.split(separator: "\n").filter { $0.contains(" eth0 ") }.count == 3)
        let dashB = try droptop(["-b", "0.2", "2", "-n", "DEV"] + fixture("server64"))
        #expect(dashB.status == 0 && dashB.stdout.split(separator: "\n").filter { $0.contains(" eth0 ") }.count == 3)
        let once = try droptop(["--once", "1"] + fixture("server64"))
        #expect(once.status == 2 && once.stderr.contains("--once takes no interval"))
    }

    /// sar's banner counts the CPUs even when no per-CPU figure is printed.
    @Test func theBannerCountsTheOnlineCPUsForEveryGroup() throws {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        for group in ["DEV", "SOFT"] {
            let r = try droptop(["-b", "0.2", "1", "-n", group, "--no-drop-reasons"])
            #expect(r.status == 0, "\(r.stderr)")
            let banner = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(banner.hasSuffix("(\(online) CPU)"), "-n \(group): \(banner)")
        }
    }

    @Test func ifutilPrintsZeroLikeSarWhenTheSpeedIsUnknown() throws {
        let r = try droptop(["0.2", "1", "-n", "DEV"] + fixture("server64"))
        let lo = try #require(r.stdout.split(separator: "\n").first { $0.hasSuffix(" lo") == false && $0.contains("  lo ") })
        #expect(lo.hasSuffix("0.00"), "\(lo)")
        #expect(!r.stdout.contains(" -\n") && !r.stdout.contains(" - "))
    }

    @Test func reportTimeIsTheStartOfTheIntervalOnTheHeaderAsSarPrintsIt() throws {
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let r = try droptop(["-b", "--replay", recording, "-n", "TCP,SOCK"])
        let lines = r.stdout.split(separator: "\n")
        // The interval ran from 16:00:00 to 16:00:02: the header carries its start, the rows its end.
        #expect(lines.contains { $0.hasPrefix("16:00:00") && $0.contains("active/s") })
        #expect(lines.contains { $0.hasPrefix("16:00:02") && !$0.contains("active/s") && !$0.contains("FINDING") })
        // SOCK levels and their averages are whole numbers, as sar's %9.0f.
        let header = try #require(lines.firstIndex { $0.hasPrefix("Average:") && $0.contains("totsck") })
        let sock = lines[header + 1]
        #expect(sock.split(separator: " ").count == 11 && !sock.contains("."), "\(sock)")
    }

    @Test func softHasAnAllRowAndBacklogLengthAndMinusPChoosesCPUs() throws {
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let plain = try droptop(["-b", "--replay", recording, "-n", "SOFT"]).stdout.split(separator: "\n")
        #expect(plain.contains { $0.contains("CPU") && $0.contains("blg_len") })
        let rows = plain.filter { $0.hasPrefix("16:00:02") && !$0.contains("FINDING") }
        #expect(rows.count == 1 && rows[0].contains(" all "), "\(rows)")
        let every = try droptop(["-b", "--replay", recording, "-n", "SOFT,IRQ", "-P", "ALL"]).stdout.split(separator: "\n")
        let soft = every.filter { $0.hasPrefix("16:00:02") && !$0.contains("FINDING") }
        #expect(soft.first?.contains(" all ") == true)
        #expect(soft.count == 2 * 63, "the all row and 62 CPUs, in SOFT and IRQ")
        let chosen = try droptop(["-b", "--replay", recording, "-n", "SOFT", "-P", "0,3"]).stdout.split(separator: "\n")
        let items = chosen.filter { $0.hasPrefix("16:00:02") && !$0.contains("FINDING") }
            .map { $0.split(separator: " ")[1] }
        #expect(items == ["0", "3"])
        let bad = try droptop(["-b", "-P", "x"])
        #expect(bad.status == 2 && bad.stderr.contains("-P"))
    }

    /// One table: each misplaced or conflicting option is an error naming it, with the synopsis
    /// of the mode asked for.
    @Test(arguments: [
        (["-n", "DEV", "--json"], "-n applies to batch", "droptop --json"),
        (["--compact", "-b"], "--compact applies to --once", "droptop [-b]"),
        (["-b", "1", "2", "--count", "5"], "the count is given twice", "droptop [-b]"),
        (["-b", "1", "-i", "2"], "the interval is given twice", "droptop [-b]"),
        (["--format", "prometheus"], "--format applies to --once", "droptop [-i <seconds>]"),
        (["--fail-on", "warning", "-b"], "--fail-on applies to --once", "droptop [-b]"),
        (["--once", "--count", "3"], "--count applies to batch (-b) and --json", "droptop --once"),
        (["--json", "--no-color"], "--no-color applies to the terminal UI", "droptop --json"),
        (["-P", "ALL", "--once"], "-P applies to batch", "droptop --once"),
        (["-i", "-1"], "must be positive (got -1)", "droptop [-i <seconds>]"),
        (["--count", "-1", "-b"], "--count must be positive (got -1)", "droptop [-b]"),
        (["-b", "1", "-1"], "must be positive (got -1)", "droptop [-b]"),
        (["--once", "--interval", "-0.5"], "must be positive (got -0.5)", "droptop --once"),
        (["--json", "--bogus"], "--bogus", "droptop --json"),
    ])
    func misuseIsAnErrorWithTheModesSynopsis(arguments: [String], message: String, synopsis: String) throws {
        let r = try droptop(arguments)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains("Usage: " + synopsis), "\(arguments): \(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
    }

    /// --iface means something in every mode, Prometheus included: it is honoured, not refused.
    @Test func ifaceFiltersThePrometheusSnapshot() throws {
        let r = try droptop(["--once", "-i", "0", "--format", "prometheus", "--iface", "eth0"] + fixture("server64"))
        #expect(r.status == 0)
        #expect(r.stdout.contains("device=\"eth0\"") && !r.stdout.contains("device=\"lo\""))
    }

    @Test func unreadableTreeNamesThePathsTried() throws {
        let empty = NSTemporaryDirectory() + "droptop-tried-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let r = try droptop(["--once", "-i", "0", "--proc", empty, "--sys", empty])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(empty)/net/dev:"))
        #expect(!r.stderr.contains("/proc/net/dev"))
    }

    @Test(arguments: ["--once -i 0", "--once -i 0 --format prometheus", "--json -i 0.1", "-b 0.1", "0.1"])
    func everyModeExits0WhenTheReaderGoesAway(mode: String) throws {
        let command = "set -o pipefail; \(droptopBinary) \(mode) \(fixture("server64").joined(separator: " ")) | head -c 1 >/dev/null"
        let r = try run("/bin/bash", ["-c", command], timeout: 20)
        #expect(r.status == 0, "\(mode): \(r.stderr)")
        #expect(r.stderr.isEmpty, "\(mode): \(r.stderr)")
    }
}

@Suite(.serialized, .needs(.tmux)) struct SarHabitTerminalTests {
    @Test func afterCtrlCTheAveragesStartOnTheirOwnLine() throws {
        let s = try TmuxSession(width: 120, height: 40)
        s.type("\(droptopBinary) 0.3 -n TCP \(fixture("server64").joined(separator: " ")); echo EXIT=$?")
        s.waitFor("active/s")
        usleep(400_000)
        s.key("C-c")
        let screen = s.waitFor("EXIT=0")
        let lines = screen.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("Average:") && $0.contains("active/s") }, "\(screen)")
        #expect(!lines.contains { $0.contains("^CAverage:") }, "\(screen)")
    }

    @Test func dumbTerminalIsRefusedPointingToBatch() throws {
        let s = try TmuxSession()
        s.type("TERM=dumb \(droptopBinary); echo EXIT=$?")
        let screen = s.waitFor("EXIT=2")
        #expect(screen.contains("TERM=dumb") && screen.contains("-b"), "\(screen)")
    }
}

/// The real terminal with 15-character interface names: headers and values never run together
/// and the footer keeps "h help  q quit", at 80x24, 120x40 and 200x60.
@Suite(.serialized, .needs(.tmux)) struct LongNameTerminalTests {
    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func longNamesLayOutAtEverySize(width: Int, height: Int) throws {
        let s = try TmuxSession(width: width, height: height)
        s.type("\(droptopBinary) \(fixture("longnames").joined(separator: " ")); echo EXIT=$?")
        let screen = s.waitFor("4 TCP sockets")
        #expect(screen.contains("cali0123456789a"), "\(screen)")
        #expect(screen.contains("h help  q quit"), "\(screen)")
        for glued in ["rxmcst%ifutil", "collrxdrop", "rxdroptxdrop", "txdroptxcarr", "(a read costs 2.9\n"] {
            #expect(!screen.contains(glued), "\(glued) at \(width)x\(height)")
        }
        let header = try #require(screen.split(separator: "\n").first { $0.contains("IFACE") && $0.contains("rxerr") })
        #expect(header.contains(" rxdrop") && header.contains(" rxfifo"), "\(header)")
        // Labels are faint (SGR 2), never blue (SGR 34): readable on dark and light backgrounds.
        let colors = s.capture(escapes: true)
        #expect(!colors.contains("\u{1b}[34m") && !colors.contains(";34m"), "blue in \(colors)")
        s.key("2")
        let zoomed = s.waitFor("history, one row per interval")
        if width < 120 { #expect(zoomed.contains("Left/Right]"), "\(zoomed)") }
        s.key("q")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
    }
}

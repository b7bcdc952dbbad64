import Foundation
import Testing

/// A tmux server of its own (-L) running an interactive shell, for driving the real TUI.
/// The shell is sh (dash), not bash: bash's readline puts the terminal modes back itself,
/// which would hide a droptop that left them broken.
final class TmuxSession {
    let socket = "droptop-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let name = "t"

    init(width: Int = 80, height: Int = 24) throws {
        let r = try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                          "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "TERM=xterm-256color",
                          "PS1=READY$ ", "sh"])
        guard r.status == 0 else { throw NamespaceError(message: "tmux: \(r.stderr)") }
        _ = waitFor("READY$")
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> RunResult {
        try run("/usr/bin/env", ["tmux", "-L", socket] + arguments, timeout: 10)
    }

    func type(_ text: String, enter: Bool = true) {
        _ = try? tmux(["send-keys", "-t", name, "-l", text])
        if enter { _ = try? tmux(["send-keys", "-t", name, "Enter"]) }
    }

    func key(_ key: String) { _ = try? tmux(["send-keys", "-t", name, key]) }

    func capture(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-t", name] + (escapes ? ["-e"] : [])))?.stdout ?? ""
    }

    /// Polls the screen until `text` shows (up to `seconds`); returns the last capture.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 8, absent: Bool = false) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = capture()
        while Date() < deadline {
            if screen.contains(text) != absent { return screen }
            usleep(100_000)
            screen = capture()
        }
        return screen
    }

    func resize(_ width: Int, _ height: Int) { _ = try? tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"]) }

    /// The droptop process started from the shell in the pane: the child of the pane's shell
    /// named droptop, found in /proc (no pgrep, which is not in the base set).
    func droptopPID() -> Int32? {
        guard let shell = (try? tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]))?.stdout
            .trimmingCharacters(in: .whitespacesAndNewlines),
              let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids where Int32(pid) != nil {
            // /proc/PID/stat: "pid (comm) state ppid ..."
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ") ", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            if stat.contains("(droptop)"), fields.count > 1, fields[1] == shell { return Int32(pid) }
        }
        return nil
    }

    /// After droptop ends: the prompt is back and the terminal is in cooked mode with echo.
    func expectTerminalRestored(sourceLocation: SourceLocation = #_sourceLocation) {
        type("clear; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(echo|icanon)$' | tr '\\n' ' '; echo STTY\"\"DONE")
        let screen = waitFor("STTYDONE", seconds: 5)
        #expect(screen.contains("echo icanon") || screen.contains("icanon echo"), "terminal not restored: \(screen)", sourceLocation: sourceLocation)
        #expect(!screen.contains("-echo") && !screen.contains("-icanon"), "\(screen)", sourceLocation: sourceLocation)
    }
}

@Suite(.serialized, .needs(.tmux))
struct TmuxTests {
    func start(_ session: TmuxSession, _ fixtureName: String? = "server64", extra: String = "") {
        let roots = fixtureName.map { fixture($0).joined(separator: " ") } ?? ""
        session.type("\(droptopBinary) \(roots) \(extra); echo EXIT=$?")
    }

    @Test func overviewZoomHelpQuit() throws {
        let s = try TmuxSession()
        start(s, "server64")
        var screen = s.waitFor("4 TCP sockets")
        for title in ["1 Throughput", "2 Drops & errors", "3 CPU / IRQ", "4 TCP sockets"] {
            #expect(screen.contains(title), "\(title) missing:\n\(screen)")
        }
        #expect(screen.contains("db-17"))
        #expect(screen.contains("ESTAB          44"))
        #expect(screen.contains("NO-CARRIER"))
        #expect(!screen.contains("5 Protocols"))
        s.key("2")
        screen = s.waitFor("history, one row per interval")
        #expect(screen.contains("2 Drops & errors (per second) - now"))
        s.key("h")
        screen = s.waitFor("Help: keys")
        #expect(screen.contains("q, Ctrl-C"))
        s.key("x")
        screen = s.waitFor("Help: keys", absent: true)
        s.key("0")
        screen = s.waitFor("4 TCP sockets")
        s.key("q")
        screen = s.waitFor("EXIT=0")
        #expect(screen.contains("EXIT=0"))
        s.expectTerminalRestored()
    }

    @Test func resizeRelaysOutAndRecoversFromTooSmall() throws {
        let s = try TmuxSession()
        start(s, "server64")
        s.waitFor("4 TCP sockets")
        s.resize(120, 40)
        var screen = s.waitFor("5 Protocols")
        #expect(screen.contains("5 Protocols"))
        s.resize(40, 10)
        screen = s.waitFor("terminal too small")
        #expect(screen.contains("need 64x18"))
        // A burst of resizes, then the final size must be laid out cleanly.
        for (w, h) in [(100, 30), (70, 20), (130, 45), (90, 26), (120, 40)] { s.resize(w, h) }
        screen = s.waitFor("5 Protocols")
        #expect(screen.contains("5 Protocols") && !screen.contains("terminal too small"))
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains("droptop | db-17") == true)
        s.key("q")
        s.waitFor("EXIT=0")
        s.expectTerminalRestored()
    }

    /// SIGILL is what a Swift runtime trap raises: a crash must not leave the terminal raw either.
    /// SIGQUIT must not hand the screen to the Swift runtime's crash reporter.
    @Test(arguments: [("TERM", 15), ("HUP", 1), ("ILL", 4), ("QUIT", 3)])
    func signalsRestoreTheTerminal(signal: String, number: Int) throws {
        let s = try TmuxSession()
        start(s, "server64")
        s.waitFor("4 TCP sockets")
        let pid = try #require(s.droptopPID())
        kill(pid, Int32(number))
        let screen = s.waitFor("EXIT=\(128 + number)")
        #expect(screen.contains("EXIT=\(128 + number)"), "\(screen)")
        #expect(!screen.contains("crashed") && !screen.contains("Press space"), "\(screen)")
        s.expectTerminalRestored()
    }

    @Test func ctrlBackslashQuitsAndRestoresTheTerminal() throws {
        let s = try TmuxSession()
        start(s, "server64")
        s.waitFor("4 TCP sockets")
        s.key("C-\\")
        let screen = s.waitFor("EXIT=131")
        #expect(screen.contains("EXIT=131"), "\(screen)")
        #expect(!screen.contains("crashed") && !screen.contains("Press space"), "\(screen)")
        s.expectTerminalRestored()
    }

    @Test func ctrlCQuits() throws {
        let s = try TmuxSession()
        start(s, "server64")
        s.waitFor("4 TCP sockets")
        s.key("C-c")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
        s.expectTerminalRestored()
    }

    @Test func hostileNameDoesNotReachTheTerminal() throws {
        let s = try TmuxSession()
        start(s, "oddnames")
        let screen = s.waitFor("1 Throughput")
        #expect(screen.contains("ev\\x1b[31"))
        // No red foreground (SGR 31) anywhere: the name's escape sequence was not interpreted.
        let colored = s.capture(escapes: true)
        #expect(!colored.contains("\u{1B}[31m"))
        s.key("q")
        s.waitFor("EXIT=0")
    }

    @Test func liveKernelShowsLoopback() throws {
        let s = try TmuxSession()
        start(s, nil, extra: "--interval 0.5")
        let screen = s.waitFor("│lo ")
        #expect(screen.contains("│lo "))
        #expect(screen.contains("4 TCP sockets"))
        s.key("q")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
    }

    @Test func replayInTheTerminalUI() throws {
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let s = try TmuxSession(width: 120, height: 40)
        s.type("\(droptopBinary) --replay \(recording); echo EXIT=$?")
        var screen = s.waitFor("REPLAY 2/2")
        #expect(screen.contains("db-17"))
        #expect(screen.contains("100000.00"))           // eth0 rxpck/s from the recording
        s.key(",")
        screen = s.waitFor("REPLAY 1/2")
        #expect(screen.contains("PAUSED"))
        s.key("G")
        #expect(s.waitFor("REPLAY 2/2").contains("REPLAY 2/2"))
        s.key("q")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
    }

    @Test func unknownTermIsAClearError() throws {
        let s = try TmuxSession()
        s.type("TERM=bogus-terminal \(droptopBinary); echo EXIT=$?")
        let screen = s.waitFor("EXIT=2")
        #expect(screen.contains("unknown terminal type TERM=bogus-terminal"))
        #expect(screen.contains("EXIT=2"))
        s.type("TERM= \(droptopBinary); echo UNSET=$?")
        let unset = s.waitFor("UNSET=2")
        #expect(unset.contains("TERM is not set") && unset.contains("UNSET=2"))
    }
}

@Suite struct NotATerminalTests {
    @Test func stdoutNotATerminalPointsToOnce() throws {
        let r = try droptop(fixture("server64"))
        #expect(r.status == 2)
        #expect(r.stderr.contains("not a terminal") && r.stderr.contains("--once"))
    }
}

#if canImport(Glibc)
import Glibc
#endif
import DropTopCore
import Synchronization

/// The last terminating signal received (0 = none). The handler only stores into it.
let pendingSignal = Atomic<Int32>(0)

/// The terminal settings before curses changed them, for the crash handler below.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var haveSavedTerminal = false

/// A crash (a Swift runtime trap is SIGILL or SIGTRAP) must not leave the terminal raw.
/// In a signal handler only async-signal-safe calls are allowed: put the saved settings back
/// (tcsetattr), reset attributes, show the cursor, leave the alternate screen (write), then
/// let the signal do what it would have done.
private func installCrashHandlers() {
    haveSavedTerminal = tcgetattr(STDIN_FILENO, &savedTerminal) == 0
    let handler: @convention(c) (Int32) -> Void = { signal in
        if haveSavedTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
        let reset: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
        _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
        raise(signal)   // SA_RESETHAND restored the previous disposition
    }
    for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
        sigaction(sig, &action, nil)
    }
}

private func installSignalHandlers() {
    let handler: @convention(c) (Int32) -> Void = { signal in pendingSignal.store(signal, ordering: .relaxed) }
    // A parent may have left these blocked; then they would never reach the handler (or curses).
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { sigaddset(&unblock, sig) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    // SIGQUIT (Ctrl-\) too: left to the runtime, its crash reporter would take the screen.
    catchSignals([SIGINT, SIGTERM, SIGHUP, SIGQUIT], handler: handler)
}

/// One thread owns the terminal: it samples, renders and reads keys in turn.
public final class App {
    let sampler: Sampler
    var state: ViewState
    var history = History()
    /// Samples of a recording to replay instead of sampling (--replay).
    public var replay: [Sample]?
    /// Called with every live sample (--record).
    public var recorder: ((Sample) -> Void)?

    public init(sampler: Sampler, state: ViewState) {
        self.sampler = sampler
        self.state = state
    }

    /// Replay: every report up front; `cursor` is the one shown as "now".
    private var replayReports: [Report] = []
    private var cursor = 0
    private var nextSample = 0.0
    /// Live samples on absolute deadlines (see Cadence).
    private var cadence = Cadence(interval: 1, start: 0)
    private var dirty = true
    private lazy var live = Pipeline(LiveSampleSource(sampler))

    /// Runs until q, Ctrl-C, SIGTERM, SIGHUP or SIGQUIT. Returns the exit status; for SIGTERM,
    /// SIGHUP and SIGQUIT it restores the terminal and re-raises the signal instead of returning.
    public func run() -> Int32 {
        installSignalHandlers()
        installCrashHandlers()
        let screen: Screen
        do { screen = try Screen(wantColor: state.useColor) } catch {
            var message = error.description + "\n"
            _ = message.withUTF8 { write(2, $0.baseAddress, $0.count) }
            return 2
        }
        nextSample = Sampler.monotonicNow()
        cadence = Cadence(interval: state.interval, start: nextSample)
        let live = self.live
        if let replay {
            let pipeline = Pipeline(ReplaySampleSource(replay))
            replayReports = replay.indices.compactMap { _ in pipeline.next() }
            if replayReports.isEmpty { screen.end(); return 1 }
            cursor = min(1, replayReports.count - 1)
            showReplay()
            nextSample = Sampler.monotonicNow() + state.interval
        }
        while true {
            let signal = pendingSignal.load(ordering: .relaxed)
            if signal != 0 {
                screen.end()
                if signal == SIGINT { return 0 }
                terminate(by: signal)
            }
            let now = Sampler.monotonicNow()
            if !state.paused && now >= nextSample {
                advance(live)
                nextSample = cadence.next(after: Sampler.monotonicNow())
            }
            if !state.paused && state.stepBack > 0 { state.stepBack = 0; dirty = true }
            if dirty {
                var note = replay == nil ? nil : "REPLAY \(cursor + 1)/\(replayReports.count)"
                if state.stepBack > 0 { note = "HISTORY -\(state.stepBack) (, . step, p resume)" }
                screen.draw(ScreenRenderer.render(history: history.steppedBack(state.stepBack), state: state, width: screen.width,
                                                  height: screen.height, statusNote: note))
                dirty = false
            }
            let wait = state.paused ? 500 : Int(max(0, (nextSample - Sampler.monotonicNow()) * 1000).rounded(.up))
            guard let key = screen.readKey(timeoutMilliseconds: min(wait, 500)) else { continue }
            if !handle(KeyHandler.apply(key, to: &state, pageSize: max(1, screen.height - 8))) {
                screen.end()
                return 0
            }
        }
    }

    /// The next report: a new live sample, or the recording's next one (pausing at its end).
    private func advance(_ live: Pipeline) {
        if replay != nil {
            if cursor + 1 < replayReports.count { cursor += 1; showReplay() } else { state.paused = true }
        } else if let report = live.next() {
            recorder?(report.sample)
            history.append(report)
        }
        dirty = true
    }

    /// Live: move through the reports in memory (the newest is 0 steps back).
    private func stepLive(_ action: KeyAction) {
        let oldest = max(0, history.reports.count - 1)
        switch action {
        case .stepBack: state.stepBack = min(oldest, state.stepBack + 1)
        case .stepForward: state.stepBack = max(0, state.stepBack - 1)
        case .jumpStart: state.stepBack = oldest
        default: state.stepBack = 0
        }
        dirty = true
    }

    private func showReplay() {
        history = History()
        for r in replayReports[max(0, cursor - history.capacity + 1)...cursor] { history.append(r) }
        dirty = true
    }

    /// What a key asked for beyond the view state; false to quit.
    private func handle(_ action: KeyAction) -> Bool {
        switch action {
        case .quit: return false
        case .intervalChanged:
            let now = Sampler.monotonicNow()
            cadence = Cadence(interval: state.interval, start: now)
            nextSample = min(nextSample, now + state.interval)
            dirty = true
        case .redraw: dirty = true
        case .none: break
        case .dismissEnded:
            state.dismissedBefore = history.latest?.sample.wallSeconds ?? 0
            live.incidents.dismissEnded()
            dirty = true
        case .readSocketsNow:
            sampler.readSocketTablesNow()
            nextSample = Sampler.monotonicNow()
        case .stepForward, .stepBack, .jumpStart, .jumpEnd:
            guard !replayReports.isEmpty else { stepLive(action); break }
            switch action {
            case .stepForward: cursor = min(replayReports.count - 1, cursor + 1)
            case .stepBack: cursor = max(0, cursor - 1)
            case .jumpStart: cursor = 0
            default: cursor = replayReports.count - 1
            }
            showReplay()
        }
        return true
    }
}

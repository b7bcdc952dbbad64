#if canImport(Glibc)
import Glibc
#endif

/// Routes each of `signals` to `handler`, except those the parent left ignored: `nohup` ignores
/// SIGHUP and shells start background jobs with SIGINT ignored, on purpose, so that keys meant
/// for the shell do not stop them. Returns the signals left ignored.
@discardableResult
public func catchSignals(_ signals: [Int32], handler: @convention(c) (Int32) -> Void) -> [Int32] {
    var leftIgnored: [Int32] = []
    for sig in signals {
        var current = sigaction()
        if sigaction(sig, nil, &current) == 0, let installed = current.__sigaction_handler.sa_handler,
           unsafeBitCast(installed, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
            leftIgnored.append(sig)
            continue
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(sig, &action, nil)
    }
    return leftIgnored
}

/// The signals the Swift runtime's crash catcher installs itself on when the program starts
/// (docs/Backtracing.rst in the Swift repository). It can only be turned off through the
/// SWIFT_BACKTRACE environment variable, read before main, so droptop replaces its handlers.
public let runtimeCrashSignals: [Int32] = [SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGBUS, SIGSEGV]

/// Takes every signal of `runtimeCrashSignals` away from the runtime's backtracer, in every
/// mode: on a terminal it would take the screen ("Press space to interact") and hold the
/// process for 30 s. A crash then ends droptop as the kernel would; SIGQUIT (Ctrl-\) ends it
/// like SIGTERM, without a core dump. A front end may install its own handlers afterwards.
public func replaceRuntimeCrashHandlers() {
    let crash: @convention(c) (Int32) -> Void = { sig in
        // SA_RESETHAND put the default back: a fault happens again on return, a raised signal is
        // delivered on return (it is blocked while this runs).
        raise(sig)
    }
    for sig in runtimeCrashSignals where sig != SIGQUIT {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = crash
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
        sigaction(sig, &action, nil)
    }
    // A shell starts background jobs with SIGQUIT ignored; that stays (catchSignals).
    catchSignals([SIGQUIT]) { sig in terminate(by: sig) }
}

/// Ends the process by `sig` with its default action, as the parent expects (status 128+sig),
/// without the core dump SIGQUIT's default action would write. Async-signal-safe.
public func terminate(by sig: Int32) -> Never {
    if sig == SIGQUIT {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
    }
    signal(sig, SIG_DFL)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, sig)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    raise(sig)
    _exit(128 + sig)
}

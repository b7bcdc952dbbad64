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

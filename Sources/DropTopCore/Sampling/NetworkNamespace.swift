#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("setns") private func c_setns(_ fd: Int32, _ nstype: Int32) -> Int32

/// Runs work inside another network namespace without moving the process: a dedicated thread
/// joins the namespace (setns affects only the calling thread), runs the body, and ends, so no
/// other thread ever sees the switch. Sockets opened in the body stay in that namespace.
public enum NetworkNamespace {
    static let cloneNewNet: Int32 = 0x4000_0000

    /// `path` names the namespace: /run/netns/NAME (ip netns) or /proc/PID/ns/net.
    public static func run<T: Sendable>(in path: String, _ body: @escaping @Sendable () -> T) throws(ParseError) -> T {
        let slot = Slot<T>()
        if let failure = runOnThread(path: path, { slot.value = body() }) { throw ParseError(failure) }
        guard let value = slot.value else { throw ParseError("the namespace thread returned nothing") }
        return value
    }

    /// Written by the worker thread only, read after pthread_join.
    private final class Slot<T>: @unchecked Sendable { var value: T? }

    /// Runs `work` on a new thread inside the namespace; returns why it could not.
    private static func runOnThread(path: String, _ work: @escaping @Sendable () -> Void) -> String? {
        let job = Job(path: path, work: work)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(job).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().runHere()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            return "pthread_create: \(String(cString: strerror(created)))"
        }
        pthread_join(thread, nil)
        return job.failure
    }

    /// The work and why it failed; touched by the worker thread, then read after pthread_join.
    private final class Job: @unchecked Sendable {
        let path: String
        let work: @Sendable () -> Void
        var failure: String?

        init(path: String, work: @escaping @Sendable () -> Void) {
            self.path = path
            self.work = work
        }

        func runHere() {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { failure = "open \(path): \(String(cString: strerror(errno)))"; return }
            defer { close(fd) }
            guard c_setns(fd, NetworkNamespace.cloneNewNet) == 0 else {
                failure = "setns \(path): \(String(cString: strerror(errno)))"
                return
            }
            work()
        }
    }
}

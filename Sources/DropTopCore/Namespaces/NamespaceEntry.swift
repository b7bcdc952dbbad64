#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("setns") private func enterNamespace(_ fd: Int32, _ nstype: Int32) -> Int32

extension NetworkNamespace {
    /// --netns: "blue" (/run/netns/blue), "4242" (/proc/4242/ns/net) or a path to an nsfs file.
    public static func path(for argument: String) -> String {
        if argument.contains("/") { return argument }
        if !argument.isEmpty, argument.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return "/proc/\(argument)/ns/net" }
        return "/run/netns/" + argument
    }

    /// Moves the calling thread into the namespace at `path`. droptop samples on its main
    /// thread, which /proc/self names: /proc/self/net then shows the namespace, and netlink
    /// sockets opened afterwards belong to it. /sys stays the one mounted before (see
    /// LinkFactsSource). Needs CAP_SYS_ADMIN.
    public static func enter(_ path: String) throws(ParseError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParseError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard enterNamespace(fd, cloneNewNet) == 0 else {
            throw ParseError("setns \(path): \(String(cString: strerror(errno)))"
                + (errno == EPERM ? " (entering a network namespace needs root or CAP_SYS_ADMIN)" : ""))
        }
    }
}

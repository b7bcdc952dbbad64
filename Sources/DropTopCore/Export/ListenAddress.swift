#if canImport(Glibc)
import Glibc
#endif

/// `--listen HOST:PORT`: an IPv4 address, a bracketed IPv6 address (`[::1]:9417`), a host name,
/// or nothing before the colon for every address. Port 0 asks the kernel for a free port.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) { self.host = host; self.port = port }

    /// Parses "127.0.0.1:9417", "[::1]:0", ":9417"; nil with the reason otherwise.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenError> {
        guard let colon = text.lastIndex(of: ":") else {
            return .failure(ListenError("\(text): expected HOST:PORT, e.g. 127.0.0.1:9417 or [::1]:9417"))
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText) else {
            return .failure(ListenError("\(text): the port must be a number from 0 to 65535"))
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                return .failure(ListenError("\(text): an IPv6 address goes in brackets, e.g. [::1]:9417"))
            }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return .failure(ListenError("\(text): put an IPv6 address in brackets, e.g. [::1]:9417"))
        }
        return .success(ListenAddress(host: host, port: port))
    }

    public var description: String { Self.format(host: host, port: port) }

    static func format(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A listening, non-blocking TCP socket on this address, and the address it really got
    /// (the kernel's port when asked for 0).
    public func bindListener(backlog: Int32 = 128) throws(ListenError) -> (fd: Int32, bound: ListenAddress) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        // An empty host means every address: [::] with IPV6_V6ONLY off takes IPv4 as well.
        let name = host.isEmpty ? "::" : host
        let status = getaddrinfo(name, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ListenError("\(description): cannot resolve \(name): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = socket(first.pointee.ai_family, type, 0)
        guard fd >= 0 else { throw ListenError("\(description): socket: \(Self.lastError())") }
        var on: Int32 = 1, off: Int32 = 0
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if first.pointee.ai_family == AF_INET6 && host.isEmpty {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
        }
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, backlog) == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw ListenError("\(description): cannot listen: \(reason) "
                              + "(is another program using the port, or is the address not on this host?)")
        }
        return (fd, Self.boundAddress(fd) ?? self)
    }

    /// The address a socket is bound to, from getsockname.
    static func boundAddress(_ fd: Int32) -> ListenAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        let family = Int32(storage.ss_family)
        let (address, port): ([UInt8], UInt16) = withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                let a = raw.load(as: sockaddr_in6.self)
                return (withUnsafeBytes(of: a.sin6_addr) { Array($0) }, UInt16(bigEndian: a.sin6_port))
            }
            let a = raw.load(as: sockaddr_in.self)
            return (withUnsafeBytes(of: a.sin_addr) { Array($0) }, UInt16(bigEndian: a.sin_port))
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        guard inet_ntop(family, address, &text, socklen_t(text.count)) != nil else { return nil }
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ListenAddress(host: host, port: port)
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

public struct ListenError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

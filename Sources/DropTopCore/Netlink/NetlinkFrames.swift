#if canImport(Glibc)
import Glibc
#endif

/// One message of a netlink answer, as the framing sees it.
enum NetlinkFrame {
    case done
    case error(Int32)
    case message(type: UInt16, payload: UnsafeRawBufferPointer)
}

/// What every netlink answer shares: nlmsghdr (length, type, flags, sequence, port), then the
/// payload, each message 4-byte aligned. The sock_diag and rtnetlink decoders read their own
/// payloads; the framing, NLMSG_DONE and NLMSG_ERROR are read here once.
enum NetlinkFrames {
    static let headerSize = 16
    static let typeError: UInt16 = 2, typeDone: UInt16 = 3

    /// Walks the messages of one recv(). A message that does not fit is an error: the rest of
    /// the buffer cannot be framed.
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (NetlinkFrame) throws(ParseError) -> Void) throws(ParseError) {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return }
        var offset = 0
        while offset + headerSize <= bytes.count {
            let length = Int(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = base.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            guard length >= headerSize, length <= bytes.count - offset else {
                throw ParseError("netlink message of \(length) bytes at byte \(offset) does not fit the \(bytes.count) received")
            }
            let payload = UnsafeRawBufferPointer(start: base + offset + headerSize, count: length - headerSize)
            switch type {
            case typeDone: try visit(.done)
            case typeError:
                guard payload.count >= 4 else { throw ParseError("short netlink error message") }
                try visit(.error(payload.loadUnaligned(as: Int32.self)))
            default: try visit(.message(type: type, payload: payload))
            }
            offset += min((length + 3) & ~3, bytes.count - offset)   // NLMSG_ALIGN
        }
    }

    /// An nlmsghdr asking for a dump (NLM_F_REQUEST | NLM_F_DUMP), for a message of `length` bytes.
    static func dumpHeader(length: Int, type: UInt16, sequence: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value) { bytes += $0 } }
        append(UInt32(length)); append(type); append(UInt16(0x0301)); append(sequence)
        append(UInt32(0))   // nlmsg_pid: the kernel
        return bytes
    }
}

/// Sends a dump request on a netlink socket and reads the multipart answer to its NLMSG_DONE,
/// in one reused buffer: the loop every netlink reader (sock_diag, qdiscs, links) shares.
struct NetlinkDumper {
    private var buffer: [UInt8]
    private var sequence: UInt32 = 0
    /// The socket also hears a multicast group (rtnetlink's RTNLGRP_LINK): ENOBUFS then says
    /// notifications were lost, not that the dump failed.
    var listens = false
    /// On a listening socket, notifications filled the receive queue when the dump was asked
    /// for: the kernel refused it (NLMSG_ERROR ENOBUFS), or dropped even that answer. Read the
    /// queue and ask again.
    static let crowdedOut = ParseError("notifications filled the netlink socket before the dump could start")

    init(bufferSize: Int) { buffer = [UInt8](repeating: 0, count: bufferSize) }

    /// A netlink socket of this protocol (0 route, 4 sock_diag) in the calling thread's namespace.
    static func openSocket(protocol netlinkProtocol: Int32) throws(ParseError) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard fd >= 0 else { throw ParseError("socket: \(String(cString: strerror(errno)))") }
        // A dump never waits for the network, but a stuck read must not freeze the screen.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `request(sequence)` and hands the bytes of every recv() to `chunk` until the kernel
    /// says done; an error it answers with is thrown. Messages of another sequence (notifications,
    /// sequence 0; the late answer to an earlier request that timed out) are left out of what
    /// `chunk` sees. Returns how many there were, and lost notifications (ENOBUFS) count as one.
    @discardableResult
    mutating func dump(_ fd: Int32, request: (UInt32) -> [UInt8],
                       _ chunk: (UnsafeBufferPointer<UInt8>) throws(ParseError) -> Void) throws(ParseError) -> Int {
        sequence &+= 1
        if sequence == 0 { sequence = 1 }   // 0 is the notifications' sequence
        let message = request(sequence)
        let sent = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == message.count else { throw ParseError("send: \(String(cString: strerror(errno)))") }
        var finished = false
        var failed: Int32 = 0
        var others = 0
        var flags = Int32(MSG_TRUNC)
        while !finished {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
            if received < 0 {
                if errno == EINTR { continue }
                // Lost notifications. A running dump answers within our reads (the kernel fills
                // the queue again as it empties), so from here an empty queue means no answer comes.
                if errno == ENOBUFS && listens { others += 1; flags |= Int32(MSG_DONTWAIT); continue }
                if errno == EAGAIN && flags & Int32(MSG_DONTWAIT) != 0 { throw Self.crowdedOut }
                throw ParseError("recv: \(String(cString: strerror(errno)))")
            }
            if received == 0 { throw ParseError("the kernel closed the dump before its end") }
            guard received <= buffer.count else { throw ParseError("a netlink message of \(received) bytes did not fit") }
            let (kept, skipped) = keepOnly(sequence, received: received)
            others += skipped
            guard kept > 0 else { continue }
            try buffer.withUnsafeBufferPointer { all throws(ParseError) in
                let bytes = UnsafeBufferPointer(rebasing: all[0..<kept])
                try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
                    switch frame {
                    case .done: finished = true
                    case .error(let code): if code != 0 { failed = code; finished = true }
                    case .message: break
                    }
                }
                try chunk(bytes)
            }
        }
        if failed == -ENOBUFS && listens { throw Self.crowdedOut }
        if failed != 0 { throw ParseError("the kernel answered \(String(cString: strerror(0 &- failed)))") }
        return others
    }

    /// Moves the messages of `sequence` in the first `received` bytes to the front of the buffer
    /// (nothing moves while every message is the dump's); returns their length and how many
    /// others there were. Bytes that cannot be framed stay, for `NetlinkFrames.forEach` to report.
    private mutating func keepOnly(_ sequence: UInt32, received: Int) -> (bytes: Int, others: Int) {
        buffer.withUnsafeMutableBytes { raw in
            let header = NetlinkFrames.headerSize
            var read = 0, write = 0, others = 0
            while read + header <= received {
                let length = Int(raw.loadUnaligned(fromByteOffset: read, as: UInt32.self))
                guard length >= header, length <= received - read else { break }
                let step = min((length + 3) & ~3, received - read)
                if raw.loadUnaligned(fromByteOffset: read + 8, as: UInt32.self) == sequence {
                    if write != read { memmove(raw.baseAddress! + write, raw.baseAddress! + read, step) }
                    write += step
                } else {
                    others += 1
                }
                read += step
            }
            if read < received, write != read { memmove(raw.baseAddress! + write, raw.baseAddress! + read, received - read) }
            return (write + received - read, others)
        }
    }

    /// Reads, without waiting, what notifications a listening socket holds, at most `maxReads`
    /// recv()s: whether anything came, was lost (ENOBUFS) or could not be read; more than
    /// `maxReads` counts as something. Only that matters: the caller dumps again rather than
    /// reading what changed.
    mutating func drainNotifications(_ fd: Int32, maxReads: Int) -> Bool {
        var heard = false
        for _ in 0..<maxReads {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_TRUNC)) }
            if received >= 0 { heard = true; continue }
            switch errno {
            case EAGAIN: return heard   // EWOULDBLOCK too, the same number on Linux
            case EINTR: continue
            case ENOBUFS: heard = true
            default: return true
            }
        }
        return true
    }
}

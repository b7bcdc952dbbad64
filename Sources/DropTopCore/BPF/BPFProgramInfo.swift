/// What the kernel reports about one loaded BPF program (struct bpf_prog_info).
public struct BPFProgramInfo: Equatable, Sendable {
    public var id: UInt32
    public var name: String
    /// Total run time and run count; they grow only while kernel.bpf_stats_enabled is 1.
    public var runTimeNanoseconds: UInt64
    public var runCount: UInt64
    /// Runs the kernel skipped because the program was already running on that CPU (Linux 5.12+).
    public var recursionMisses: UInt64 = 0

    /// Mean cost of one run, nil before any counted run.
    public var nanosecondsPerRun: Double? {
        runCount == 0 ? nil : Double(runTimeNanoseconds) / Double(runCount)
    }
}

extension BPFObjects {
    static let programInfoSize = 232  // struct bpf_prog_info up to attach_btf_id, 8-aligned

    /// BPF_OBJ_GET_INFO_BY_FD on a program descriptor.
    static func programInfo(_ fd: Int32) -> BPFProgramInfo? {
        var info = BPFAttr(size: programInfoSize)
        let result = info.bytes.withUnsafeMutableBytes { infoPointer in
            var attr = BPFAttr()
            attr.set32(0, UInt32(bitPattern: fd))  // info.bpf_fd
            attr.set32(4, UInt32(infoPointer.count))  // info.info_len
            attr.setPointer(8, UnsafeRawPointer(infoPointer.baseAddress))  // info.info
            return KernelCall.bpf(.objectGetInfoByFD, &attr)
        }
        guard case .success = result else { return nil }
        let name = String(decoding: info.bytes[64..<80].prefix { $0 != 0 }, as: UTF8.self)
        return BPFProgramInfo(id: info.get32(4), name: name, runTimeNanoseconds: info.get64(192), runCount: info.get64(200),
                              recursionMisses: info.get64(208))
    }

    /// Every loaded program the caller may see, by id; each descriptor is closed before the next.
    static func allPrograms() -> [BPFProgramInfo] {
        var programs: [BPFProgramInfo] = []
        var startID: UInt32 = 0
        while true {
            var next = BPFAttr()
            next.set32(0, startID)  // start_id
            guard case .success = KernelCall.bpf(.programGetNextID, &next) else { return programs }
            startID = next.get32(4)  // next_id
            var byID = BPFAttr()
            byID.set32(0, startID)  // prog_id
            // A program may be freed between the two calls: skip it.
            guard case .success(let fd) = KernelCall.bpf(.programGetFDByID, &byID) else { continue }
            let descriptor = OwnedDescriptor(fd)
            if let info = programInfo(descriptor.fd) { programs.append(info) }
        }
    }
}

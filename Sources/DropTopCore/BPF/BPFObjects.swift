#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Creating, loading, attaching and reading the kernel objects, one bpf(2) command each.
/// Offsets are those of union bpf_attr and struct bpf_prog_info in include/uapi/linux/bpf.h.
enum BPFObjects {
    static func failure(_ operation: String, _ error: Errno32) -> DropReasonUnavailable {
        error.isPermission ? .notPermitted(operation: operation)
            : .systemCallFailed(operation: operation, error: error.text)
    }

    /// A BPF_MAP_TYPE_PERCPU_ARRAY of u64 counters indexed by u32.
    static func createPerCPUArray(name: String, entries: UInt32) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        createMap(type: 6, keySize: 4, valueSize: 8, entries: entries, name: name)
    }

    /// BPF_MAP_CREATE with `type` (enum bpf_map_type) and default flags.
    static func createMap(type: UInt32, keySize: UInt32, valueSize: UInt32, entries: UInt32,
                          name: String) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        var attr = BPFAttr()
        attr.set32(0, type)  // map_type
        attr.set32(4, keySize)  // key_size
        attr.set32(8, valueSize)  // value_size
        attr.set32(12, entries)  // max_entries
        attr.setName(28, name)  // map_name
        return KernelCall.bpf(.mapCreate, &attr).map(OwnedDescriptor.init)
            .mapError { failure("bpf(BPF_MAP_CREATE)", $0) }
    }

    /// Loads a program; on refusal, loads it again with a verifier log and reports the log's first line.
    /// `btfTarget`: for a BTF-typed tracing program (tp_btf), the expected attach type and the
    /// vmlinux BTF id of the function or tracepoint type it attaches to.
    static func loadProgram(type: UInt32, name: String, btfTarget: (attachType: UInt32, typeID: UInt32)? = nil,
                            _ instructions: [BPFInstruction]) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        let code = instructions.flatMap(\.bytes)
        switch load(type: type, name: name, btfTarget: btfTarget, code: code, logSize: 0) {
        case .success(let fd): return .success(OwnedDescriptor(fd))
        case .failure(let error) where error.errno.isPermission:
            return .failure(.notPermitted(operation: "bpf(BPF_PROG_LOAD)"))
        case .failure:
            switch load(type: type, name: name, btfTarget: btfTarget, code: code, logSize: 64 * 1024) {
            case .success(let fd): return .success(OwnedDescriptor(fd))
            case .failure(let error): return .failure(.programRejected(error: error.errno.text, log: error.firstLogLine))
            }
        }
    }

    private struct LoadFailure: Error { var errno: Errno32; var firstLogLine: String }

    private static func load(type: UInt32, name: String, btfTarget: (attachType: UInt32, typeID: UInt32)?,
                             code: [UInt8], logSize: Int) -> Result<Int32, LoadFailure> {
        var log = [UInt8](repeating: 0, count: max(logSize, 1))
        let license = Array("Dual MIT/GPL".utf8) + [0]
        let result = code.withUnsafeBytes { codePointer in
            license.withUnsafeBytes { licensePointer in
                log.withUnsafeMutableBytes { logPointer in
                    var attr = BPFAttr()
                    attr.set32(0, type)  // prog_type
                    attr.set32(4, UInt32(code.count / 8))  // insn_cnt
                    attr.setPointer(8, codePointer.baseAddress)  // insns
                    attr.setPointer(16, licensePointer.baseAddress)  // license
                    if logSize > 0 {
                        attr.set32(24, 1)  // log_level
                        attr.set32(28, UInt32(logSize))  // log_size
                        attr.setPointer(32, logPointer.baseAddress)  // log_buf
                    }
                    attr.setName(48, name)  // prog_name
                    if let btfTarget {
                        attr.set32(68, btfTarget.attachType)  // expected_attach_type
                        attr.set32(108, btfTarget.typeID)  // attach_btf_id (in vmlinux: attach_btf_obj_fd 0)
                    }
                    return KernelCall.bpf(.programLoad, &attr)
                }
            }
        }
        let firstLine = String(decoding: log.prefix { $0 != 0 && $0 != 0x0A }, as: UTF8.self)
        return result.mapError { LoadFailure(errno: $0, firstLogLine: firstLine) }
    }

    /// BPF_RAW_TRACEPOINT_OPEN: attaches until the returned descriptor is closed. A BTF-typed
    /// program passes no name (the kernel takes the tracepoint from its attach_btf_id).
    static func attachRawTracepoint(_ tracepoint: String?, program: OwnedDescriptor) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        let name: [UInt8] = tracepoint.map { Array($0.utf8) + [0] } ?? [0]
        return name.withUnsafeBytes { namePointer in
            var attr = BPFAttr()
            attr.setPointer(0, tracepoint == nil ? nil : namePointer.baseAddress)  // raw_tracepoint.name
            attr.set32(8, UInt32(bitPattern: program.fd))  // raw_tracepoint.prog_fd
            return KernelCall.bpf(.rawTracepointOpen, &attr)
        }.map(OwnedDescriptor.init).mapError { failure("bpf(BPF_RAW_TRACEPOINT_OPEN, \(tracepoint ?? "BTF-typed"))", $0) }
    }

    /// perf_event_open on CPU 0 (a tracepoint's programs run for hits on every CPU), then SET_BPF and ENABLE.
    static func attachTracepoint(id: UInt64, program: OwnedDescriptor) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        let event: OwnedDescriptor
        switch KernelCall.openTracepointEvent(id: id, cpu: 0) {
        case .success(let fd): event = OwnedDescriptor(fd)
        case .failure(let error): return .failure(failure("perf_event_open(tracepoint \(id))", error))
        }
        if case .failure(let error) = KernelCall.ioctl(event.fd, PerfEventAttr.ioctlSetBPF, Int(program.fd)) {
            return .failure(failure("ioctl(PERF_EVENT_IOC_SET_BPF)", error))
        }
        if case .failure(let error) = KernelCall.ioctl(event.fd, PerfEventAttr.ioctlEnable, 0) {
            return .failure(failure("ioctl(PERF_EVENT_IOC_ENABLE)", error))
        }
        return .success(event)
    }

    /// The sums over CPUs of the first `slots` per-CPU u64 slots, in one BPF_MAP_LOOKUP_BATCH
    /// (Linux 5.6+) instead of a lookup a slot; nil when the kernel does not do batches.
    static func perCPUSums(map: OwnedDescriptor, slots: Int, possibleCPUs: Int) -> [UInt64]? {
        var values = [UInt64](repeating: 0, count: slots * possibleCPUs)
        var keys = [UInt32](repeating: 0, count: slots)
        var next: UInt32 = 0
        var attr = BPFAttr()
        let result = values.withUnsafeMutableBytes { valuePointer in
            keys.withUnsafeMutableBytes { keyPointer in
                withUnsafeMutableBytes(of: &next) { nextPointer in
                    attr.setPointer(8, UnsafeRawPointer(nextPointer.baseAddress))   // out_batch (in_batch NULL: from the start)
                    attr.setPointer(16, UnsafeRawPointer(keyPointer.baseAddress))   // keys
                    attr.setPointer(24, UnsafeRawPointer(valuePointer.baseAddress)) // values
                    attr.set32(32, UInt32(slots))                                   // count
                    attr.set32(36, UInt32(bitPattern: map.fd))                      // map_fd
                    return KernelCall.bpf(.mapLookupBatch, &attr)
                }
            }
        }
        // ENOENT means "that was the last batch"; the count then says how many were read.
        if case .failure(let error) = result, error.code != ENOENT { return nil }
        guard Int(attr.get32(32)) == slots else { return nil }
        return (0..<slots).map { slot in values[(slot * possibleCPUs)..<((slot + 1) * possibleCPUs)].reduce(0, &+) }
    }

    /// One element of a per-CPU map of u64 values (`values`: one per possible CPU): looked up into
    /// `values`, or updated from them (`flags`: BPF_ANY, BPF_NOEXIST...).
    static func perCPUElement<Key>(_ command: BPFCommand, map: OwnedDescriptor, key: Key, values: inout [UInt64],
                                   flags: UInt64 = 0) -> Result<Int32, Errno32> {
        var keyValue = key
        return withUnsafeBytes(of: &keyValue) { keyPointer in
            values.withUnsafeMutableBytes { valuePointer in
                var attr = BPFAttr()
                attr.set32(0, UInt32(bitPattern: map.fd))  // map_fd
                attr.setPointer(8, keyPointer.baseAddress)  // key
                attr.setPointer(16, UnsafeRawPointer(valuePointer.baseAddress))  // value
                attr.set64(24, flags)
                return KernelCall.bpf(command, &attr)
            }
        }
    }

    /// The sum over CPUs of one per-CPU u64 slot; nil when the lookup fails.
    static func perCPUSum(map: OwnedDescriptor, key: UInt32, possibleCPUs: Int) -> UInt64? {
        var values = [UInt64](repeating: 0, count: possibleCPUs)  // 8 bytes per possible CPU
        guard case .success = perCPUElement(.mapLookupElement, map: map, key: key, values: &values) else { return nil }
        return values.reduce(0, &+)
    }
}

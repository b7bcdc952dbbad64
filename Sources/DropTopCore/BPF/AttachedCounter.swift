/// A per-CPU hash of counts and the hand-assembled program that fills it, loaded and attached to
/// a tracepoint: what the counters keyed by namespace hold (TCPStateChangeCounter,
/// NamespaceDropCounter). The kernel frees the three objects with their last descriptor.
struct AttachedCounter: Sendable {
    let map: OwnedDescriptor
    let program: OwnedDescriptor
    let attachment: OwnedDescriptor
    let possibleCPUs: Int
    /// The program the kernel took: BTF-typed loads, or the probe-reading fallback.
    let access: TCPStateProgram.Access

    static let programTypeTracing: UInt32 = 26, attachTypeTracingRawTracepoint: UInt32 = 23

    /// typedMechanism or probeReadMechanism, for a note beside the figures.
    var mechanism: String {
        access == .typedLoads ? TCPStateChangeCounter.typedMechanism : TCPStateChangeCounter.probeReadMechanism
    }

    /// Creates the map with `overflowKey` at zero (the program counts there when the map is full),
    /// then loads and attaches the first of `accesses` the kernel takes: the typed program as a
    /// tp_btf program on `tracepointTypeID` (no helper calls), the probe-reading one as a raw
    /// tracepoint program on `tracepoint`. A refusal for want of privilege ends the tries.
    static func start(mapName: String, entries: UInt32, overflowKey: UInt64, possibleCPUs: Int, programName: String,
                      tracepoint: String, tracepointTypeID: UInt32, accesses: [TCPStateProgram.Access],
                      assemble: (_ mapFD: Int32, TCPStateProgram.Access) -> [BPFInstruction]?)
        -> Result<AttachedCounter, DropReasonUnavailable> {
        BPFObjects.createPerCPUHash(name: mapName, entries: entries).flatMap { map in
            BPFObjects.insertZero(map: map, key: overflowKey, possibleCPUs: possibleCPUs).flatMap { _ in
                var outcome: Result<AttachedCounter, DropReasonUnavailable>
                outcome = .failure(.systemCallFailed(operation: "bpf(BPF_PROG_LOAD)", error: "no program kind to try"))
                for access in accesses {
                    guard let code = assemble(map.fd, access) else {
                        outcome = .failure(.programRejected(error: "assembly", log: "a jump to an unplaced label"))
                        continue
                    }
                    let loaded = access == .typedLoads
                        ? BPFObjects.loadProgram(type: programTypeTracing, name: programName,
                                                 btfTarget: (attachTypeTracingRawTracepoint, tracepointTypeID), code)
                        : BPFObjects.loadProgram(type: DropCountingProgram.programTypeRawTracepoint, name: programName, code)
                    outcome = loaded.flatMap { program in
                        BPFObjects.attachRawTracepoint(access == .typedLoads ? nil : tracepoint, program: program).map { attachment in
                            AttachedCounter(map: map, program: program, attachment: attachment, possibleCPUs: possibleCPUs, access: access)
                        }
                    }
                    if case .failure(.notPermitted) = outcome { return outcome }
                    if case .success = outcome { return outcome }
                }
                return outcome
            }
        }
    }

    /// Every key's count summed over the CPUs, in one batched read; nil when the map cannot be read.
    func sums() -> [UInt64: UInt64]? { BPFObjects.perCPUHashSums(map: map, possibleCPUs: possibleCPUs) }

    /// The program's id, name and run statistics (run time grows only with kernel.bpf_stats_enabled=1).
    func programInfo() -> BPFProgramInfo? { BPFObjects.programInfo(program.fd) }
}

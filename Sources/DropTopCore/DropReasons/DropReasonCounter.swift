/// Counts, per kernel drop reason, every packet the kernel frees as dropped (skb:kfree_skb).
///
/// No clang or libbpf: a 15-instruction program is assembled here, loaded with bpf(2) and attached
/// either as a raw tracepoint found through BTF (preferred: works without tracefs; reads the
/// tracepoint argument BTF types as `enum skb_drop_reason`) or as a tracefs tracepoint through
/// perf_event_open (fallback for kernels without BTF). Reason numbers and names are always read
/// from the running kernel. Counts live in a per-CPU array with one slot per reason number below
/// SKB_DROP_REASON_MAX and one overflow slot, reported as SUBSYSTEM_SPECIFIC, for values at or past
/// it: since 6.4 those carry a subsystem in the high 16 bits (mac80211, openvswitch...) whose names
/// are in other enums. The kernel frees the program, map and attachment with their last descriptor,
/// so nothing outlives this object or its process, even after SIGKILL.
public final class DropReasonCounter: Sendable {
    public static let programName = "droptop_drops"
    public static let mapName = "droptop_reasons"
    public static let overflowName = "SUBSYSTEM_SPECIFIC"
    public static let defaultTracefsRoots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// "BTF raw tracepoint" or "tracefs tracepoint", for a note beside the figures.
    public let mechanism: String
    public let names: DropReasonNames
    private let map: OwnedDescriptor
    private let program: OwnedDescriptor
    private let attachment: OwnedDescriptor
    private let possibleCPUs: Int

    private init(plan: DropReasonPlan, map: OwnedDescriptor, program: OwnedDescriptor, attachment: OwnedDescriptor, possibleCPUs: Int) {
        self.mechanism = plan.mechanism
        self.names = plan.names
        self.map = map
        self.program = program
        self.attachment = attachment
        self.possibleCPUs = possibleCPUs
    }

    /// Reads the kernel's description (BTF, else tracefs), then creates the map, loads and attaches the program.
    public static func open(btfPath: String = "/sys/kernel/btf/vmlinux",
                            tracefsRoots: [String] = defaultTracefsRoots) -> Result<DropReasonCounter, DropReasonUnavailable> {
        guard let possibleCPUs = KernelFile.possibleCPUs() else {
            return .failure(.malformed(source: "/sys/devices/system/cpu/possible", detail: "no CPU list"))
        }
        let plan: DropReasonPlan
        switch DropReasonPlanner.plan(btfPath: btfPath, tracefsRoots: tracefsRoots, read: KernelFile.contents(of:),
                                     readBTF: BTFParser.kfreeSkb(path:)) {
        case .success(let found): plan = found
        case .failure(let reason): return .failure(reason)
        }
        return start(plan, possibleCPUs: possibleCPUs)
    }

    private static func start(_ plan: DropReasonPlan, possibleCPUs: Int) -> Result<DropReasonCounter, DropReasonUnavailable> {
        let overflowSlot = plan.names.limit
        let programType: UInt32
        switch plan.attachment {
        case .rawTracepoint: programType = DropCountingProgram.programTypeRawTracepoint
        case .tracepoint: programType = DropCountingProgram.programTypeTracepoint
        }
        return BPFObjects.createPerCPUArray(name: mapName, entries: overflowSlot + 1).flatMap { map in
            let code = DropCountingProgram.instructions(reason: plan.location, mapFD: map.fd, overflowSlot: overflowSlot)
            return BPFObjects.loadProgram(type: programType, name: programName, code).flatMap { program in
                attach(plan.attachment, program).map { attachment in
                    DropReasonCounter(plan: plan, map: map, program: program, attachment: attachment, possibleCPUs: possibleCPUs)
                }
            }
        }
    }

    private static func attach(_ attachment: DropReasonPlan.Attachment,
                               _ program: OwnedDescriptor) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        switch attachment {
        case .rawTracepoint(let name): return BPFObjects.attachRawTracepoint(name, program: program)
        case .tracepoint(let id): return BPFObjects.attachTracepoint(id: id, program: program)
        }
    }

    /// Drops per reason since open, summed over CPUs; only reasons seen, largest first.
    /// NOT_DROPPED_YET and CONSUMED are not drops and never appear.
    public func totals() -> [DropReasonTotal] {
        var totals: [DropReasonTotal] = []
        // One batched read of every slot; a kernel before 5.6 answers one slot at a time.
        let slots = Int(names.limit) + 1
        let sums = BPFObjects.perCPUSums(map: map, slots: slots, possibleCPUs: possibleCPUs)
        for slot in 0...names.limit {
            let sum = sums.map { $0[Int(slot)] } ?? BPFObjects.perCPUSum(map: map, key: slot, possibleCPUs: possibleCPUs)
            guard let total = sum, total > 0, let name = names.dropName(slot: slot) else { continue }
            totals.append(DropReasonTotal(reason: name, total: total))
        }
        return totals.sorted { ($0.total, $1.reason) > ($1.total, $0.reason) }
    }

    /// The program's id, name and run statistics (run time grows only with kernel.bpf_stats_enabled=1).
    public func programInfo() -> BPFProgramInfo? { BPFObjects.programInfo(program.fd) }

    /// Ids of the loaded BPF programs with this name (the kernel keeps at most 15 bytes of it).
    public static func loadedProgramIDs(named name: String) -> [UInt32] {
        let kept = String(decoding: Array(name.utf8.prefix(15)), as: UTF8.self)
        return BPFObjects.allPrograms().filter { $0.name == kept }.map(\.id)
    }
}

/// The kernel's drop reasons as the triage's cross-check: a finding cites the reasons that it
/// explains ("kernel:SOCKET_RCVBUFF 812/s"), and a reason that moves with no finding explaining
/// it becomes a finding of its own, at its layer, named after its meaning.
extension TriageRules {
    /// Below this rate a reason alone makes no finding; NOT_SPECIFIED never does (the kernel
    /// uses it wherever a caller gives no reason, so it is noise by nature).
    static let unexplainedReasonRate = 1.0
    static let unspecifiedReasons: Set<String> = ["NOT_SPECIFIED"]

    static func withDropReasons(_ r: Report, _ findings: [Finding]) -> [Finding] {
        let moving = r.movingDropReasons
        guard !moving.isEmpty else { return findings }
        var out = findings
        var explained = Set<String>()
        for index in out.indices {
            let cited = moving.filter { $0.info.explainedBy.contains(out[index].id) }
            out[index].evidence += cited.map { Evidence(name: "kernel:\($0.reason)", value: $0.perSecond ?? 0, unit: "per_s", item: nil) }
            explained.formUnion(cited.map(\.reason))
        }
        // Without the protocol counters (batch -n DROP reads none) nothing could explain a reason:
        // the cross-check needs both sides.
        guard r.sample.protocols != nil else { return out }
        for reason in moving where !explained.contains(reason.reason) && !unspecifiedReasons.contains(reason.reason) {
            guard let rate = reason.perSecond, rate >= unexplainedReasonRate else { continue }
            out.append(unexplainedReason(r, reason, rate: rate))
        }
        return out
    }

    static func unexplainedReason(_ r: Report, _ reason: DropReasonRate, rate: Double) -> Finding {
        let info = reason.info
        // A namespace's own count (--all-netns) makes a finding of that namespace unless the cause is the host's.
        let ownCount = r.sample.dropReasons?.namespaceInode != nil
        let scope = ownCount ? "Counted for this namespace: its devices or sockets dropped them."
            : "Host-wide figure: the tracepoint sees every namespace."
        var finding = FindingKind.kernelDropReason.finding(
            r, .warning, item: reason.reason, fill: ["REASON": reason.reason, "MEANING": info.meaning, "SCOPE": scope],
            evidence: [Evidence(name: "kernel:\(reason.reason)", value: rate, unit: "per_s", item: nil)],
            hint: info.knob)
        finding.layer = info.layer
        finding.hostWide = !ownCount || info.hostWide
        return finding
    }
}

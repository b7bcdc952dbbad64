import Testing
@testable import DropTopCore

/// The kernel drop reason each trouble scenario of MoreScenarioTests makes, and the finding that
/// must explain it (fold it into its evidence) rather than leave a second `kernel-drop-reason`.
/// The end-to-end tests see the reasons only where BPF counts them; this holds everywhere.
@Suite struct ScenarioReasonTests {
    @Test(arguments: [
        ("TCP_MINTTL", "tcp-min-ttl-drops"), ("FRAG_REASM_TIMEOUT", "ip-reassembly-failures"),
        ("IP_NOPROTO", "ip-unknown-protocol"), ("UDP_CSUM", "udp-csum-errors"),
        ("IP_INADDRERRORS", "ip-address-errors"), ("IP_INHDR", "ip-header-errors"),
        ("PKT_TOO_BIG", "ip-mtu-exceeded"), ("IP_OUTNOROUTES", "ip-no-route"),
        ("TCP_CSUM", "tcp-bad-segments"), ("IP_RPFILTER", "ip-rp-filter"), ("ICMP_CSUM", "icmp-errors"),
        ("PKT_TOO_SMALL", "ip-header-errors"), ("IP_CSUM", "ip-header-errors"),
    ])
    func theScenarioFindingExplainsItsDropReason(reason: String, finding: String) {
        #expect(DropReasonCatalog.info(reason).explainedBy.contains(finding), "\(reason) → \(finding)")
    }
}

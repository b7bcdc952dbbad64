/// Counter rules for the drop counters of IP, ICMP, TCP and MPTCP, one per mechanism the
/// counters tell apart (docs/triage.md, "Coverage"). What each finding says is in
/// Catalog/FindingKinds+IP.swift and +Transport.swift.
extension TriageRules {
    static let ipRules: [CounterRule] = [
        CounterRule(.arpFilter, .info, counters: [.tcpArpFilter]),
        CounterRule(.ipHeaderErrors, .warning,
                    counters: [.ipInHdrErrors, .ipExtInCsumErrors, .ipExtInTruncatedPkts, .ip6InHdrErrors, .ip6InTruncatedPkts],
                    context: [.icmpOutTimeExcds, .icmp6OutTimeExcds]),
        CounterRule(.ipAddressErrors, .warning, counters: [.ipInAddrErrors, .ip6InAddrErrors]),
        CounterRule(.ipUnknownProtocol, .info, counters: [.ipInUnknownProtos, .ip6InUnknownProtos]),
        CounterRule(.ipNoRoute, .warning, counters: [.ipOutNoRoutes, .ipExtInNoRoutes, .ip6OutNoRoutes, .ip6InNoRoutes]),
        CounterRule(.ipDiscards, .warning, counters: [.ipInDiscards, .ipOutDiscards, .ip6InDiscards, .ip6OutDiscards]),
        CounterRule(.ipReassemblyFailures, .warning,
                    counters: [.ipReasmFails, .ipReasmTimeout, .ipExtReasmOverlaps, .ip6ReasmFails, .ip6ReasmTimeout]),
        CounterRule(.ipMTUExceeded, .warning, counters: [.ipFragFails, .ip6FragFails, .ip6InTooBigErrors]),
        CounterRule(.ipRPFilter, .warning, counters: [.tcpIPReversePathFilter]),
        CounterRule(.icmpErrors, .info,
                    counters: [.icmpInErrors, .icmpInCsumErrors, .icmpOutErrors, .icmp6InErrors, .icmp6InCsumErrors,
                               .icmp6OutErrors]),
        CounterRule(.icmpRateLimited, .info, counters: [.icmpOutRateLimitGlobal, .icmpOutRateLimitHost, .icmp6OutRateLimitHost]),
    ]

    static let tcpRules: [CounterRule] = [
        CounterRule(.tcpBadSegments, .warning, counters: [.tcpInErrs, .tcpInCsumErrors]),
        CounterRule(.tcpPAWSRejects, .info,
                    counters: [.tcpPAWSActive, .tcpPAWSEstab, .tcpPAWSOldAck, .tcpPAWSTimewait, .tcpTSEcrRejected]),
        CounterRule(.tcpOutOfWindow, .info, counters: [.tcpBeyondWindow], context: [.tcpChallengeACK]),
        CounterRule(.tcpICMPIgnored, .info, counters: [.tcpOutOfWindowIcmps, .tcpLockDroppedIcmps], context: [.tcpAODroppedIcmps]),
        // Global memory: one abort already loses a connection.
        CounterRule(.tcpMemoryPressure, .warning,
                    counters: [.tcpMemoryPressures, .tcpAbortOnMemory, .tcpAbortFailed, .tcpPFMemallocDrop],
                    threshold: TriageThresholds.singleEvent, critical: [.tcpAbortOnMemory]),
        // A wrong key or a forged segment: every one matters.
        CounterRule(.tcpAuthFailures, .warning,
                    counters: [.tcpMD5NotFound, .tcpMD5Unexpected, .tcpMD5Failure, .tcpAORequired, .tcpAOBad, .tcpAOKeyNotFound],
                    threshold: TriageThresholds.singleEvent),
        CounterRule(.tcpMinTTLDrops, .warning, counters: [.tcpMinTTLDrop]),
        CounterRule(.tcpSendFailures, .warning, counters: [.tcpRetransFail, .tcpWqueueTooBig]),
        CounterRule(.tcpMigrateReqFailures, .warning, counters: [.tcpMigrateReqFailure], threshold: TriageThresholds.singleEvent),
    ]

    static let mptcpRules: [CounterRule] = [
        CounterRule(.mptcpJoinFailures, .warning,
                    counters: [.mptcpJoinNoTokenFound, .mptcpJoinSynAckHMacFailure, .mptcpJoinAckHMacFailure, .mptcpJoinRejected,
                               .mptcpJoinSynTxCreatSkErr, .mptcpJoinSynTxBindErr, .mptcpJoinSynTxConnectErr, .mptcpMismatchPortSynRx,
                               .mptcpMismatchPortAckRx, .mptcpAddAddrTxDrop, .mptcpEchoAddTxDrop, .mptcpAddAddrDrop,
                               .mptcpRmAddrDrop, .mptcpRmAddrTxDrop]),
        CounterRule(.mptcpDataErrors, .warning,
                    counters: [.mptcpDSSNotMatching, .mptcpDSSCorruptionFallback, .mptcpDSSCorruptionReset, .mptcpDSSNoMatchTCP,
                               .mptcpDataCsumErr, .mptcpNoDSSInWindow, .mptcpFailTx, .mptcpFailRx, .mptcpFallbackFailed]),
    ]
}

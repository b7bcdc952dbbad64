import OrderedCollections

/// The /sys/class/net/IF facts of one interface. A missing or unreadable file is normal (a
/// virtual link has no speed; carrier cannot be read while a link is down) and gives null; a
/// value that fails LinkFactParser's validation gives null and an error naming the file.
extension Sampler {
    func interfaceSample(_ entry: NetDevEntry, errors: inout [SourceError]) -> InterfaceSample {
        let base: [UInt8] = Array("class/net/".utf8) + entry.rawName + [0x2F]
        func fact<T>(_ file: String, _ parser: (UnsafeBufferPointer<UInt8>) throws(ParseError) -> T) -> T? {
            let path = base + Array(file.utf8)
            guard let bytes = try? reader.withContents(.sys, path, { Array($0) }) else { return nil }
            do {
                return try bytes.withUnsafeBufferPointer { b throws(ParseError) in try parser(b) }
            } catch {
                errors.append(SourceError(source: FileReader.displayPath(.sys, path), message: error.message))
                return nil
            }
        }
        // The breakdown matters only where /proc/net/dev shows errors or drops; skipping the
        // others keeps a host with hundreds of veths cheap to sample.
        let c = entry.counters
        let troubled = [NetDevCounters.Field.rxErrs, .rxDrop, .rxFifo, .rxFrame, .txErrs, .txDrop, .txFifo, .txCarrier]
            .contains { c[$0] > 0 }
        var statistics: OrderedDictionary<String, UInt64>?
        if troubled {
            var stats = OrderedDictionary<String, UInt64>()
            for name in Self.statisticNames {
                if let v = fact("statistics/" + name, LinkFactParser.counter) { stats[name] = v }
            }
            statistics = stats.isEmpty ? nil : stats
        }
        let speed = fact("speed", LinkFactParser.speed) ?? nil
        let operstate = fact("operstate") { b throws(ParseError) in
            try LinkFactParser.word(b, allowed: LinkFactParser.operstates, what: "an operstate")
        }
        let duplex = speed == nil ? nil : fact("duplex") { b throws(ParseError) in
            try LinkFactParser.word(b, allowed: LinkFactParser.duplexes, what: "a duplex")
        }
        return InterfaceSample(
            name: entry.name, operstate: operstate, carrier: fact("carrier", LinkFactParser.carrier),
            speedMbps: speed, duplex: duplex, mtu: fact("mtu", LinkFactParser.mtu),
            txQueueLen: fact("tx_queue_len", LinkFactParser.txQueueLen), counters: entry.counters, statistics: statistics)
    }
}

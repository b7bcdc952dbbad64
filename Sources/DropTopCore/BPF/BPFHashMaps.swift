#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Per-CPU hash maps of u64 keys to u64 counters: create, seed a key, and read every entry in batches.
extension BPFObjects {
    /// A BPF_MAP_TYPE_PERCPU_HASH of u64 keys, preallocated (bounded memory, no allocation in the program).
    static func createPerCPUHash(name: String, entries: UInt32) -> Result<OwnedDescriptor, DropReasonUnavailable> {
        createMap(type: 5, keySize: 8, valueSize: 8, entries: entries, name: name)
    }

    /// Inserts `key` with zero on every CPU (BPF_NOEXIST), so that it exists even once the map is full.
    static func insertZero(map: OwnedDescriptor, key: UInt64, possibleCPUs: Int) -> Result<Void, DropReasonUnavailable> {
        var zeros = [UInt64](repeating: 0, count: possibleCPUs)
        let result = perCPUElement(.mapUpdateElement, map: map, key: key, values: &zeros, flags: 1)  // BPF_NOEXIST
        return result.map { _ in () }.mapError { failure("bpf(BPF_MAP_UPDATE_ELEM)", $0) }
    }

    /// Every entry of a per-CPU hash of u64 -> u64, summed over CPUs, read with BPF_MAP_LOOKUP_BATCH
    /// (Linux 5.6+); nil when the kernel refuses. A hash's batch token is a u32 bucket index.
    static func perCPUHashSums(map: OwnedDescriptor, possibleCPUs: Int, chunk startChunk: Int = 256) -> [UInt64: UInt64]? {
        var sums: [UInt64: UInt64] = [:]
        var chunk = startChunk
        var inBatch: UInt32 = 0, outBatch: UInt32 = 0, first = true
        for _ in 0..<100_000 {
            var keys = [UInt64](repeating: 0, count: chunk)
            var values = [UInt64](repeating: 0, count: chunk * possibleCPUs)
            var attr = BPFAttr()
            let result = keys.withUnsafeMutableBytes { keyPointer in
                values.withUnsafeMutableBytes { valuePointer in
                    withUnsafeMutableBytes(of: &inBatch) { inPointer in
                        withUnsafeMutableBytes(of: &outBatch) { outPointer in
                            attr.setPointer(0, first ? nil : UnsafeRawPointer(inPointer.baseAddress))  // in_batch
                            attr.setPointer(8, UnsafeRawPointer(outPointer.baseAddress))  // out_batch
                            attr.setPointer(16, UnsafeRawPointer(keyPointer.baseAddress))  // keys
                            attr.setPointer(24, UnsafeRawPointer(valuePointer.baseAddress))  // values
                            attr.set32(32, UInt32(chunk))  // count
                            attr.set32(36, UInt32(bitPattern: map.fd))  // map_fd
                            return KernelCall.bpf(.mapLookupBatch, &attr)
                        }
                    }
                }
            }
            // ENOSPC: one bucket holds more entries than `chunk`; read that bucket again with room.
            if case .failure(let error) = result, error.code == ENOSPC, chunk < 1 << 20 { chunk *= 2; continue }
            if case .failure(let error) = result, error.code != ENOENT { return nil }
            let read = min(Int(attr.get32(32)), chunk)
            for entry in 0..<read {
                sums[keys[entry], default: 0] &+= values[(entry * possibleCPUs)..<((entry + 1) * possibleCPUs)].reduce(0, &+)
            }
            // ENOENT: that was the last batch.
            if case .failure = result { return sums }
            (inBatch, first) = (outBatch, false)
        }
        return nil
    }
}

extension BPFObjects {
    /// Deletes `keys` from a hash of u64 keys with one BPF_MAP_DELETE_BATCH (Linux 5.6+), else one
    /// BPF_MAP_DELETE_ELEM each; a key already gone is no failure. Returns how many were deleted.
    @discardableResult
    static func deleteKeys(map: OwnedDescriptor, _ keys: [UInt64]) -> Int {
        guard !keys.isEmpty else { return 0 }
        var batch = keys
        var attr = BPFAttr()
        let result = batch.withUnsafeMutableBytes { keyPointer in
            attr.setPointer(16, UnsafeRawPointer(keyPointer.baseAddress))  // keys
            attr.set32(32, UInt32(keys.count))  // count
            attr.set32(36, UInt32(bitPattern: map.fd))  // map_fd
            return KernelCall.bpf(.mapDeleteBatch, &attr)
        }
        if case .success = result { return keys.count }
        // The batch stops at a key it cannot delete (ENOENT: freed meanwhile); the rest one by one.
        let done = min(Int(attr.get32(32)), keys.count)
        return done + keys[done...].reduce(0) { deleted, key in
            var value = key
            let one = withUnsafeBytes(of: &value) { keyPointer in
                var attr = BPFAttr()
                attr.set32(0, UInt32(bitPattern: map.fd))  // map_fd
                attr.setPointer(8, keyPointer.baseAddress)  // key
                return KernelCall.bpf(.mapDeleteElement, &attr)
            }
            if case .success = one { return deleted + 1 } else { return deleted }
        }
    }
}

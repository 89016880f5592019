#if canImport(Glibc)
    import Glibc
#endif

/// The IPv4 slot table's memory: 2 MB-aligned and marked for transparent huge pages before it is written, so
/// that 8 MB of randomly read slots take a few TLB entries instead of a page walk per lookup (where the kernel
/// does not offer huge pages, it is ordinary memory). Written only while the matcher is built.
@usableFromInline
final class SlotTable: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<UInt64>
    @usableFromInline let count: Int

    init(count: Int, repeating value: UInt64) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<UInt64>.stride
        var raw: UnsafeMutableRawPointer?
        // Huge pages only pay for a table of at least one (an empty matcher's placeholder stays small).
        if bytes < 2 << 20 || posix_memalign(&raw, 2 << 20, bytes) != 0 { raw = nil }
        let memory = raw ?? UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 8)
        #if os(Linux)
            if raw != nil { _ = madvise(memory, bytes, MADV_HUGEPAGE) }
        #endif
        self.allocatedWithMemalign = raw != nil
        self.base = memory.bindMemory(to: UInt64.self, capacity: max(count, 1))
        self.base.initialize(repeating: value, count: max(count, 1))
    }

    private let allocatedWithMemalign: Bool

    deinit {
        if self.allocatedWithMemalign { free(self.base) } else { self.base.deallocate() }
    }
}

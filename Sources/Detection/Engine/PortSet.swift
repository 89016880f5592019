/// A small set of ports: open addressing over a power-of-two table, hashed by a multiply (a port set is read on
/// every outbound record).
struct PortSet {
    /// Port + 1 per slot; 0 is empty.
    private var slots: [UInt32] = []
    private(set) var count = 0

    init() {}

    init(_ ports: some Sequence<Int>) {
        for port in ports { self.insert(port) }
    }

    @inline(__always)
    private static func slot(_ port: Int, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt32(truncatingIfNeeded: port) &* 0x9E37_79B1) >> 16) & mask
    }

    @inline(__always)
    func contains(_ port: Int) -> Bool {
        guard !self.slots.isEmpty else { return false }
        let mask = self.slots.count - 1
        var slot = Self.slot(port, mask)
        let wanted = UInt32(truncatingIfNeeded: port) &+ 1
        while true {
            let value = self.slots[slot]
            if value == wanted { return true }
            if value == 0 { return false }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    mutating func insert(_ port: Int) {
        if (self.count + 1) * 2 > self.slots.count { self.grow() }
        let mask = self.slots.count - 1
        var slot = Self.slot(port, mask)
        let wanted = UInt32(truncatingIfNeeded: port) &+ 1
        while true {
            let value = self.slots[slot]
            if value == wanted { return }
            if value == 0 {
                self.slots[slot] = wanted
                self.count += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = self.slots
        self.slots = Array(repeating: 0, count: max(8, old.count * 2))
        self.count = 0
        for value in old where value != 0 { self.insert(Int(value) - 1) }
    }

    func sorted() -> [Int] { self.slots.filter { $0 != 0 }.map { Int($0) - 1 }.sorted() }
}

import Foundation

/// Strings of fields whose values repeat from record to record (accounts, regions, event sources, user agents,
/// principals), one per slot, reused while their bytes do not change: a byte comparison instead of a String built
/// (and often allocated) per record. Also the last timestamp's seconds.
struct RepeatingStrings {
    private var bytes: [[UInt8]]
    private var strings: [String]
    private var timeBytes: [UInt8] = []
    private var time: Int64 = 0

    init(slots: Int) {
        self.bytes = Array(repeating: [], count: slots)
        self.strings = Array(repeating: "", count: slots)
    }

    /// The String of the `count` bytes at `start`, for the field of `slot`.
    @inline(__always)
    mutating func string(_ slot: Int, _ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        if Self.same(self.bytes[slot], start, count) { return self.strings[slot] }
        let value = UnsafeBufferPointer(start: start, count: count)
        self.bytes[slot] = Array(value)
        self.strings[slot] = String(decoding: value, as: UTF8.self)
        return self.strings[slot]
    }

    /// Whether `stored` holds exactly the `count` bytes at `start`.
    @inline(__always)
    private static func same(_ stored: [UInt8], _ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        stored.count == count && (count == 0 || stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, start, count) == 0 })
    }

    /// The seconds of an ISO 8601 timestamp, parsed only when it differs from the last one.
    @inline(__always)
    mutating func seconds(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        if Self.same(self.timeBytes, start, count) { return self.time }
        guard let time = Timestamps.parse(UnsafeBufferPointer(start: start, count: count)) else { return nil }
        self.timeBytes = Array(UnsafeBufferPointer(start: start, count: count))
        self.time = time
        return time
    }
}

/// Whether `count` bytes at `start` are exactly `literal`.
@inline(__always)
func bytesEqual(_ start: UnsafePointer<UInt8>, _ count: Int, _ literal: StaticString) -> Bool {
    literal.utf8CodeUnitCount == count && memcmp(literal.utf8Start, start, count) == 0
}

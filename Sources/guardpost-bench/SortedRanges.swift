import ArgumentParser
import Foundation
import ThreatLists

/// The baseline: disjoint ranges sorted by start, answered by binary search over all of them.
struct SortedRanges {
    let starts: [UInt32]
    let ends: [UInt32]

    init(lists: [[IPNetwork]]) {
        let ranges = lists.flatMap { $0.compactMap(\.v4Range) }.sorted { $0.lowerBound < $1.lowerBound }
        var starts: [UInt32] = []
        var ends: [UInt32] = []
        for range in ranges {
            if let last = ends.last, range.lowerBound <= last &+ 1, !starts.isEmpty, last != UInt32.max {
                ends[ends.count - 1] = max(last, range.upperBound)
            } else if let last = ends.last, last == UInt32.max {
                continue
            } else {
                starts.append(range.lowerBound)
                ends.append(range.upperBound)
            }
        }
        self.starts = starts
        self.ends = ends
    }

    @inline(__always)
    func answer(_ address: UInt32) -> UInt32 {
        var lo = 0
        var hi = self.starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self.starts[mid] <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && address <= self.ends[lo - 1] ? 1 : 0
    }
}

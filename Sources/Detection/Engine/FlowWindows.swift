import ThreatLists

/// The flow windowing all window rules share: connections buffered per window of record time, and each window
/// handed to every window rule when it closes — two behind the newest as records arrive, or at a watermark.
struct FlowWindows {
    /// The open windows, oldest first (two or three at a time: logs arrive nearly in time order).
    var windows: [FlowWindow] = []
    /// The window judged last, kept for the spans of the next one.
    var previous: FlowWindow?

    var hasOpenWindows: Bool { !self.windows.isEmpty }

    /// Buffers the connections of a batch — the request direction of each: the opener's record, bucketed by who opened
    /// it — closing windows as newer ones begin.
    mutating func process(_ batch: FlowBatch, rules: [any FlowWindowRule], in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        for view in batch.views {
            let record = view.record
            let start = record.pointee.start
            let window = start / length
            if view.advances {
                while let oldest = self.windows.first, oldest.start < window - 1 { self.judge(self.windows.removeFirst(), rules, context) }
            }
            guard view.sourceInitiated else { continue }
            let connection = Connection(
                interface: Int32(truncatingIfNeeded: record.pointee.interfaceId), instance: Int32(truncatingIfNeeded: record.pointee.instanceId),
                account: Int32(truncatingIfNeeded: record.pointee.accountId), port: UInt16(truncatingIfNeeded: record.pointee.destinationPort),
                clientPort: UInt16(truncatingIfNeeded: record.pointee.sourcePort), accepted: record.pointee.accepted,
                protocolNumber: UInt8(truncatingIfNeeded: record.pointee.protocolNumber), confidence: view.confidence,
                packets: Int32(clamping: record.pointee.packets), bytes: Int32(clamping: record.pointee.bytes),
                tcpFlags: record.pointee.tcpFlags, duration: UInt16(clamping: max(0, record.pointee.end - start)), start: start,
                local: view.local, remote: view.remote
            )
            // Appended in place, through the window's index (a copy of the buffer would copy its arrays on every record).
            self.windows[self.slot(window)].add(connection, openedByUs: !view.inbound)
        }
    }

    /// Closes the windows that end at or before `watermark` (all when nil).
    mutating func close(before watermark: Int64?, rules: [any FlowWindowRule], in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        while let oldest = self.windows.first, watermark.map({ (oldest.start + 1) * length <= $0 }) ?? true {
            self.judge(self.windows.removeFirst(), rules, context)
        }
    }

    /// Hands a closing window, with the one before it when that was the previous one judged, to every rule.
    mutating func judge(_ window: FlowWindow, _ rules: [any FlowWindowRule], _ context: RuleContext) {
        let span = window.span(after: self.previous, windowSeconds: context.thresholds.windowSeconds)
        for rule in rules { rule.judge(span, in: context) }
        self.previous = window
    }

    /// The index of a window's buffer in `windows`, opened when new (kept in order: a late file may open an older one).
    @inline(__always)
    mutating func slot(_ window: Int64) -> Int {
        var slot = self.windows.count - 1
        while slot >= 0 {
            if self.windows[slot].start == window { return slot }
            if self.windows[slot].start < window { break }
            slot -= 1
        }
        self.windows.insert(FlowWindow(start: window), at: slot + 1)
        return slot + 1
    }
}

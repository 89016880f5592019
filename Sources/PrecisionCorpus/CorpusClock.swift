import Foundation
import GuardDutyModel

/// UTC calendar arithmetic for the generator's timestamps, without `DateFormatter` (slow, locale-dependent): the
/// project's `CivilDate`, in the forms the generator writes.
enum CorpusClock {
    /// The calendar fields of a Unix time, in UTC.
    static func parts(_ time: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = time >= 0 ? time / 86400 : (time - 86399) / 86400
        let seconds = Int(time - days * 86400)
        let date = CivilDate.date(days: days)
        return (Int(date.year), Int(date.month), Int(date.day), seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// ISO 8601 with a Z, as CloudTrail and Route 53 Resolver write it.
    static func iso(_ time: Int64) -> String {
        let p = CivilDate.padded(epochSeconds: time)
        return "\(p.year)-\(p.month)-\(p.day)T\(p.hour):\(p.minute):\(p.second)Z"
    }

    /// Unix seconds of an ISO 8601 UTC timestamp (`2026-11-07T01:15:00Z`, fractions ignored); nil if unreadable.
    static func parse(_ text: String) -> Int64? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int64($0) }
        guard digits.count == 6 else { return nil }
        return CivilDate.days(year: digits[0], month: digits[1], day: digits[2]) * 86400 + digits[3] * 3600 + digits[4] * 60 + digits[5]
    }
}

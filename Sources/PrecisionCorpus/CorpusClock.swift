import Foundation

/// UTC calendar arithmetic for the generator's timestamps, without `DateFormatter` (slow, locale-dependent).
enum CorpusClock {
    /// The calendar fields of a Unix time, in UTC.
    static func parts(_ time: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Int(time >= 0 ? time / 86400 : (time - 86399) / 86400)
        let seconds = Int(time - Int64(days) * 86400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// ISO 8601 with a Z, as CloudTrail and Route 53 Resolver write it.
    static func iso(_ time: Int64) -> String {
        let p = self.parts(time)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(p.year)-\(two(p.month))-\(two(p.day))T\(two(p.hour)):\(two(p.minute)):\(two(p.second))Z"
    }

    /// Unix seconds of an ISO 8601 UTC timestamp (`2026-11-07T01:15:00Z`, fractions ignored); nil if unreadable.
    static func parse(_ text: String) -> Int64? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int($0) }
        guard digits.count == 6 else { return nil }
        let (year, month, day) = (digits[0], digits[1], digits[2])
        // Howard Hinnant's days_from_civil.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146097 + dayOfEra - 719468)
        return days * 86400 + Int64(digits[3] * 3600 + digits[4] * 60 + digits[5])
    }
}

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
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", p.year, p.month, p.day, p.hour, p.minute, p.second)
    }
}

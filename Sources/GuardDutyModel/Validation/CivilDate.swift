/// Days since 1970-01-01 to and from proleptic Gregorian dates (Howard Hinnant's algorithms), for the timestamp
/// formats of logs and signatures without Foundation's calendars on hot paths.
public enum CivilDate {
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day number.
    public static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The UTC date and time of an epoch second, zero-padded: year (4), month, day, hour, minute, second (2 each).
    public static func padded(epochSeconds seconds: Int64) -> (year: String, month: String, day: String, hour: String, minute: String, second: String)
    {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (year, month, day) = Self.date(days: days)
        return (pad(year, 4), pad(month, 2), pad(day, 2), pad(rest / 3600, 2), pad(rest / 60 % 60, 2), pad(rest % 60, 2))
    }

    /// Zero-padded decimal.
    public static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

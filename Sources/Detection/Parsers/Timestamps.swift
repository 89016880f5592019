import GuardDutyModel

/// ISO 8601 timestamps of logs (`2020-10-30T23:25:32Z`, `…32.123Z`, `2022-06-25 00:27:53`) to seconds and back.
public enum Timestamps {
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { self.parse($0) }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32, bytes[13] == 58, bytes[16] == 58,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month)
        else { return nil }
        return CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// `2020-10-30T23:25:32.000Z`, GuardDuty's form.
    public static func format(_ seconds: Int64) -> String {
        let t = CivilDate.padded(epochSeconds: seconds)
        return "\(t.year)-\(t.month)-\(t.day)T\(t.hour):\(t.minute):\(t.second).000Z"
    }
}

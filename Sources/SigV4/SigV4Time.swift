import Crypto
import GuardDutyModel

/// SigV4's basic ISO 8601 timestamps (`20150830T123600Z`) to and from seconds since 1970, without Foundation.
public enum SigV4Time {
    public static func parse(_ value: String) -> Int64? {
        let bytes = Array(value.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var result: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                result = result * 10 + Int64(byte - 48)
            }
            return result
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    public static func format(_ seconds: Int64) -> String {
        let t = CivilDate.padded(epochSeconds: seconds)
        return "\(t.year)\(t.month)\(t.day)T\(t.hour)\(t.minute)\(t.second)Z"
    }
}

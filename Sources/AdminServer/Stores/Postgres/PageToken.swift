import Foundation
import GuardDutyModel

/// Opaque `nextToken`s: the sort key of the last item of a page, base64url-encoded with a version prefix.
enum PageToken {
    static func encode(_ key: String) -> String {
        Data("gp1:\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String?) throws -> String? {
        guard let token, !token.isEmpty else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8), text.hasPrefix("gp1:") else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the nextToken is not valid: pass the nextToken of the previous response unchanged."
            )
        }
        return String(text.dropFirst(4))
    }
}

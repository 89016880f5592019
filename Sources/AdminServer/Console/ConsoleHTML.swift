import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import SigV4

/// Server-rendered HTML for the console: escaping, the page frame (navigation, styles), GuardDuty's severity
/// colours. No script and nothing from outside the server.
enum ConsoleHTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// GuardDuty's bands and colours: High red, Medium orange, Low blue.
    static func band(_ severity: Double) -> (name: String, colour: String) {
        severity >= 7 ? ("High", "#d13212") : severity >= 4 ? ("Medium", "#ec7211") : ("Low", "#0073bb")
    }

    static let pages: [(path: String, title: String)] = [
        ("/console", "Summary"), ("/console/findings", "Findings"), ("/console/usage", "Usage"), ("/console/settings", "Settings"),
        ("/console/lists", "Lists"), ("/console/features", "S3 Protection"), ("/console/accounts", "Accounts"),
    ]

    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#16191f;background:#f2f3f3}
        header{background:#232f3e;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
        header a{color:#fff;text-decoration:none}header a.active{border-bottom:2px solid #ec7211}
        header form{margin-left:auto}main{padding:1.2rem}section{background:#fff;border-radius:6px;padding:1rem;margin-bottom:1rem}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeded;font-size:.9rem}
        .sev{color:#fff;border-radius:3px;padding:.1rem .4rem;font-size:.8rem}.error{background:#fde8e8;border:1px solid #d13212;padding:.6rem}
        .cards{display:flex;gap:1rem}.card{flex:1;border-left:6px solid;padding:.6rem 1rem;background:#fff}
        pre{background:#f7f7f7;padding:.6rem;overflow:auto;font-size:.8rem}button{cursor:pointer}
        """

    static func page(title: String, session: ConsoleSession?, active: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        var nav = ""
        if let session {
            nav = pages.map { #"<a href="\#($0.path)"\#($0.path == active ? #" class="active""# : "")>\#($0.title)</a>"# }.joined()
            nav += """
                <form method="post" action="/console/logout"><span>\(escape(session.accountId)) · \(escape(session.region))</span>
                \(csrfField(session)) <button type="submit">Sign out</button></form>
                """
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) · Guardpost</title>
            <style>\(style)</style></head><body><header><strong>Guardpost</strong>\(nav)</header><main><h1>\(escape(title))</h1>\(body)</main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func csrfField(_ session: ConsoleSession) -> String {
        #"<input type="hidden" name="csrf" value="\#(escape(session.csrfToken))">"#
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// `application/x-www-form-urlencoded` into name → values.
    static func form(_ buffer: ByteBuffer) -> [String: [String]] {
        FormEncoding.decode(String(buffer: buffer))
    }

    /// A query string value.
    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }
}

import Foundation
import FuzzSupport
import GuardDutyModel

/// FindingCriteria and SortCriteria JSON as ListFindings, GetFindingsStatistics and CreateFilter take them: decoded,
/// validated into terms (with and without wildcard patterns), attribute paths checked, wildcard patterns turned
/// into the anchored regular expressions the store runs — which must read back, scalar by scalar, as the pattern
/// (every special character of PostgreSQL's regular expressions escaped, `*` and `?` as `.*` and `.`).
/// The wildcard pattern a regular expression of `FindingAttribute.wildcardRegex` stands for, read over Unicode scalars
/// (what the database's regular expression engine sees); nil when a special character is left unescaped.
func wildcardPattern(of regex: String) -> String? {
    var scalars = Array(regex.unicodeScalars)
    guard scalars.count >= 2, scalars.first == "^", scalars.last == "$" else { return nil }
    scalars = Array(scalars[1..<(scalars.count - 1)])
    var out = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
        let scalar = scalars[index]
        if scalar == "\\" {
            guard index + 1 < scalars.count else { return nil }
            out.append(scalars[index + 1])
            index += 2
        } else if scalar == "." {
            let star = index + 1 < scalars.count && scalars[index + 1] == "*"
            out.append(star ? "*" : "?")
            index += star ? 2 : 1
        } else if "+()[]{}^$|*?".unicodeScalars.contains(scalar) {
            return nil
        } else {
            out.append(scalar)
            index += 1
        }
    }
    return String(out)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = Data(fuzzBytes(data, count))
    let decoder = JSONDecoder()
    if let criteria = try? decoder.decode(FindingCriteria.self, from: bytes) {
        _ = try? criteria.terms(allowMatches: false)
        if let terms = try? criteria.terms(allowMatches: true) {
            fuzzCheck(terms.count <= FindingCriteria.maxAttributes * 8, "more terms than conditions allow")
            for term in terms {
                fuzzCheck((try? FindingAttribute.validatePath(term.path)) != nil, "a term kept a path that does not validate")
                switch term.test {
                case .matches(let patterns), .notMatches(let patterns):
                    for pattern in patterns {
                        let regex = FindingAttribute.wildcardRegex(pattern)
                        fuzzCheck(
                            wildcardPattern(of: regex) == pattern, "a wildcard pattern's regular expression leaves a special character unescaped")
                    }
                default: break
                }
            }
        }
    }
    if let sort = try? decoder.decode(SortCriteria.self, from: bytes), let name = sort.attributeName {
        _ = try? FindingAttribute.validatePath(name)
    }
    _ = try? decoder.decode([String: Condition].self, from: bytes)
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}

import Foundation
import FuzzSupport
import GuardDutyModel

/// FindingCriteria and SortCriteria JSON as ListFindings, GetFindingsStatistics and CreateFilter take them: decoded,
/// validated into terms (with and without wildcard patterns), attribute paths checked, wildcard patterns turned
/// into the anchored regular expressions the store runs — which must compile and match the pattern's own text
/// (every `*` and `?` standing for itself).
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
                        guard let compiled = try? NSRegularExpression(pattern: regex, options: [.dotMatchesLineSeparators]) else {
                            fuzzCheck(false, "the regular expression of a wildcard pattern does not compile")
                            continue
                        }
                        let range = NSRange(pattern.startIndex..., in: pattern)
                        fuzzCheck(compiled.firstMatch(in: pattern, range: range) != nil, "a wildcard pattern does not match its own text")
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

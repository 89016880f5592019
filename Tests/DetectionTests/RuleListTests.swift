import Foundation
import GuardDutyModel
import Testing
import ThreatLists

@testable import Detection

@Suite("The rule list")
struct RuleListTests {
    @Test func everyRuleDeclaresTypesFromTheCatalogue() {
        for rule in DetectionRules.standard().all {
            #expect(!rule.findingTypes.isEmpty, "\(type(of: rule)) declares no finding type")
            for findingType in rule.findingTypes {
                #expect(FindingCatalog.info(findingType) != nil, "\(type(of: rule)) declares \(findingType), which is not in the catalogue")
            }
        }
    }

    @Test func everyCatalogueTypeHasExactlyOneRule() {
        var owners: [FindingType: [String]] = [:]
        for rule in DetectionRules.standard().all {
            for findingType in rule.findingTypes { owners[findingType, default: []].append("\(type(of: rule))") }
        }
        for info in FindingCatalog.entries {
            #expect(owners[info.findingType]?.count == 1, "\(info.type) is raised by \(owners[info.findingType] ?? [])")
        }
    }

    @Test func theCatalogueHasOneEntryPerType() {
        #expect(FindingCatalog.all.count == FindingCatalog.entries.count)
    }

    /// 25 SSH attempts from one address: the standard rules find SSHBruteForce; without the rule that declares it,
    /// nothing else raises it.
    @Test func anEngineWithoutARuleDoesNotRaiseItsType() {
        func types(_ rules: DetectionRules) -> Set<String> {
            let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "d", rules: rules)
            var parser = FlowLogParser(names: engine.names)
            let lines = (0..<25).map { flowLine("45.9.20.77", "10.0.0.5", 40_000 + $0, 22, start: 1_700_000_000 + $0) }
            parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
            return Set(engine.findings().map(\.type))
        }
        let ssh = FindingType.unauthorizedAccessEC2SSHBruteForce
        #expect(types(.standard()).contains(ssh.rawValue))
        #expect(!types(DetectionRules.standard().removing(ssh)).contains(ssh.rawValue))
        #expect(types(DetectionRules()).isEmpty, "an engine with no rules finds nothing")
    }

    @Test func missingSharedDataIsAFailureThatSaysWhere() {
        let nowhere = URL(fileURLWithPath: "/nonexistent/shared/data")
        #expect(throws: SharedData.Missing.self) { try SharedData.require(at: nowhere) }
        #expect(SharedData.Missing(path: nowhere.path).description.contains("/nonexistent/shared/data does not exist"))
    }
}

import Foundation
import GuardDutyModel
import Testing

/// The Kubernetes members of `Finding` are kept behind a reference (`Indirect`): a finding without them carries a
/// pointer each, not their inline size, and their JSON is exactly that of an optional member.
@Suite("Indirect finding members")
struct IndirectMemberTests {
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func aRarelyUsedMemberCostsOnePointer() {
        #expect(MemoryLayout<Indirect<Finding.KubernetesDetails>>.size == MemoryLayout<Int>.size)
        #expect(MemoryLayout<Indirect<Finding.KubernetesApiCallAction>>.size == MemoryLayout<Int>.size)
    }

    @Test func itIsLeftOutWhenNilWrittenWhenSetAndReadBackAbsentNullOrSet() throws {
        var action = Finding.Action(actionType: "KUBERNETES_API_CALL")
        #expect(try Self.json(action) == #"{"actionType":"KUBERNETES_API_CALL"}"#)
        action.kubernetesApiCallAction = Finding.KubernetesApiCallAction(
            requestUri: "/api/v1/pods", verb: "list", sourceIps: ["198.51.100.7"], userAgent: nil, statusCode: 200)
        let written = try Self.json(action)
        #expect(
            written
                == #"{"actionType":"KUBERNETES_API_CALL","kubernetesApiCallAction":{"requestUri":"/api/v1/pods","sourceIPs":["198.51.100.7"],"statusCode":200,"verb":"list"}}"#
        )
        #expect(try JSONDecoder().decode(Finding.Action.self, from: Data(written.utf8)) == action)
        let null = try JSONDecoder().decode(Finding.Action.self, from: Data(#"{"actionType":"X","kubernetesApiCallAction":null}"#.utf8))
        #expect(null.kubernetesApiCallAction == nil && null == Finding.Action(actionType: "X"))
    }

    @Test func aCopyKeepsItsValueWhenTheOriginalChanges() {
        var resource = Finding.Resource(resourceType: "EKSCluster")
        resource.eksClusterDetails = Finding.EksClusterDetails(name: "prod-east")
        var copy = resource
        copy.eksClusterDetails?.name = "prod-west"
        #expect(resource.eksClusterDetails?.name == "prod-east" && copy.eksClusterDetails?.name == "prod-west")
        #expect(resource != copy)
    }
}

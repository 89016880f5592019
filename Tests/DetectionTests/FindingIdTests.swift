import GuardDutyModel
import Testing

@testable import Detection

/// A finding's id is a stable function of its account, region, type and key: agents' checkpoints and the server's
/// stored findings name findings by it, so a new release must make the same ids (no database).
@Suite("Finding ids")
struct FindingIdTests {
    @Test func theIdIsTheFirstSixteenBytesOfTheKeysSHA256InLowercaseHex() {
        let observation = Observation(
            type: FindingType("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"), key: "i-0abc|198.51.100.7", time: 0, accountId: "111122223333",
            region: "us-east-1", resource: Finding.Resource(resourceType: "Instance"), resourceRole: "TARGET",
            action: .network(
                Finding.NetworkConnectionAction(
                    blocked: false, direction: "INBOUND", protocolName: "TCP", local: nil, localPort: nil, remote: nil, remotePort: nil)),
            evidence: nil, description: "")
        // sha256("111122223333|us-east-1|UnauthorizedAccess:EC2/MaliciousIPCaller.Custom|i-0abc|198.51.100.7")[:16], by Python's hashlib.
        #expect(FindingAggregator.findingId(observation) == "14e835c5542f73cf2b45e0b45b872f54")
    }
}

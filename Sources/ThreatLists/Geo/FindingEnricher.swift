import GuardDutyModel

/// Fills GuardDuty's remoteIpDetails (country, city, geoLocation, organization) of every remote address a finding
/// names — network connection, API call, each port-probe detail — from the operator's databases. Only what a finding
/// lacks is filled, so a finding an agent already enriched passes through unchanged; private and special-purpose
/// addresses are never placed.
public struct FindingEnricher: Sendable {
    public let databases: GeoDatabases

    public init(databases: GeoDatabases) {
        self.databases = databases
    }

    /// The enricher of the files given, nil when none is given; throws naming a file that cannot be read.
    public static func open(cityPath: String?, asnPath: String?) throws -> FindingEnricher? {
        guard cityPath != nil || asnPath != nil else { return nil }
        return FindingEnricher(databases: try GeoDatabases(cityPath: cityPath, asnPath: asnPath))
    }

    public func enrich(_ finding: inout Finding) {
        let action = finding.service.action
        if action.networkConnectionAction?.remoteIpDetails != nil {
            self.enrich(&finding.service.action.networkConnectionAction!.remoteIpDetails!)
        }
        if action.awsApiCallAction?.remoteIpDetails != nil {
            self.enrich(&finding.service.action.awsApiCallAction!.remoteIpDetails!)
        }
        if action.kubernetesApiCallAction?.remoteIpDetails != nil {
            self.enrich(&finding.service.action.kubernetesApiCallAction!.remoteIpDetails!)
        }
        if let probes = action.portProbeAction?.portProbeDetails {
            for index in probes.indices { self.enrich(&finding.service.action.portProbeAction!.portProbeDetails[index].remoteIpDetails) }
        }
    }

    public func enriched(_ findings: [Finding]) -> [Finding] {
        findings.map { finding in
            var copy = finding
            self.enrich(&copy)
            return copy
        }
    }

    /// Fills the fields `details` lacks; looks nothing up when it lacks none.
    public func enrich(_ details: inout Finding.RemoteIpDetails) {
        guard details.country == nil || details.city == nil || details.geoLocation == nil || details.organization == nil,
            let address = details.ipAddressV4 ?? details.ipAddressV6, let location = self.databases.locate(address)
        else { return }
        if details.country == nil, location.countryCode != nil || location.countryName != nil {
            details.country = Finding.Country(countryCode: location.countryCode, countryName: location.countryName)
        }
        if details.city == nil, let city = location.cityName { details.city = Finding.City(cityName: city) }
        if details.geoLocation == nil, let lat = location.latitude, let lon = location.longitude {
            details.geoLocation = Finding.GeoLocation(lat: lat, lon: lon)
        }
        if details.organization == nil, location.asn != nil || location.asnOrg != nil || location.isp != nil || location.org != nil {
            details.organization = Finding.Organization(
                asn: location.asn.map { String($0) }, asnOrg: location.asnOrg, isp: location.isp, org: location.org)
        }
    }
}

import GuardDutyModel

/// How the console writes a remote address's place and owner (remoteIpDetails' country, city, geoLocation, organization).
enum RemotePlaceText {
    /// "London, United Kingdom (GB) · 51.5142, -0.0931"; nil when the finding says nothing of the place.
    static func location(_ details: Finding.RemoteIpDetails) -> String? {
        let country = details.country.flatMap { country -> String? in
            switch (country.countryName, country.countryCode) {
            case (let name?, let code?): return "\(name) (\(code))"
            case (let name?, nil): return name
            case (nil, let code?): return code
            default: return nil
            }
        }
        let place = [details.city?.cityName, country].compactMap { $0 }.joined(separator: ", ")
        let point = details.geoLocation.flatMap { point in point.lat.flatMap { lat in point.lon.map { "\(lat), \($0)" } } }
        let text = [place.isEmpty ? nil : place, point].compactMap { $0 }.joined(separator: " · ")
        return text.isEmpty ? nil : text
    }

    /// "AS1221 Telstra Pty Ltd · ISP Telstra Internet · Telstra Internet"; nil when the finding names no owner.
    static func owner(_ details: Finding.RemoteIpDetails) -> String? {
        guard let organization = details.organization else { return nil }
        let system = [organization.asn.map { "AS\($0)" }, organization.asnOrg].compactMap { $0 }.joined(separator: " ")
        var parts = [system.isEmpty ? nil : system, organization.isp.map { "ISP \($0)" }]
        if organization.org != organization.isp { parts.append(organization.org) }
        let text = parts.compactMap { $0 }.joined(separator: " · ")
        return text.isEmpty ? nil : text
    }
}

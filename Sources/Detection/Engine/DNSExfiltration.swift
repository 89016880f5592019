import Foundation

/// The DNS heuristics: data encoded in long, high-entropy labels below one registered domain (exfiltration), random
/// second-level labels (generated domains), and the structure of names that look random but are not — AWS's and the
/// common clouds' and CDNs' endpoint names (`internal-NAME-1234567890.us-east-1.elb.amazonaws.com`, `<32 hex>.gr7
/// .us-east-1.eks.amazonaws.com`, `d1a2b3c4.cloudfront.net`, `e1234.a.akamaiedge.net`…), reverse lookups and private
/// zones. A query for such a name reaches only the provider's name servers, so it cannot carry data to anyone else.
public enum DNSExfiltration {
    /// True when the part before the registered domain is at least 40 characters of labels with high character
    /// entropy, and the name is not of a known-benign structure.
    public static func looksLikeExfiltration(_ name: String) -> Bool {
        // Cheap exit first: most names are short.
        guard name.utf8.count > 44, !self.isKnownBenign(name) else { return false }
        let registered = self.registeredDomain(name)
        guard name.count > registered.count + 40 else { return false }
        let prefix = name.dropLast(registered.count + 1).filter { $0 != "." }
        guard prefix.count >= 40 else { return false }
        return self.entropy(prefix) >= 3.5
    }

    /// The registered domain's own label (`example` of `a.b.example.co.uk`) when it is 12 or more characters that read
    /// as random: high entropy, and few vowels or digits mixed in. Never for names of a known-benign structure or a
    /// single label (Chrome's random probes of the search domains).
    public static func looksGenerated(_ name: String) -> Bool {
        guard !self.isKnownBenign(name) else { return false }
        let registered = self.registeredDomain(name)
        guard let dot = registered.firstIndex(of: ".") else { return false }
        let label = registered[..<dot]
        guard label.count >= 12, label.allSatisfy({ $0.isLetter || $0.isNumber }) else { return false }
        let vowels = label.filter { "aeiou".contains($0) }.count
        let digits = label.filter(\.isNumber).count
        return self.entropy(label) >= 3.3 && (Double(vowels) / Double(label.count) < 0.3 || digits >= 2)
    }

    /// Public suffixes of more than one label that are common in practice (a full public-suffix list is not shipped):
    /// under these, the registered domain is three labels.
    static let multiLabelSuffixes: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au",
        "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "com.br", "net.br", "org.br", "gov.br",
        "com.cn", "net.cn", "org.cn", "gov.cn", "com.hk", "com.tw", "com.sg", "com.my", "co.in", "net.in", "org.in", "gov.in", "co.za",
        "org.za", "com.mx", "com.ar", "com.tr", "com.pl", "com.ua", "co.il", "co.id", "com.vn", "com.ph", "com.pk", "com.eg", "com.sa",
        "co.th", "in.th", "com.co", "com.pe", "com.ng", "co.ke", "com.es", "co.at", "or.at", "com.ru", "amazonaws.com.cn",
    ]

    /// The registered domain: the last two labels, or three under a common multi-label public suffix.
    public static func registeredDomain(_ name: String) -> String {
        let labels = name.split(separator: ".")
        guard labels.count >= 3 else { return labels.joined(separator: ".") }
        let suffix = labels.suffix(2).joined(separator: ".")
        return labels.suffix(self.multiLabelSuffixes.contains(suffix) ? 3 : 2).joined(separator: ".")
    }

    /// Registered domains (and zones) whose names are the clouds' and CDNs' own endpoints, and private or reverse zones.
    static let benignZones: Set<String> = [
        // AWS.
        "amazonaws.com", "amazonaws.com.cn", "api.aws", "on.aws", "amazon.com", "amazontrust.com", "awsglobalaccelerator.com", "cloudfront.net",
        "awsapps.com", "amplifyapp.com", "elasticbeanstalk.com", "awstrack.me", "awsdns-cn.com", "aws.dev",
        // Akamai, Azure and Microsoft, Google, Cloudflare, Fastly and other CDNs and hosting platforms: their own name
        // servers answer every name below these.
        "akamai.net", "akamaiedge.net", "akamaihd.net", "akamaitechnologies.com", "akamaized.net", "edgekey.net", "edgesuite.net", "akadns.net",
        "azure.com", "azure.net", "azurewebsites.net", "azureedge.net", "azurefd.net", "windows.net", "trafficmanager.net", "cloudapp.net",
        "cloudapp.azure.com", "microsoft.com", "msedge.net", "msecnd.net", "googleapis.com", "gvt1.com", "gvt2.com", "googleusercontent.com",
        "google.com", "gstatic.com", "appspot.com", "run.app", "cloudflare.com", "cloudflare.net", "cloudflare-dns.com", "workers.dev", "r2.dev",
        "cloudflarestorage.com", "fastly.net", "fastlylb.net", "fastly-edge.com", "edgecastcdn.net", "llnwd.net", "footprint.net", "cdn77.org",
        "b-cdn.net", "kxcdn.com", "hwcdn.net", "githubusercontent.com", "github.io", "herokuapp.com", "vercel.app", "netlify.app",
        "digitaloceanspaces.com", "backblazeb2.com", "oraclecloud.com",
        // Reputation look-ups that put a file's or message's hash in the name (anti-virus, mail filtering).
        "sophosxl.net", "mcafee.com", "spamhaus.net", "spamhaus.org", "surbl.org", "uribl.com", "spameatingmonkey.net", "barracudacentral.org",
        // Reverse look-ups.
        "in-addr.arpa", "ip6.arpa",
    ]

    /// Names of a structure known to be benign however random they look: the zones of `benignZones`, and private
    /// names (`.internal`, `.local`, `.localdomain`, `.lan`, `.home.arpa`).
    public static func isKnownBenign(_ name: String) -> Bool {
        let labels = name.split(separator: ".")
        guard let last = labels.last else { return true }
        if ["internal", "local", "localdomain", "lan", "arpa", "localhost"].contains(last) { return true }
        // Up to the last three labels: zones such as `cloudapp.azure.com` or `amazonaws.com.cn` are three deep.
        for depth in 2...3 where labels.count >= depth {
            if self.benignZones.contains(labels.suffix(depth).joined(separator: ".")) { return true }
        }
        return false
    }

    static func entropy(_ text: some StringProtocol) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}

import Foundation
import GuardDutyModel

/// The findings page: the filter form (as submitted), a page of findings with the bulk archive form, a link to the
/// next page, and the detail pane of the finding picked by `id`.
struct FindingsView {
    /// A choice of the sort list (Last seen is the first, unmarked choice).
    struct Choice {
        let value: String
        let label: String
        let selected: Bool
    }

    /// One finding of the page.
    struct Row {
        let id: String
        let band: String
        let colour: String
        let severity: String
        /// The page's own query and `&`, so that the link keeps the filter and adds `id`.
        let linkPrefix: String
        let type: String
        let resource: String
        let accountId: String
        let region: String
        let updatedAt: String
        let count: Int
    }

    let filter: FindingsQuery
    let severityMedium: Bool
    let severityHigh: Bool
    let sorts: [Choice]
    let ascending: Bool
    let archived: Bool
    /// The page with its query, where a change made from it returns.
    let back: String
    /// The bulk form's action: archive current findings, unarchive archived ones.
    let archiveValue: String
    let archiveLabel: String
    let rows: [Row]
    /// The next page's query string, when there is one.
    let next: String?
    let detail: FindingDetailView?

    /// What a finding's link starts with: the current query without the open finding's `id` (the form decoder keeps a
    /// repeated field's first value, so `id=a&id=b` would open `a` again), ending in `&` when anything is left.
    static func linkPrefix(_ query: String) -> String {
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("id=") && $0 != "id" }
        return kept.isEmpty ? "" : kept.joined(separator: "&") + "&"
    }

    /// The query string of the next page: the current parameters but `page` and `id`, and the next token.
    static func nextQuery(_ parameters: [(key: Substring, value: Substring)], token: String?) -> String? {
        guard let token else { return nil }
        var items = parameters.filter { $0.key != "page" && $0.key != "id" }.map {
            "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        items.append("page=\(token)")
        return items.joined(separator: "&")
    }
}

extension FindingsView {
    init(filter: FindingsQuery, query: String, findings: [Finding], next: String?, detail: FindingDetailView?) {
        self.filter = filter
        self.severityMedium = filter.severity == "4"
        self.severityHigh = filter.severity == "7"
        self.sorts = [("severity", "Severity"), ("type", "Type"), ("service.count", "Count")].map {
            Choice(value: $0.0, label: $0.1, selected: filter.sort == $0.0)
        }
        self.ascending = filter.order == "ASC"
        self.archived = filter.archived == "true"
        self.back = "/console/findings" + (query.isEmpty ? "" : "?" + query)
        self.archiveValue = self.archived ? "false" : "true"
        self.archiveLabel = self.archived ? "Unarchive" : "Archive"
        let prefix = Self.linkPrefix(query)
        self.rows = findings.map { Row($0, linkPrefix: prefix) }
        self.next = next
        self.detail = detail
    }
}

extension FindingsView.Row {
    init(_ finding: Finding, linkPrefix: String) {
        let band = SeverityBand(finding.severity)
        self.id = finding.id
        self.band = band.name
        self.colour = band.colour
        self.severity = "\(finding.severity)"
        self.linkPrefix = linkPrefix
        self.type = finding.type
        self.resource =
            finding.resource.instanceDetails?.instanceId ?? finding.resource.accessKeyDetails?.userName
            ?? finding.resource.s3BucketDetails?.first?.name ?? finding.resource.eksClusterDetails?.name ?? finding.resource.resourceType
        self.accountId = finding.accountId
        self.region = finding.region
        self.updatedAt = finding.updatedAt
        self.count = finding.service.count
    }
}

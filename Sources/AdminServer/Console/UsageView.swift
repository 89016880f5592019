import GuardDutyModel

/// The usage page: what each account's agents analysed per data source in the last 30 days.
struct UsageView {
    /// One account and data source, summed over its days.
    struct Row {
        let accountId: String
        let dataSource: String
        let records: Int
        let bytes: Int
        let days: Int
    }

    let rows: [Row]
}

extension UsageView {
    init(usage: [UsageRow]) {
        let grouped = Dictionary(grouping: usage) { "\($0.accountId)|\($0.dataSource)" }.sorted { $0.key < $1.key }
        self.rows = grouped.compactMap { _, rows in
            guard let first = rows.first else { return nil }
            return Row(
                accountId: first.accountId, dataSource: first.dataSource, records: rows.reduce(0) { $0 + $1.records },
                bytes: rows.reduce(0) { $0 + $1.bytes }, days: rows.count
            )
        }
    }
}

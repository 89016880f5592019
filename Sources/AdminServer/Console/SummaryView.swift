import Foundation
import GuardDutyModel

/// The summary page: current findings per severity band, a bar per day, and the top types, resources, accounts, remote
/// countries and remote autonomous systems.
struct SummaryView {
    /// One severity band's count.
    struct Card {
        let name: String
        let colour: String
        let count: Int
    }

    /// One day's bar of the chart; every third carries its date below.
    struct Bar {
        let x: Int
        let y: Double
        let height: Double
        let colour: String
        let day: String
        let total: Int
        let label: String?
    }

    /// A top-ten table.
    struct Table {
        let title: String
        let rows: [Row]
    }

    /// One row of a top-ten table.
    struct Row {
        let label: String
        let total: Int
    }

    let cards: [Card]
    let chartWidth: Int
    let bars: [Bar]
    let tables: [Table]
}

extension SummaryView {
    init(
        bySeverity: [FindingStatisticsGroup], byDate: [FindingStatisticsGroup], byType: [FindingStatisticsGroup],
        byResource: [FindingStatisticsGroup], byAccount: [FindingStatisticsGroup], places: RemotePlaces = RemotePlaces()
    ) {
        var bands: [String: Int] = ["High": 0, "Medium": 0, "Low": 0]
        for group in bySeverity { bands[SeverityBand(group.severity ?? 0).name, default: 0] += group.totalFindings }
        self.cards = [("High", 8.0), ("Medium", 5.0), ("Low", 2.0)].map { name, severity in
            Card(name: name, colour: SeverityBand(severity).colour, count: bands[name] ?? 0)
        }
        let days = byDate.sorted { ($0.date ?? 0) < ($1.date ?? 0) }.suffix(30)
        let peak = max(1, days.map(\.totalFindings).max() ?? 1)
        self.bars = days.enumerated().map { index, group in
            let height = Double(group.totalFindings) / Double(peak) * 100
            let day = Date(timeIntervalSince1970: group.date ?? 0).formatted(.iso8601.year().month().day())
            return Bar(
                x: index * 22, y: 110 - height, height: height, colour: SeverityBand(group.severity ?? 0).colour, day: day,
                total: group.totalFindings, label: index % 3 == 0 ? String(day.suffix(5)) : nil
            )
        }
        self.chartWidth = max(200, days.count * 22)
        func table(_ title: String, _ groups: [FindingStatisticsGroup], _ label: (FindingStatisticsGroup) -> String) -> Table {
            Table(title: title, rows: groups.prefix(10).map { Row(label: label($0), total: $0.totalFindings) })
        }
        self.tables = [
            table("Top finding types", byType) { $0.findingType ?? "" },
            table("Most affected resources", byResource) { "\($0.resourceType ?? "") \($0.resourceId ?? "") (\($0.accountId ?? ""))" },
            table("Accounts", byAccount) { $0.accountId ?? "" },
            Table(title: "Top remote countries", rows: places.countries.map { Row(label: $0.label, total: $0.total) }),
            Table(title: "Top remote networks (ASN)", rows: places.autonomousSystems.map { Row(label: $0.label, total: $0.total) }),
        ]
    }
}

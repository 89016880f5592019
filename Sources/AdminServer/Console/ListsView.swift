import Foundation
import GuardDutyModel

/// The lists page: every list of every kind with its actions, and the form that adds one.
struct ListsView {
    /// A value and its label (a select choice or a button).
    struct Choice {
        let value: String
        let label: String
    }

    /// One list.
    struct Row {
        let kind: String
        let kindName: String
        let id: String
        let name: String
        let format: String
        let status: String
        let location: String
        let actions = ["activate", "deactivate", "delete"].map { Choice(value: $0, label: $0.capitalized) }
    }

    let rows: [Row]
    let kinds = ListKind.allCases.map { Choice(value: $0.rawValue, label: $0.displayName) }
    let formats = ListFileFormat.allCases.map(\.rawValue)
}

extension ListsView.Row {
    init(kind: ListKind, id: String, list: GetListResponse) {
        self.kind = kind.rawValue
        self.kindName = kind.displayName
        self.id = id
        self.name = list.name
        self.format = list.format.rawValue
        self.status = list.status.rawValue
        self.location = list.location
    }
}

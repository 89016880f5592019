import GuardDutyModel

/// What a list may hold: IP lists (IPSet, ThreatIntelSet) hold addresses and networks only; entity lists also domains.
public enum ListContent: Sendable {
    case addresses
    case addressesAndDomains
}

/// How far each data source's records have advanced (epoch seconds of record time, less the window length): the
/// windows of a source are judged up to its own mark. `Int64.min` for a source with no records closes nothing of it.
public struct Watermarks: Sendable, Equatable {
    public var flow: Int64
    public var cloudTrail: Int64
    public var dns: Int64
    public var kubernetes: Int64

    public init(flow: Int64 = .min, cloudTrail: Int64 = .min, dns: Int64 = .min, kubernetes: Int64 = .min) {
        self.flow = flow
        self.cloudTrail = cloudTrail
        self.dns = dns
        self.kubernetes = kubernetes
    }
}

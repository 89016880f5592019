import Detection
import Foundation

/// Log bytes → parsers → the detection engine → findings: the one pipeline of `guardpost-agent scan` (whole files)
/// and of the running agent (the bytes a `LogTailer` hands over as files grow).
///
/// Single-threaded, like the engine it feeds. Each flow log file gets its own parser, because a file may start with
/// its own header line (custom formats); CloudTrail, DNS logs and Kubernetes audit logs share one parser each.
public final class LogPipeline {
    public let engine: DetectionEngine
    /// Flow log parsers of the files being followed, by file identity.
    private var flowParsers: [String: FlowLogParser] = [:]
    /// What the flow log parsers of files finished (scanned, or gone) read.
    private var finishedFlowStatistics = ParseStatistics()
    private var cloudTrailParser = CloudTrailParser()
    private var dnsParser = DNSLogParser()
    private var kubernetesParser = KubernetesAuditParser()

    /// What one piece of input yielded: records analysed, malformed records, and the newest record's time.
    public struct Yield: Sendable, Equatable {
        public var records = 0
        public var malformed = 0
        public var newest: Int64 = 0
    }

    public init(engine: DetectionEngine) {
        self.engine = engine
    }

    /// What the parsers of a data source have read so far.
    public func statistics(of dataSource: DataSource) -> ParseStatistics {
        switch dataSource {
        case .flowLogs:
            var total = self.finishedFlowStatistics
            for parser in self.flowParsers.values { total += parser.statistics }
            return total
        case .cloudTrail: return self.cloudTrailParser.statistics
        case .dnsLogs: return self.dnsParser.statistics
        case .kubernetesAuditLogs: return self.kubernetesParser.statistics
        }
    }

    // MARK: whole files (scan)

    /// Reads whole files (`LogInput.files` of each path: directories, `.gz`, `-` for stdin), in the order of their first
    /// record's time (see `inTimeOrder`), whatever order they are given in.
    public func scan(_ paths: [String], as dataSource: DataSource) throws {
        let files = try paths.flatMap(LogInput.files)
        // Standard input is read once: it keeps its place.
        for path in files.contains("-") ? files : Self.inTimeOrder(files, as: dataSource) {
            try self.scanFile(path, as: dataSource)
        }
    }

    /// Reads one whole file: line logs in constant memory, chunk by chunk; CloudTrail documents whole.
    public func scanFile(_ path: String, as dataSource: DataSource) throws {
        let engine = self.engine
        switch dataSource {
        case .flowLogs:
            // Each file may carry its own header (custom formats): a parser of its own.
            var parser = FlowLogParser(names: engine.names)
            try LogInput.forEachChunk(path) { chunk in parser.parse(chunk, batches: engine.process(batch:)) }
            self.finishedFlowStatistics += parser.statistics
        case .cloudTrail:
            self.cloudTrailParser.parse(try LogInput.read(path)) { engine.process($0) }
        case .dnsLogs:
            try LogInput.forEachChunk(path) { chunk in self.dnsParser.parse(chunk) { engine.process($0) } }
        case .kubernetesAuditLogs:
            try LogInput.forEachChunk(path) { chunk in self.kubernetesParser.parse(chunk) { engine.process($0) } }
        }
    }

    // MARK: followed files (run)

    /// Analyses complete new content of a followed file (`file`: its identity; `fromStart`: whether the bytes start at
    /// offset 0, else a flow log's header line is read first from the file's start).
    public func ingest(_ bytes: [UInt8], from dataSource: DataSource, file: String, path: String, fromStart: Bool) -> Yield {
        let engine = self.engine
        var newest: Int64 = 0
        // The parser's counters before and after these bytes: what it read and what it skipped.
        let before: ParseStatistics
        let after: ParseStatistics
        switch dataSource {
        case .flowLogs:
            var parser = self.flowParsers[file] ?? self.flowParser(resumingIn: fromStart ? nil : path)
            before = parser.statistics
            // In batches, as a scan of a file reads them: the engine's per-record buffering is skipped.
            bytes.withUnsafeBufferPointer { buffer in
                parser.parse(
                    buffer,
                    batches: { records in
                        engine.process(batch: records)
                        for record in records where record.end > newest { newest = record.end }
                    })
            }
            after = parser.statistics
            self.flowParsers[file] = parser
        case .cloudTrail:
            before = self.cloudTrailParser.statistics
            self.cloudTrailParser.parse(bytes) { event in
                engine.process(event)
                newest = max(newest, event.eventTime)
            }
            after = self.cloudTrailParser.statistics
        case .dnsLogs:
            before = self.dnsParser.statistics
            self.dnsParser.parse(bytes) { query in
                engine.process(query)
                newest = max(newest, query.time)
            }
            after = self.dnsParser.statistics
        case .kubernetesAuditLogs:
            before = self.kubernetesParser.statistics
            self.kubernetesParser.parse(bytes) { event in
                engine.process(event)
                newest = max(newest, event.time)
            }
            after = self.kubernetesParser.statistics
        }
        return Yield(records: after.records - before.records, malformed: after.malformed - before.malformed, newest: newest)
    }

    /// A flow log parser for a file; resuming in the middle of `path`, the file's header line (custom formats) still
    /// applies, so it is read first.
    private func flowParser(resumingIn path: String?) -> FlowLogParser {
        var parser = FlowLogParser(names: self.engine.names)
        if let path, let header = LogTailer.firstLine(path), let first = header.first, (first | 0x20) >= 97, (first | 0x20) <= 122 {
            parser.parse(header) { _ in }
        }
        return parser
    }

    /// Lets go of one file's parser (an object read to its end).
    public func finish(file: String) {
        if let parser = self.flowParsers.removeValue(forKey: file) { self.finishedFlowStatistics += parser.statistics }
    }

    /// Lets go of the parsers of files no longer followed (rotated away, deleted).
    public func keepFiles(_ live: Set<String>) {
        for (file, parser) in self.flowParsers where !live.contains(file) {
            self.finishedFlowStatistics += parser.statistics
            self.flowParsers.removeValue(forKey: file)
        }
    }
}

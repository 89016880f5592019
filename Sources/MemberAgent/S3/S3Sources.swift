import Detection
import Foundation

/// The agent's `s3://` sources and, with `--sqs-queue-url`, the queue that announces their objects: what the detection
/// loop polls beside the local files. A queue message is deleted once every object it announced was read and the
/// checkpoint that records them is saved (`acknowledge`), never before.
final class S3Sources {
    let sources: [S3LogSource]
    let queue: SQSQueue?
    /// Received messages not yet deleted: message id, latest receipt handle, the objects announced (source, key, ETag).
    private var messages: [(id: String, handle: String, objects: [(source: Int, key: String, etag: String)])] = []
    /// What is wrong with the queue, if anything.
    private(set) var queueIssue: String?
    /// Queue failures in a row, and when the queue is asked again (5 s, doubling to a minute).
    private var queueFailures = 0
    private var queueRetryAt = 0.0

    init(sources: [S3LogSource], queue: SQSQueue?) {
        self.sources = sources
        self.queue = queue
    }

    /// The sources among `arguments` (`s3://…` arguments of each data source), with their saved state.
    static func make(
        arguments: [(DataSource, [String])], options: S3ReadingOptions?, accounts: S3LogSource.Accounts?, saved: [String: S3SourceState],
        scanning: Bool
    ) throws -> S3Sources {
        var sources: [S3LogSource] = []
        for (dataSource, paths) in arguments {
            for path in paths where S3SourceURL.isSource(path) {
                guard let url = S3SourceURL(path) else {
                    throw AgentError.configuration(
                        "\(path) is not an S3 location: give s3://BUCKET/ or s3://BUCKET/PREFIX/ (the folder that holds AWSLogs/)")
                }
                guard let options else { throw AgentError.configuration("\(path): S3 sources need S3 reading options") }
                var sourceOptions = S3LogSource.Options()
                sourceOptions.pollSeconds = scanning ? .infinity : options.pollSeconds
                sourceOptions.lateSeconds = options.lateSeconds
                sourceOptions.since = options.since
                sourceOptions.notified = options.queue != nil && !scanning
                if scanning { (sourceOptions.maxObjectsPerPoll, sourceOptions.maxBytesPerPoll) = (.max, .max) }
                let id = "\(dataSource.rawValue):\(path)"
                sources.append(
                    S3LogSource(
                        dataSource: dataSource, url: url, id: id, client: options.client, accounts: options.allAccounts ? .all : accounts,
                        region: options.region, options: sourceOptions, state: saved[id] ?? S3SourceState()
                    ))
            }
        }
        return S3Sources(sources: sources, queue: scanning ? nil : options?.queue)
    }

    var isEmpty: Bool { self.sources.isEmpty }

    /// The states to checkpoint, by source id.
    var states: [String: S3SourceState] { Dictionary(uniqueKeysWithValues: self.sources.map { ($0.id, $0.state) }) }

    /// Reads the queue (if any), then every source; `count` gets each object's yield and size with its source's id
    /// and data source; `progress` is called after each listing and object (heartbeat figures stay current).
    func poll(now: Double, pipeline: LogPipeline, count: (String, DataSource, LogPipeline.Yield, Int) -> Void, progress: () -> Void = {}) async {
        if let queue = self.queue, now >= self.queueRetryAt { await self.receive(queue, now: now) }
        for source in self.sources {
            await source.poll(
                now: now, pipeline: pipeline, count: { yield, bytes in count(source.id, source.dataSource, yield, bytes) }, progress: progress)
        }
    }

    /// Takes the queue's waiting messages and hands their objects to the sources that read them.
    private func receive(_ queue: SQSQueue, now: Double) async {
        do {
            // At most a few rounds per poll, so the files and other sources are not starved.
            for _ in 0..<10 {
                let received = try await queue.receive(waitSeconds: self.messages.isEmpty ? 1 : 0)
                (self.queueIssue, self.queueFailures) = (nil, 0)
                if received.isEmpty { break }
                for message in received {
                    var objects: [(source: Int, key: String, etag: String)] = []
                    for object in S3Notification(body: message.body).objects {
                        for (index, source) in self.sources.enumerated() where source.url.bucket == object.bucket {
                            if source.announce(key: object.key, etag: object.etag, size: object.size, now: now) {
                                objects.append((index, object.key, object.etag))
                            }
                        }
                    }
                    // A message seen again (its visibility ran out while its checkpoint waited) replaces its entry:
                    // only the newest receipt handle deletes it.
                    if let known = self.messages.firstIndex(where: { $0.id == message.id }) {
                        self.messages[known].handle = message.receiptHandle
                    } else {
                        self.messages.append((message.id, message.receiptHandle, objects))
                    }
                }
            }
        } catch {
            self.queueIssue = "\(queue.url): \(error)"
            self.queueFailures += 1
            self.queueRetryAt = now + min(60, 5 * pow(2, Double(min(self.queueFailures, 10) - 1)))
        }
    }

    /// The checkpoint was written: what the sources read so far is safe (queue messages may go).
    func checkpointed() {
        for source in self.sources { source.savedState = source.state }
    }

    /// Deletes the messages whose objects are all read (or skipped) and recorded in the saved checkpoint.
    func acknowledge() async {
        guard let queue = self.queue, !self.messages.isEmpty else { return }
        let done = self.messages.filter { message in message.objects.allSatisfy { self.sources[$0.source].isSaved(key: $0.key, etag: $0.etag) } }
        guard !done.isEmpty else { return }
        do {
            try await queue.delete(done.map(\.handle))
            let handles = Set(done.map(\.handle))
            self.messages.removeAll { handles.contains($0.handle) }
        } catch {
            // Left visible: they come back after the visibility timeout and their objects are recognised as read.
            self.queueIssue = "\(queue.url): \(error)"
        }
    }

    /// One source's figures for the heartbeat.
    struct Figures {
        var objects: Int
        var behind: Int
        var seconds: Double
        var issue: String?
        var skipped: [String]
    }

    /// Figures for the heartbeat, per source id.
    func figures() -> [String: Figures] {
        var figures: [String: Figures] = [:]
        for source in self.sources {
            let lag = source.lag
            let issue = [self.queueIssue, source.issue].compactMap { $0 }.joined(separator: " ")
            // Within what the server takes (4096 bytes each).
            figures[source.id] = Figures(
                objects: source.objectsRead, behind: lag.objects, seconds: lag.seconds, issue: issue.isEmpty ? nil : String(issue.prefix(1000)),
                skipped: source.corruptObjects.map { String($0.prefix(1000)) })
        }
        return figures
    }

    /// Sets whose objects are read, once the agent knows its account (from its first configuration).
    func read(account: String) {
        for source in self.sources where source.accounts == nil { source.accounts = .only(account) }
    }
}

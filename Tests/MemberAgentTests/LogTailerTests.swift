import Foundation
import MemberAgent
import Testing

/// Following log files as they grow, rotate and restart.
@Suite("Log tailing")
struct LogTailerTests {
    func drain(_ tailer: LogTailer) throws -> [String] {
        var lines: [String] = []
        try tailer.poll { _, _, bytes, _ in
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return lines
    }

    @Test func appendedLinesAreReadOnceAndAPartialLineWaitsForItsNewline() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/flow.log"
        try append("one\ntwo\nthr", to: file)
        let tailer = LogTailer(dataSource: .flowLogs, path: file)
        #expect(try self.drain(tailer) == ["one", "two"])
        #expect(try self.drain(tailer).isEmpty)
        try append("ee\nfour\n", to: file)
        #expect(try self.drain(tailer) == ["three", "four"])
    }

    @Test func aRestartFromSavedCursorsNeitherSkipsNorRepeats() throws {
        let directory = try temporaryDirectory()
        try append("a\nb\n", to: "\(directory)/1.log")
        let first = LogTailer(dataSource: .dnsLogs, path: directory)
        #expect(try self.drain(first) == ["a", "b"])
        try append("c\n", to: "\(directory)/1.log")
        try append("d\n", to: "\(directory)/2.log")
        let restarted = LogTailer(dataSource: .dnsLogs, path: directory, cursors: Array(first.cursors.values))
        #expect(try self.drain(restarted) == ["c", "d"])
    }

    @Test func rotationFinishesTheRenamedFileAndStartsTheNewOneFromItsStart() throws {
        let directory = try temporaryDirectory()
        try append("old-1\n", to: "\(directory)/app.log")
        let tailer = LogTailer(dataSource: .flowLogs, path: directory)
        #expect(try self.drain(tailer) == ["old-1"])
        try append("old-2\n", to: "\(directory)/app.log")
        try FileManager.default.moveItem(atPath: "\(directory)/app.log", toPath: "\(directory)/app.log.1")
        try append("new-1\n", to: "\(directory)/app.log")
        #expect(Set(try self.drain(tailer)) == ["old-2", "new-1"])
        // A truncated file is read again from its start.
        try "x\n".write(toFile: "\(directory)/app.log", atomically: false, encoding: .utf8)
        #expect(try self.drain(tailer) == ["x"])
    }

    @Test func aSingleWatchedFileThatIsRotatedIsFinishedBeforeTheNewOneIsRead() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/resolver.log"
        try append("a\n", to: file)
        let tailer = LogTailer(dataSource: .dnsLogs, path: file)
        #expect(try self.drain(tailer) == ["a"])
        // Written after the last poll, then rotated away (renamed, later deleted), and a new file takes the path.
        try append("b\n", to: file)
        try FileManager.default.moveItem(atPath: file, toPath: "\(directory)/resolver.log.1")
        try FileManager.default.removeItem(atPath: "\(directory)/resolver.log.1")
        try append("c\n", to: file)
        #expect(Set(try self.drain(tailer)) == ["b", "c"])
        #expect(try self.drain(tailer).isEmpty)
    }

    @Test func aDirectoryOfManyFilesDoesNotHoldADescriptorForEach() throws {
        let directory = try temporaryDirectory()
        for index in 0..<200 { try append("line \(index)\n", to: String(format: "%@/%03d.log", directory, index)) }
        let tailer = LogTailer(dataSource: .flowLogs, path: directory)
        tailer.maxOpenFiles = 16
        #expect(try self.drain(tailer).count == 200)
        #expect(tailer.openFileCount <= 16)
    }

    @Test func wholeCloudTrailDocumentsAreReadOnceWhenTheyStopGrowing() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/trail.json"
        try append("{\n  \"Records\": [\n    {\"eventName\":\"A\"}", to: file)
        let tailer = LogTailer(dataSource: .cloudTrail, path: file)
        var reads = 0
        try tailer.poll { _, _, _, _ in reads += 1 }
        try append("]}", to: file)
        try tailer.poll { _, _, _, _ in reads += 1 }
        #expect(reads == 0)  // still growing at each poll
        try tailer.poll { _, _, bytes, _ in
            reads += 1
            #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("]}"))
        }
        try tailer.poll { _, _, _, _ in reads += 1 }
        #expect(reads == 1)
    }
}

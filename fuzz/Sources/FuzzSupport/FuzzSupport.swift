import Foundation
import ThreatLists

/// The fuzzer's input as bytes (libFuzzer hands a pointer and a count; an empty input has no pointer).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let data, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: count))
}

/// A property the project's own tests assert was broken: stop with a message libFuzzer records as a crash.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz property failed: \(message())", file: file, line: line) }
}

/// Structured values carved out of the fuzzer's bytes, front to back (0 or empty once they run out).
public struct FuzzReader {
    public var bytes: ArraySlice<UInt8>

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    public mutating func byte() -> UInt8 {
        self.bytes.popFirst() ?? 0
    }

    /// Bytes up to the next `separator` (consumed) or the end.
    public mutating func field(separator: UInt8 = 10) -> ArraySlice<UInt8> {
        if let index = self.bytes.firstIndex(of: separator) {
            let field = self.bytes[self.bytes.startIndex..<index]
            self.bytes = self.bytes[(index + 1)...]
            return field
        }
        let field = self.bytes
        self.bytes = self.bytes[self.bytes.endIndex...]
        return field
    }

    public mutating func string(separator: UInt8 = 10) -> String {
        String(decoding: self.field(separator: separator), as: UTF8.self)
    }

    public var rest: [UInt8] { Array(self.bytes) }
}

/// Parses a list and checks what the list tests assert of every parse: the normalised content (what is stored,
/// hashed and served to agents, which read it as TXT) reads back as itself with nothing malformed, counts add up,
/// and a malformed entry's reason carries no bytes of the file.
public func checkList(_ data: [UInt8], format: ListFormat) {
    for content in [ListContent.addresses, .addressesAndDomains] {
        let parsed = ListParser.parse(data, format: format, content: content)
        fuzzCheck(parsed.malformedCount >= parsed.malformedExamples.count, "malformed count below its examples")
        fuzzCheck(parsed.malformedCount >= 0 && parsed.ignoredCount >= 0 && parsed.hostBitsCleared >= 0, "negative count")
        if content == .addresses { fuzzCheck(parsed.domains.isEmpty, "an IP list kept domains") }
        let canonical = parsed.canonicalText
        let again = ListParser.parse(Array(canonical.utf8), format: .txt, content: content)
        fuzzCheck(again.networks == parsed.networks, "normalised networks do not read back as themselves")
        fuzzCheck(again.domains == parsed.domains, "normalised domains do not read back as themselves")
        fuzzCheck(again.malformedCount == 0, "normalised content reads back with malformed entries: \(again.malformedExamples)")
        fuzzCheck(again.canonicalText == canonical, "normalisation is not idempotent")
    }
}

/// libFuzzer's entry point for programs that have their own `main` (its C name, hence not lowerCamelCase).
// swift-format-ignore: AlwaysUseLowerCamelCase
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer with the command line over `callback` (each target's `LLVMFuzzerTestOneInput`). SwiftPM names an
/// executable's entry point after its module and points `main` at it, so libFuzzer's own `main` is never linked:
/// each target's `@main` calls this instead.
public func runFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

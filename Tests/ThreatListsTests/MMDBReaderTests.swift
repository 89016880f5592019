import Foundation
import Testing

@testable import ThreatLists

@Suite("MaxMind DB reader")
struct MMDBReaderTests {
    @Test func cityTestDatabasePlacesLondonWithItsNetwork() throws {
        let reader = try MMDBReader(path: GeoData.maxmind("GeoIP2-City-Test"))
        #expect(reader.metadata.databaseType == "GeoIP2-City")
        #expect(reader.metadata.ipVersion == 6)
        let record = try #require(reader.lookup("81.2.69.142"))
        #expect(record.prefixLength == 31)
        #expect(reader.string(record, ["city", "names", "en"]) == "London")
        #expect(reader.string(record, ["country", "iso_code"]) == "GB")
        #expect(reader.number(record, ["location", "latitude"]) == 51.5142)
        #expect(reader.number(record, ["location", "longitude"]) == -0.0931)
        #expect(reader.string(record, ["location", "time_zone"]) == "Europe/London")
        #expect(reader.lookup("8.8.8.8") == nil)
    }

    @Test(arguments: ["ipv4", "ipv6", "mixed"], [24, 28, 32])
    func everyRecordSizeFindsTheSameNetworks(kind: String, bits: Int) throws {
        let reader = try MMDBReader(path: GeoData.maxmind("MaxMind-DB-test-\(kind)-\(bits)"))
        #expect(reader.metadata.recordSize == bits)
        try reader.verify()
        if kind != "ipv6" {
            // 1.1.1.2/31 holds 1.1.1.3; 1.1.1.32/32 is a single address; 1.1.1.33 is in no network.
            let pair = try #require(reader.lookup("1.1.1.3"))
            #expect(reader.string(pair, ["ip"])?.hasSuffix("1.1.1.2") == true)
            #expect(pair.prefixLength == 31)
            #expect(reader.lookup("1.1.1.32") != nil)
            #expect(reader.lookup("1.1.1.33") == nil)
        }
        if kind != "ipv4" {
            let record = try #require(reader.lookup("::2:0:1"))
            #expect(reader.string(record, ["ip"]) == "::2:0:0")
            #expect(reader.lookup("::3") == nil)
        } else {
            #expect(reader.lookup("::2:0:1") == nil)
        }
    }

    @Test func decoderTestDatabaseDecodesEveryType() throws {
        let reader = try MMDBReader(path: GeoData.maxmind("MaxMind-DB-test-decoder"))
        let record = try #require(reader.lookup("1.1.1.1"))
        let value = try reader.value(record)
        #expect(value["utf8_string"] == .string("unicode! ☯ - ♫"))
        #expect(value["boolean"] == .boolean(true))
        #expect(value["double"] == .double(42.123456))
        #expect(value["float"] == .float(1.1))
        #expect(value["int32"] == .signed(-268_435_456))
        #expect(value["uint16"] == .unsigned(100))
        #expect(value["uint32"] == .unsigned(268_435_456))
        #expect(value["uint64"] == .unsigned(1_152_921_504_606_846_976))
        #expect(value["uint128"] == .unsigned128(UInt128(1) << 120))
        #expect(value["bytes"] == .bytes([0, 0, 0, 42]))
        #expect(value["array"] == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
        #expect(value["map"]?["mapX"]?["utf8_stringX"] == .string("hello"))
    }

    @Test func everyGoodTestDatabaseVerifiesAndEveryBrokenOneFails() throws {
        for path in GeoData.files(under: "maxmind-test/test-data") {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let broken = name.contains("Broken") || name.contains("broken") || name.contains("Invalid")
            let outcome = Result { () throws -> Void in try MMDBReader(path: path).verify() }
            if case .failure(let error) = outcome {
                #expect(broken, "\(name): \(error)")
            } else {
                #expect(!broken, "\(name) verified although it is broken on purpose")
            }
        }
    }

    /// Files whose one fault is an empty metadata description: MaxMind's Go reader's verifier refuses them, libmaxminddb
    /// opens them. The first two exist for an over-read when an empty map or array ends the metadata; the third holds
    /// the same metadata in another order, with a build_epoch of UINT64_MAX (valid, SOURCES.md §11).
    static let emptyDescription: Set<String> = [
        "libmaxminddb-empty-array-last-in-metadata.mmdb", "libmaxminddb-empty-map-last-in-metadata.mmdb", "libmaxminddb-uint64-max-epoch.mmdb",
    ]

    @Test func everyBadDataFileIsRefusedWithAReason() throws {
        let files = GeoData.files(under: "maxmind-test/bad-data")
        #expect(files.count == 21)
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let outcome = Result { () throws -> Void in try MMDBReader(path: path).verify() }
            guard case .failure(let error) = outcome else {
                Issue.record("\(name) was accepted")
                continue
            }
            // The structural faults (tree, pointers, lengths, nesting, separator) are found before the metadata rule.
            #expect("\(error)".contains("description") == Self.emptyDescription.contains(name), "\(name): \(error)")
        }
    }

    @Test func theFilesWithOnlyAnEmptyDescriptionOpenAndAnswer() throws {
        for name in Self.emptyDescription.sorted() {
            let reader = try MMDBReader(path: GeoData.path("maxmind-test/bad-data/libmaxminddb/\(name)"))
            #expect(reader.lookup("1.2.3.4").map { try? reader.value($0) } != nil, "\(name)")
        }
        let epoch = try MMDBReader(path: GeoData.path("maxmind-test/bad-data/libmaxminddb/libmaxminddb-uint64-max-epoch.mmdb"))
        #expect(epoch.metadata.buildEpoch == UInt64.max)
    }

    @Test func lookupsInBadFilesAnswerNilInsteadOfCrashing() throws {
        for path in GeoData.files(under: "maxmind-test/bad-data") {
            guard let reader = try? MMDBReader(path: path) else { continue }
            for address in ["1.1.1.1", "0.0.0.0", "255.255.255.255", "::1", "ffff::1", "81.2.69.142"] {
                if let record = reader.lookup(address) {
                    // Reading fields of a bad record is allowed to fail, never to trap.
                    _ = reader.string(record, ["country", "iso_code"])
                    _ = try? reader.value(record)
                }
            }
        }
        let pointers = try MMDBReader(path: GeoData.maxmind("MaxMind-DB-test-broken-pointers-24"))
        #expect(throws: MMDBError.self) { try pointers.verify() }
    }

    @Test func truncatedAndGarbageFilesAreRefusedAtOpen() throws {
        #expect(throws: MMDBError.self) { try MMDBReader(bytes: []) }
        #expect(throws: MMDBError.self) { try MMDBReader(bytes: Array("not a database".utf8)) }
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: GeoData.maxmind("GeoIP2-Country-Test"))))
        // Cutting the file removes its search tree's room (the metadata still says how many nodes there are).
        let marker = try #require(MMDBReader.metadataStart(in: whole))
        let metadata = Array(whole[(marker - MMDBReader.metadataMarker.count)...])
        #expect(throws: MMDBError.self) { try MMDBReader(bytes: Array(whole.prefix(100)) + metadata) }
        #expect(throws: MMDBError.self) { try MMDBReader(path: "/nonexistent/file.mmdb") }
    }
}

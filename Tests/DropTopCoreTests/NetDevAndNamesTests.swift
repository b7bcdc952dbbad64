import Testing
@testable import DropTopCore

@Suite struct NetDevParserTests {
    let header = """
    Inter-|   Receive                                                |  Transmit
     face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed

    """

    @Test func readsAllSixteenCountersByColumn() throws {
        let text = header + "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
        let rows = try parse(text) { try NetDevParser.parse($0) }.value
        #expect(rows.count == 1)
        #expect(rows[0].name == "eth0")
        #expect(rows[0].counters.values == Array(1...16).map(UInt64.init))
        #expect(rows[0].counters[.txColls] == 14)
        #expect(rows[0].counters[.rxMulticast] == 8)
    }

    @Test func splitsAGluedNameAtTheLastColon() throws {
        let text = header + "  eth0:1234567890 2000000 1 2 0 0 0 10 987654321 1500000 0 0 0 0 0 0\n"
        let row = try #require(try parse(text) { try NetDevParser.parse($0) }.value.first)
        #expect(row.name == "eth0")
        #expect(row.counters[.rxBytes] == 1_234_567_890)
        #expect(row.counters[.txBytes] == 987_654_321)
    }

    @Test func keepsOddBytesInTheRawNameAndEscapesTheDisplayName() throws {
        let bytes = Array(header.utf8) + Array("  ev".utf8) + [0x1B] + Array("[31m:1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n".utf8)
            + Array("  b".utf8) + [0xFF] + Array("d: 7 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n".utf8)
        let rows = try parse(bytes: bytes) { try NetDevParser.parse($0) }.value
        #expect(rows.map(\.name) == ["ev\\x1b[31m", "b\\xffd"])
        #expect(rows[0].rawName.contains(0x1B))
        #expect(rows[1].rawName == [0x62, 0xFF, 0x64])
    }

    @Test func aRowCutShortIsSkippedAndReported() throws {
        let text = header + "    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n  eth0:    5903      41    0"
        let parsed = try parse(text) { try NetDevParser.parse($0) }
        #expect(parsed.value.map(\.name) == ["lo"])
        #expect(parsed.problems.count == 1)
        #expect(parsed.problems[0].contains("eth0"))
    }

    @Test func aNumberBeyond64BitsIsAnErrorNotATrap() throws {
        let text = header + "  eth0: 99999999999999999999999 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
        #expect(throws: ParseError.self) { try parse(text) { try NetDevParser.parse($0) } }
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: ParseError.self) { try parse("") { try NetDevParser.parse($0) } }
    }
}

@Suite struct DisplayNameTests {
    @Test func bidiAndInvisibleFormatCharactersAreEscapedPerByte() {
        // "eth0" written backwards behind a right-to-left override would read as "eth0".
        #expect(DisplayName.escaped("\u{202E}0hte") == "\\xe2\\x80\\xae0hte")
        #expect(DisplayName.escaped("a\u{200B}b") == "a\\xe2\\x80\\x8bb")         // zero-width space
        #expect(DisplayName.escaped("a\u{00AD}b") == "a\\xc2\\xadb")                // soft hyphen
        #expect(DisplayName.escaped("\u{FEFF}x") == "\\xef\\xbb\\xbfx")             // BOM / zero-width no-break
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069, 0x200C, 0x200D,
                       0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2028, 0x2029] {
            let name = "a" + String(Unicode.Scalar(UInt32(scalar))!) + "b"
            let expected = "a" + name.utf8.dropFirst().dropLast().map { "\\x" + String($0, radix: 16) }.joined() + "b"
            #expect(DisplayName.escaped(name) == expected, "U+\(String(scalar, radix: 16))")
        }
        // Visible non-ASCII stays: accents, CJK, emoji.
        #expect(DisplayName.escaped("vethé-网-🙂") == "vethé-网-🙂")
    }

    @Test func plainNamesAreUnchanged() {
        #expect(DisplayName.escaped("eth0") == "eth0")
        #expect(DisplayName.escaped("vethé1") == "vethé1")
    }

    @Test func controlBytesInvalidUTF8AndBackslashesAreEscaped() {
        #expect(DisplayName.escaped([0x61, 0x1B, 0x5B]) == "a\\x1b[")
        #expect(DisplayName.escaped([0x61, 0xFF]) == "a\\xff")
        #expect(DisplayName.escaped([0x61, 0x5C, 0x62]) == "a\\\\b")
        #expect(DisplayName.escaped([0x7F]) == "\\x7f")
        // C1 control U+009B (a one-byte CSI on some terminals) is escaped too.
        #expect(DisplayName.escaped([0xC2, 0x9B]) == "\\xc2\\x9b")
        // Overlong encoding of '/' is invalid UTF-8.
        #expect(DisplayName.escaped([0xC0, 0xAF]) == "\\xc0\\xaf")
    }

    @Test func escapedFormNeverHoldsAControlCharacter() {
        for b in UInt8.min...UInt8.max {
            let s = DisplayName.escaped([0x78, b, 0x78])
            #expect(!s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import TextCore

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var h = SHA256()
        h.update(bytes[0..<7])
        h.update(bytes[7..<500])
        h.update(bytes[500...])
        #expect(h.finalizeHex() == SHA256.hex(bytes))
    }
}

@Suite struct RandomTests {
    @Test func sameSeedSameSequence() {
        var a = Xoshiro256StarStar(seed: 42)
        var b = Xoshiro256StarStar(seed: 42)
        var c = Xoshiro256StarStar(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        let sb = (0..<100).map { _ in b.next() }
        let sc = (0..<100).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func unitIntervalAndIndexBounds() {
        var r = Xoshiro256StarStar(seed: 7)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 {
            let u = r.nextUnit()
            #expect(u >= 0 && u < 1)
            counts[r.nextIndex(10)] += 1
        }
        // Each bucket expects 10,000; 5 standard deviations is about 475.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func shuffleIsAPermutationAndSeeded() {
        var r1 = Xoshiro256StarStar(seed: 1)
        var r2 = Xoshiro256StarStar(seed: 1)
        var a = Array(0..<50)
        var b = Array(0..<50)
        a.seededShuffle(&r1)
        b.seededShuffle(&r2)
        #expect(a == b)
        #expect(a.sorted() == Array(0..<50))
        #expect(a != Array(0..<50))
    }
}

@Suite struct BinaryIOTests {
    @Test func roundTrip() throws {
        var w = BinaryWriter()
        w.write(UInt32(7))
        w.write("héllo")
        w.write(array: [1.5 as Float, -2])
        w.write(strings: ["a", "", "c"])
        var m = SparseMatrix(columnCount: 3)
        m.appendRow([(2, 1), (0, 3)])
        m.appendRow([])
        w.write(m)
        var r = BinaryReader(w.data, name: "t")
        #expect(try r.read(UInt32.self) == 7)
        #expect(try r.readString() == "héllo")
        #expect(try r.readFloats() == [1.5, -2])
        #expect(try r.readStrings() == ["a", "", "c"])
        let back = try r.readSparseMatrix()
        #expect(back == m)
        #expect(back.dense() == [[3, 0, 1], [0, 0, 0]])
        #expect(r.isAtEnd)
    }

    @Test func truncatedInputThrowsNamingTheFile() {
        var w = BinaryWriter()
        w.write(array: [Float](repeating: 1, count: 100))
        var r = BinaryReader(w.data.prefix(50), name: "weights.bin")
        #expect(throws: TextpipeError.self) { try r.readFloats() }
        do { _ = try r.readFloats() } catch let e as TextpipeError {
            #expect(e.description.contains("weights.bin"))
        } catch {}
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let dir = TestSupport.temporaryDirectory()
        let url = dir.appendingPathComponent("a/b.txt")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(String(decoding: try AtomicFile.read(url), as: UTF8.self) == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).filter
        { $0.hasPrefix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

@Suite struct SparseMatrixTests {
    @Test func rowSelectionAndValidation() throws {
        var m = SparseMatrix(columnCount: 4)
        m.appendRow([(1, 2)])
        m.appendRow([(0, 1), (3, 4)])
        m.appendRow([])
        #expect(m.rows([1, 0]).dense() == [[1, 0, 0, 4], [0, 2, 0, 0]])
        try m.validate(name: "m")
        var bad = m
        bad.values[0] = .nan
        #expect(throws: TextpipeError.self) { try bad.validate(name: "m") }
    }

    @Test func fileLockExcludesSecondHolder() throws {
        let url = TestSupport.temporaryDirectory().appendingPathComponent("x.lock")
        let a = try FileLock(url)
        let b = try FileLock(url)
        try a.acquire(wait: false)
        #expect(throws: TextpipeError.self) { try b.acquire(wait: false) }
        a.release()
        try b.acquire(wait: false)
        b.release()
    }
}

/// Folder archives (what a cluster ships): a round trip, and every damaged or hostile archive refused before anything
/// is written.
@Suite struct FolderArchiveTests {
    @Test func roundTripAndRefusals() throws {
        let source = TestSupport.temporaryDirectory()
        TestSupport.write("0.25", to: source.appendingPathComponent("seconds"))
        TestSupport.write("{}", to: source.appendingPathComponent("model/model.json"))
        let archive = try FolderArchive.pack(source)
        let target = TestSupport.temporaryDirectory()
        try FolderArchive.unpack(archive, into: target, name: "a.tpar")
        #expect(try String(contentsOf: target.appendingPathComponent("model/model.json"), encoding: .utf8) == "{}")
        // A flipped byte, a truncation, or a path leaving the folder (with a correct digest) is an error.
        var flipped = archive
        flipped[20] ^= 1
        var escaping = BinaryWriter()
        escaping.write(UInt32(0x5241_5054))
        escaping.write(UInt32(1))
        escaping.write(UInt64(1))
        escaping.write("../outside")
        escaping.write(bytes: Data("x".utf8))
        var hostile = escaping.data
        hostile.append(contentsOf: SHA256.digest(escaping.data))
        let empty = TestSupport.temporaryDirectory()
        for bad in [flipped, archive.prefix(archive.count - 1), Data(), hostile] {
            #expect(throws: TextpipeError.self) { try FolderArchive.unpack(bad, into: empty, name: "bad.tpar") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)
        #expect(
            !FileManager.default.fileExists(
                atPath: empty.deletingLastPathComponent().appendingPathComponent("outside").path))
    }
}

import TextCore

/// How to turn a file's bytes into text.
public enum TextEncoding: String, Sendable, CaseIterable, Codable {
    /// UTF-8; invalid byte sequences become U+FFFD and are counted.
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is the code point of the same value.
    case latin1 = "latin-1"
    /// UTF-8 when the bytes are valid UTF-8, latin-1 otherwise (counted as a fallback).
    case auto
}

/// Decodes bytes into a `String`, dropping a UTF-8 byte-order mark.
public struct TextDecoder: Sendable {
    /// How bytes are read.
    public let encoding: TextEncoding
    /// A decoder for this encoding.
    public init(_ encoding: TextEncoding) { self.encoding = encoding }

    /// The result of decoding: the text, how many invalid sequences were replaced, and whether latin-1 was used.
    public struct Decoded: Sendable {
        /// The decoded text.
        public var text: String
        /// Invalid UTF-8 sequences replaced by U+FFFD.
        public var replacedSequences: Int
        /// True when `auto` read the bytes as latin-1.
        public var fellBackToLatin1: Bool
    }

    /// Decodes bytes, counting what had to be replaced.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        var body = bytes[...]
        if body.count >= 3, body[body.startIndex] == 0xEF, body[body.startIndex + 1] == 0xBB,
            body[body.startIndex + 2] == 0xBF
        {
            body = body.dropFirst(3)
        }
        let slice = UnsafeBufferPointer(rebasing: body)
        switch encoding {
        case .latin1:
            return Decoded(text: Self.latin1(slice), replacedSequences: 0, fellBackToLatin1: false)
        case .utf8:
            let invalid = Self.countInvalidUTF8(slice)
            return Decoded(
                text: String(decoding: slice, as: UTF8.self), replacedSequences: invalid, fellBackToLatin1: false)
        case .auto:
            if Self.countInvalidUTF8(slice) == 0 {
                return Decoded(
                    text: String(decoding: slice, as: UTF8.self), replacedSequences: 0, fellBackToLatin1: false)
            }
            return Decoded(text: Self.latin1(slice), replacedSequences: 0, fellBackToLatin1: true)
        }
    }

    /// Decodes a byte array.
    public func decode(_ bytes: [UInt8]) -> Decoded { bytes.withUnsafeBufferPointer { decode($0) } }

    static func latin1(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | (b >> 6))
                out.append(0x80 | (b & 0x3F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Counts maximal invalid subsequences, the same units `String(decoding:)` replaces with U+FFFD.
    static func countInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var invalid = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: break loop
            case .error: invalid += 1
            }
        }
        return invalid
    }
}

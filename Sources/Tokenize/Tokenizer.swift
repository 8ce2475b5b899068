import TextCore

/// What the tokenizer does with punctuation and symbols.
public enum PunctuationMode: String, Sendable, CaseIterable, Codable {
    /// Punctuation separates words and is dropped.
    case drop
    /// Each punctuation character is a token of its own (`!` and `?` carry sentiment).
    case keep
}

/// Settings of the tokenize stage.
public struct TokenizeConfiguration: Sendable, Codable, Hashable {
    /// Lowercase every token.
    public var lowercase = true
    /// Drop punctuation or keep each character as a token.
    public var punctuation: PunctuationMode = .drop
    /// Words shorter than this many characters are dropped (scikit-learn's default pattern keeps 2 and up).
    public var minLength = 1
    /// Split words at apostrophes (`don't` -> `don`, `t`) as scikit-learn does; otherwise keep them whole.
    public var splitApostrophes = true
    /// The defaults: lowercase, punctuation dropped.
    public init() {}
}

extension TokenizeConfiguration: SpecConfigurable {
    /// The spec keys of `tokenize:`, in documentation order.
    public static let parameters: [Parameter<TokenizeConfiguration>] = [
        .boolean("lowercase", \.lowercase, "lowercase every token"),
        .choice("punctuation", \.punctuation, "`drop` punctuation, or `keep` each punctuation character as a token"),
        .integer("min_length", \.minLength, minimum: 1, "drop words shorter than this many characters"),
        .boolean("split_apostrophes", \.splitApostrophes, "split words at apostrophes (`don't` -> `don`, `t`)")
    ]
}

/// A word tokenizer that works on UTF-8 bytes.
///
/// Letters and digits (ASCII or any Unicode letter or number) form words; every CJK ideograph is a token of
/// its own; punctuation is dropped or kept as single-character tokens. With the defaults,
/// `"Don't STOP, 2 cafés! 中文"` gives `["don", "t", "stop", "2", "cafés", "中", "文"]`.
public struct Tokenizer: Sendable {
    /// Its settings.
    public let configuration: TokenizeConfiguration
    /// A tokenizer with these settings.
    public init(_ configuration: TokenizeConfiguration = TokenizeConfiguration()) { self.configuration = configuration }

    /// Character classes of ASCII bytes: 0 separator, 1 word, 2 punctuation.
    private static let asciiClass: [UInt8] = (0..<128).map { b -> UInt8 in
        let c = UInt8(b)
        if (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F { return 1 }
        if c <= 0x20 || c == 0x7F { return 0 }
        return 2
    }

    /// Calls `emit` with the bytes of each token of `text`, lowercased as configured.
    /// The buffer passed to `emit` is only valid during the call.
    public func forEachToken(in text: String, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var copy = text
        copy.withUTF8 { forEachToken(bytes: $0, emit) }
    }

    /// Calls `emit` with the bytes of each token of UTF-8 `bytes`, in order (the hot path: no strings are made).
    public func forEachToken(bytes: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        let lower = configuration.lowercase
        let keepPunct = configuration.punctuation == .keep
        let minLength = configuration.minLength
        let keepApostrophes = !configuration.splitApostrophes
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var wordLength = 0  // in characters
        var wordHasNonASCII = false

        func flush() {
            if !word.isEmpty {
                if wordLength >= minLength {
                    if lower && wordHasNonASCII {
                        let lowered = Array(String(decoding: word, as: UTF8.self).lowercased().utf8)
                        lowered.withUnsafeBufferPointer { emit($0) }
                    } else {
                        word.withUnsafeBufferPointer { emit($0) }
                    }
                }
                word.removeAll(keepingCapacity: true)
                wordLength = 0
                wordHasNonASCII = false
            }
        }

        let n = bytes.count
        var i = 0
        var lowered: [UInt8] = []
        lowered.reserveCapacity(64)
        let classes = Self.asciiClass
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                let cls = classes[Int(b)]
                if cls == 1 {
                    // Fast path: a run of ASCII word bytes is emitted straight from the input when it is a
                    // whole word (lowercased into a scratch buffer only if it holds capitals).
                    var j = i + 1
                    var hasUpper = b >= 0x41 && b <= 0x5A
                    while j < n {
                        let c = bytes[j]
                        if c >= 0x80 || classes[Int(c)] != 1 { break }
                        if c >= 0x41 && c <= 0x5A { hasUpper = true }
                        j += 1
                    }
                    let continues = j < n && (bytes[j] >= 0x80 || (keepApostrophes && bytes[j] == 0x27))
                    if word.isEmpty && !continues {
                        if j - i >= minLength {
                            if lower && hasUpper {
                                lowered.removeAll(keepingCapacity: true)
                                for k in i..<j {
                                    let c = bytes[k]
                                    lowered.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                                }
                                lowered.withUnsafeBufferPointer { emit($0) }
                            } else {
                                emit(UnsafeBufferPointer(rebasing: bytes[i..<j]))
                            }
                        }
                        i = j
                        continue
                    }
                    for k in i..<j {
                        let c = bytes[k]
                        word.append(lower && c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                    }
                    wordLength += j - i
                    i = j
                    continue
                }
                if keepApostrophes && b == 0x27 && !word.isEmpty && i + 1 < n && bytes[i + 1] < 0x80
                    && classes[Int(bytes[i + 1])] == 1
                {
                    word.append(b)
                    wordLength += 1
                } else {
                    flush()
                    if cls == 2 && keepPunct {
                        var p = b
                        withUnsafePointer(to: &p) { emit(UnsafeBufferPointer(start: $0, count: 1)) }
                    }
                }
                i += 1
                continue
            }
            // Decode one multi-byte scalar.
            var length = 1
            var value: UInt32 = 0
            if b & 0xE0 == 0xC0 {
                length = 2
                value = UInt32(b & 0x1F)
            } else if b & 0xF0 == 0xE0 {
                length = 3
                value = UInt32(b & 0x0F)
            } else if b & 0xF8 == 0xF0 {
                length = 4
                value = UInt32(b & 0x07)
            } else {
                flush()
                i += 1
                continue
            }  // stray continuation byte (text was decoded, so rare)
            if i + length > n {
                flush()
                break
            }
            for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            let range = UnsafeBufferPointer(rebasing: bytes[i..<i + length])
            if Self.isIdeograph(value) {
                flush()
                emit(range)
            } else {
                let props = scalar.properties
                if props.isAlphabetic || props.numericType != nil || props.generalCategory == .nonspacingMark
                    || props.generalCategory == .spacingMark
                {
                    word.append(contentsOf: range)
                    wordLength += 1
                    wordHasNonASCII = true
                } else if props.isWhitespace || props.generalCategory == .format || props.generalCategory == .control {
                    flush()
                } else {
                    flush()
                    if keepPunct { emit(range) }
                }
            }
            i += length
        }
        flush()
    }

    /// The tokens of `text` as strings (convenient; the pipeline uses the byte interface).
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        forEachToken(in: text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// CJK unified ideographs (and extensions, compatibility ideographs): each is a word of its own.
    @inline(__always)
    public static func isIdeograph(_ v: UInt32) -> Bool {
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2EBEF)
            || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0x2F800 && v <= 0x2FA1F) || (v >= 0x30000 && v <= 0x3134F)
    }
}

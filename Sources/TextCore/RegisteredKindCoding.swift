import Foundation

/// The encoded layout of a registered family member's settings, `{"<name>": {"_0": settings}}`: how Swift encodes an
/// enum case with one value, which is what feature sets and taggers were before they became registries, and what
/// cache keys therefore hash. Writing and reading it in one place keeps every cached unit valid.
public enum RegisteredKindCoding {
    /// A coding key of any name.
    public struct Key: CodingKey {
        /// The name.
        public var stringValue: String
        /// Never an integer.
        public var intValue: Int? { nil }
        /// The key `name`.
        public init(_ name: String) { stringValue = name }
        /// The key `stringValue`.
        public init?(stringValue: String) { self.stringValue = stringValue }
        /// Never an integer.
        public init?(intValue: Int) { nil }
    }

    /// Writes `{"<name>": {"_0": settings}}`.
    public static func encode(_ settings: some Encodable, name: String, to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        var inner = c.nestedContainer(keyedBy: Key.self, forKey: Key(name))
        try inner.encode(settings, forKey: Key("_0"))
    }

    /// Reads `{"<name>": {"_0": settings}}`: `type(name)` gives the settings type of a name, or nil for an unknown
    /// one; `decode` reads the settings from the inner container.
    public static func decode<T>(
        from decoder: Decoder, family: String, decode: (String, KeyedDecodingContainer<Key>) throws -> T?
    ) throws -> T {
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "expected one \(family)"))
        }
        guard let value = try decode(key.stringValue, try c.nestedContainer(keyedBy: Key.self, forKey: key)) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "unknown \(family) '\(key.stringValue)'")
        }
        return value
    }
}

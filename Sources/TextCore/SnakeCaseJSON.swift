import Foundation

/// JSON with snake_case keys and sorted keys: the one coding of every JSON file textpipe writes for people and
/// tools (metrics.json, lock files, model headers, cached results), so a Swift `macroF1` is always `macro_f1`.
public enum SnakeCaseJSON {
    /// `value` as JSON, pretty-printed unless `compact`.
    public static func encode<T: Encodable>(_ value: T, compact: Bool = false) throws -> Data {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = compact ? [.sortedKeys] : [.prettyPrinted, .sortedKeys]
        return try e.encode(value)
    }

    /// A value from JSON written by `encode`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return try d.decode(type, from: data)
    }
}

/// JSON with the type's own keys, sorted: embedded settings in binary files (a featurizer's configuration inside
/// `featurizer.bin`) and cached results, so equal values are always equal bytes (a plain `JSONEncoder` orders keys
/// differently from one process to the next on Linux, which would make two identical models differ).
public enum StableJSON {
    /// `value` as compact JSON with sorted keys.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(value)
    }
}

import Foundation
import TextCore

/// Binary storage of documents between stages (a count, then source, label flag, label, text per document).
enum DocumentStore {
    static func encode(_ documents: [Document]) -> Data {
        var w = BinaryWriter()
        w.write(UInt64(documents.count))
        for d in documents {
            w.write(d.source)
            w.write(UInt8(d.label == nil ? 0 : 1))
            w.write(d.label ?? "")
            w.write(d.text)
        }
        return w.data
    }

    static func decode(_ data: Data, name: String) throws -> [Document] {
        var r = BinaryReader(data, name: name)
        let n = try r.readCount()
        guard n >= 0, n <= data.count else { throw TextpipeError(.io, "corrupt document store", file: name) }
        var out: [Document] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let source = try r.readString()
            let hasLabel = try r.read(UInt8.self) == 1
            let label = try r.readString()
            out.append(Document(source: source, text: try r.readString(), label: hasLabel ? label : nil))
        }
        return out
    }

    /// One JSON object per line (`{"source": ..., "label": ..., "text": ...}`), for people to inspect.
    static func jsonLines(_ documents: [Document], extra: ((Int) -> (String, String))? = nil) -> String {
        var out = ""
        for (i, d) in documents.enumerated() {
            out += "{\"source\": \(JSONValue.quote(d.source)), \"label\": \(d.label.map(JSONValue.quote) ?? "null"), "
            if let extra {
                let (k, v) = extra(i)
                out += "\(JSONValue.quote(k)): \(v), "
            }
            out += "\"text\": \(JSONValue.quote(d.text))}\n"
        }
        return out
    }
}

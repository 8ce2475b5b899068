/// A linear-time guard in front of libxml2: a start tag with thousands of attributes makes libxml2's duplicate check
/// quadratic (100,000 attributes in one 1 MB tag took 30 s to clean, 300 s on a slower machine). Attributes beyond
/// the first `limit` of a tag are removed before parsing; cleaning keeps text, and no real page comes close.
///
/// The scan knows tags, quoted values and comments: `<p a=1 b="x > y">` is one tag with two attributes.
public enum AttributeCap {
    /// Attributes kept per start tag.
    public static let limit = 256

    /// The bytes with every start tag's attributes beyond `limit` removed, or nil when no tag has more.
    public static func capped(_ b: [UInt8], limit: Int = Self.limit) -> [UInt8]? {
        var out: [UInt8]? = nil
        var copied = 0
        scan(b, limit: limit) { _, cut, end in
            if out == nil {
                out = []
                out?.reserveCapacity(b.count)
            }
            out?.append(contentsOf: b[copied..<cut])
            copied = end
            return true
        }
        guard var result = out else { return nil }
        result.append(contentsOf: b[copied..<b.count])
        return result
    }

    /// The byte offset of the first start tag with more than `limit` attributes, or nil.
    public static func firstOverLimit(_ b: [UInt8], limit: Int) -> Int? {
        var found: Int? = nil
        scan(b, limit: limit) { start, _, _ in
            found = start
            return false
        }
        return found
    }

    /// Calls `over(tag start, start of the first attribute beyond the limit, end of the tag)` for each start tag
    /// with more than `limit` attributes, until it returns false. One pass, linear in the bytes.
    static func scan(_ b: [UInt8], limit: Int, over: (Int, Int, Int) -> Bool) {
        let n = b.count
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }
        func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        while i < n {
            guard b[i] == 0x3C else {  // '<'
                i += 1
                continue
            }
            // A comment: skip to its end.
            if i + 3 < n && b[i + 1] == 0x21 && b[i + 2] == 0x2D && b[i + 3] == 0x2D {
                var j = i + 4
                while j + 2 < n && !(b[j] == 0x2D && b[j + 1] == 0x2D && b[j + 2] == 0x3E) { j += 1 }
                i = j + 3
                continue
            }
            guard i + 1 < n, isLetter(b[i + 1]) else {
                i += 1
                continue
            }
            var j = i + 1
            while j < n && !isSpace(b[j]) && b[j] != 0x3E && b[j] != 0x2F { j += 1 }  // the element name
            var count = 0
            var cut = -1
            while true {
                while j < n && (isSpace(b[j]) || b[j] == 0x2F) { j += 1 }
                if j >= n || b[j] == 0x3E || b[j] == 0x3C { break }
                let start = j
                while j < n && !isSpace(b[j]) && b[j] != 0x3E && b[j] != 0x3D && b[j] != 0x2F && b[j] != 0x3C { j += 1 }
                if j == start { j += 1 }  // a stray '=': step over it
                while j < n && isSpace(b[j]) { j += 1 }
                if j < n && b[j] == 0x3D {  // '=' value
                    j += 1
                    while j < n && isSpace(b[j]) { j += 1 }
                    if j < n && (b[j] == 0x22 || b[j] == 0x27) {
                        let quote = b[j]
                        j += 1
                        while j < n && b[j] != quote { j += 1 }
                        j = min(n, j + 1)
                    } else {
                        while j < n && !isSpace(b[j]) && b[j] != 0x3E { j += 1 }
                    }
                }
                count += 1
                if count == limit + 1 { cut = start }
            }
            if cut >= 0 && !over(i, cut, j) { return }
            i = j
        }
    }
}

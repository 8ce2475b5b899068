/// Counts as people read them: `1234567` -> `1,234,567`. Reports, `validate` and `textpipe test` write counts this way.
public enum Thousands {
    /// `n` with a comma between groups of three digits.
    public static func format(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }
}

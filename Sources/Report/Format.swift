import Evaluate
import Foundation
import TextCore

/// Number formatting shared by the Markdown and HTML renderers.
enum Format {
    static func percent(_ x: Double) -> String { String(format: "%.2f", x * 100) }
    static func percent(_ x: Double, _ sd: Double?) -> String {
        guard let sd else { return percent(x) }
        return String(format: "%.2f ± %.2f", x * 100, sd * 100)
    }
    static func seconds(_ s: Double) -> String {
        if s < 0.01 { return String(format: "%.4f", s) }
        return s < 10 ? String(format: "%.3f", s) : String(format: "%.1f", s)
    }
    static func bytes(_ b: Int) -> String {
        if b < 1024 { return "\(b) B" }
        if b < 1 << 20 { return String(format: "%.1f KiB", Double(b) / 1024) }
        return String(format: "%.1f MiB", Double(b) / Double(1 << 20))
    }
    static func optional(_ x: Double?, _ digits: Int = 4) -> String {
        x.map { String(format: "%.\(digits)f", $0) } ?? "—"
    }
    static func interval(_ i: Interval?) -> String {
        guard let i else { return "—" }
        return String(format: "%.1f–%.1f", i.low * 100, i.high * 100)
    }
    static func signedPoints(_ d: Double) -> String { String(format: "%+.2f", d * 100) }
    static func pValue(_ p: Double) -> String { p < 0.001 ? "<0.001" : String(format: "%.3f", p) }
    static func count(_ n: Int) -> String { Thousands.format(n) }
}

import Evaluate
import Foundation

/// Line charts drawn as inline SVG: axes with ticks and labels, a legend, optional diagonal and log-scaled x.
enum Charts {
    struct Series {
        var name: String
        var color: String
        var dashed = false
        var points: [(x: Double, y: Double)]
        /// Optional ± band half-widths per point (drawn as whiskers).
        var spread: [Double]? = nil
    }

    /// `count` colours, none repeated: a 12-colour palette, then hues a golden angle apart.
    static func distinctColors(_ count: Int) -> [String] {
        let base = [
            "#2f6db5", "#c8553d", "#3a9d5d", "#8e5cc4", "#d49a1c", "#1f9eb0", "#b5437a", "#6b7a8f", "#7a9e2f",
            "#a0522d", "#173f73", "#e07b53"
        ]
        guard count > base.count else { return Array(base.prefix(count)) }
        return base
            + (base.count..<count).map { i in
                let hue = (Double(i) * 137.508).truncatingRemainder(dividingBy: 360)
                return "hsl(\(Int(hue)),\(55 + (i % 3) * 10)%,\(38 + (i % 4) * 6)%)"
            }
    }

    static func number(_ v: Double) -> String {
        if abs(v) >= 1000 { return String(Int(v.rounded())) }
        if abs(v) >= 10 || v == v.rounded() { return String(format: "%.0f", v) }
        return String(format: "%.2g", v)
    }

    static func line(
        _ series: [Series], title: String, xLabel: String, yLabel: String, xRange: (Double, Double),
        yRange: (Double, Double),
        xLog: Bool = false, diagonal: Bool = false, width: Double = 560, height: Double = 340, yPercent: Bool = false
    ) -> String {
        let left = 58.0
        let right = 16.0
        let top = 30.0
        let bottom = 46.0
        // Legend in two columns when every name fits half the plot width (about 6.2 px a character at 11 px),
        // else one column, so that entries never overlap.
        let legendColumns = series.allSatisfy { Double($0.name.count) * 6.2 + 30 < (width - 74) / 2 } ? 2 : 1
        let legendRows = Double((series.count + legendColumns - 1) / legendColumns)
        let total = height + legendRows * 16 + 6
        let pw = width - left - right
        let ph = height - top - bottom
        func fx(_ x: Double) -> Double {
            let (a, b) = xRange
            let t = xLog ? (log10(max(x, 1e-12)) - log10(a)) / (log10(b) - log10(a)) : (x - a) / (b - a)
            return left + max(0, min(1, t)) * pw
        }
        func fy(_ y: Double) -> Double { top + (1 - max(0, min(1, (y - yRange.0) / (yRange.1 - yRange.0)))) * ph }
        var s =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(total))\" width=\"100%\" style=\"max-width:\(Int(width))px\" "
            + "role=\"img\" aria-label=\"\(HTMLWriter.escape(title))\">"
        s += "<text x=\"\(left)\" y=\"18\" font-size=\"13\" font-weight=\"600\">\(HTMLWriter.escape(title))</text>"
        // Grid and ticks.
        for k in 0...5 {
            let v = yRange.0 + (yRange.1 - yRange.0) * Double(k) / 5
            let y = fy(v)
            s += "<line x1=\"\(left)\" x2=\"\(left + pw)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#e6e9ef\"/>"
            s +=
                "<text x=\"\(left - 6)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6475\">\(yPercent ? number(v * 100) : number(v))</text>"
        }
        var xticks: [Double] = []
        if xLog {
            var d = pow(10, floor(log10(xRange.0)))
            while d <= xRange.1 * 1.0001 {
                for m in [1.0, 2, 5] where d * m >= xRange.0 * 0.999 && d * m <= xRange.1 * 1.001 {
                    xticks.append(d * m)
                }
                d *= 10
            }
        } else {
            xticks = (0...5).map { xRange.0 + (xRange.1 - xRange.0) * Double($0) / 5 }
        }
        for v in xticks {
            let x = fx(v)
            s += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top)\" y2=\"\(top + ph)\" stroke=\"#eef0f4\"/>"
            s +=
                "<text x=\"\(x)\" y=\"\(top + ph + 15)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6475\">\(number(v))</text>"
        }
        s +=
            "<line x1=\"\(left)\" x2=\"\(left + pw)\" y1=\"\(top + ph)\" y2=\"\(top + ph)\" stroke=\"#888\"/><line x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(top + ph)\" stroke=\"#888\"/>"
        s +=
            "<text x=\"\(left + pw / 2)\" y=\"\(top + ph + 34)\" font-size=\"12\" "
            + "text-anchor=\"middle\">\(HTMLWriter.escape(xLabel))</text>"
        s +=
            "<text transform=\"translate(14 \(top + ph / 2)) rotate(-90)\" font-size=\"12\" "
            + "text-anchor=\"middle\">\(HTMLWriter.escape(yLabel))</text>"
        if diagonal {
            s +=
                "<line x1=\"\(fx(xRange.0))\" y1=\"\(fy(yRange.0))\" x2=\"\(fx(xRange.1))\" y2=\"\(fy(yRange.1))\" stroke=\"#aaa\" stroke-dasharray=\"4 4\"/>"
        }
        for serie in series where !serie.points.isEmpty {
            let path = serie.points.map { String(format: "%.1f,%.1f", fx($0.x), fy($0.y)) }.joined(separator: " ")
            s +=
                "<polyline fill=\"none\" stroke=\"\(serie.color)\" stroke-width=\"2\"\(serie.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"/>"
            if serie.points.count <= 20 {
                for (i, p) in serie.points.enumerated() {
                    if let spread = serie.spread, spread[i] > 0 {
                        s += String(
                            format:
                                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" opacity=\"0.6\"/>",
                            fx(p.x), fx(p.x), fy(p.y - spread[i]), fy(p.y + spread[i]), serie.color)
                    }
                    s += String(
                        format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", fx(p.x), fy(p.y), serie.color)
                }
            }
        }
        // Legend under the plot.
        for (i, serie) in series.enumerated() {
            let x = left + Double(i % legendColumns) * (pw / 2)
            let y = height + Double(i / legendColumns) * 16
            s +=
                "<line x1=\"\(x)\" x2=\"\(x + 18)\" y1=\"\(y - 4)\" y2=\"\(y - 4)\" stroke=\"\(serie.color)\" stroke-width=\"3\"\(serie.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            s += "<text x=\"\(x + 24)\" y=\"\(y)\" font-size=\"11\">\(HTMLWriter.escape(serie.name))</text>"
        }
        return s + "</svg>"
    }

    /// Test error against training documents (log scale) for `curves` (default: every curve), one colour each;
    /// generative dashed, discriminative solid; the crossover marked when the chart shows the whole comparison.
    static func learningCurves(_ lc: LearningCurves, curves: [LearningCurves.Curve]? = nil, title: String) -> String {
        let shown = curves ?? lc.curves
        let docs = lc.curves.flatMap { $0.points.map(\.trainDocuments) }
        let errors = lc.curves.flatMap { $0.points.map { $0.error + $0.errorStd } }
        let lo = max(1, (docs.min() ?? 1) * 0.8)
        let hi = max(lo * 2, (docs.max() ?? 10) * 1.1)
        let yHi = min(1, ((errors.max() ?? 0.5) * 10).rounded(.up) / 10 + 0.0001)
        let colors = distinctColors(shown.count)
        let series = shown.enumerated().map { i, c -> Series in
            Series(
                name: c.model + (c.family == "generative" ? " (G)" : " (D)"), color: colors[i],
                dashed: c.family == "generative",
                points: c.points.map { ($0.trainDocuments, $0.error) }, spread: c.points.map(\.errorStd))
        }
        var s = line(
            series, title: title, xLabel: "training documents (log scale)",
            yLabel: "test error (%)", xRange: (lo, hi), yRange: (0, yHi), xLog: true, width: 560, height: 340,
            yPercent: true)
        if let c = lc.crossoverDocuments {
            let t = (log10(c) - log10(lo)) / (log10(hi) - log10(lo))
            let x = 58 + max(0, min(1, t)) * (560 - 74)
            let marker =
                "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"30\" y2=\"294\" stroke=\"#1d2433\" stroke-dasharray=\"2 3\"/>"
                + "<text x=\"\(min(x + 4, 420))\" y=\"44\" font-size=\"12\" fill=\"#1d2433\">crossover ≈ "
                + "\(Int(c.rounded())) documents</text>"
            s = s.replacingOccurrences(of: "</svg>", with: "") + marker + "</svg>"
        }
        return s
    }

    /// Horizontal bars of a headline metric per model, label above each bar so the chart reads at phone width.
    /// The axis always starts at 0 % and ends at 100 %, and says so; whiskers show ± sd over folds when given.
    static func bars(_ items: [(name: String, family: String, value: Double, sd: Double?)], metric: String) -> String {
        guard !items.isEmpty else { return "" }
        let width = 560.0
        let left = 8.0
        let plot = width - left - 70
        let row = 36.0
        let top = 40.0
        let height = top + Double(items.count) * row + 30
        func x(_ v: Double) -> Double { left + max(0, min(1, v)) * plot }
        let whiskers = items.contains { $0.sd != nil }
        var s =
            "<svg role=\"img\" aria-label=\"\(HTMLWriter.escape(metric)) by model\" viewBox=\"0 0 \(Int(width)) "
            + "\(Int(height))\" width=\"100%\" style=\"max-width:\(Int(width))px\">"
        s +=
            "<text x=\"\(left)\" y=\"16\" font-size=\"13\" fill=\"#5b6475\">\(HTMLWriter.escape(metric)) (%), "
            + "axis from 0 to 100\(whiskers ? "; whiskers ± sd over folds" : "")</text>"
        s +=
            "<rect x=\"\(left)\" y=\"24\" width=\"10\" height=\"10\" fill=\"#2f6db5\"/><text x=\"\(left + 14)\" "
            + "y=\"33\" "
            + "font-size=\"12\">generative</text><rect x=\"\(left + 100)\" y=\"24\" width=\"10\" height=\"10\" "
            + "fill=\"#c8553d\"/><text x=\"\(left + 114)\" y=\"33\" font-size=\"12\">discriminative</text>"
        for k in 0...10 {
            let v = Double(k) / 10
            s +=
                "<line x1=\"\(x(v))\" x2=\"\(x(v))\" y1=\"\(top)\" y2=\"\(height - 26)\" stroke=\"#e6e9ef\"/>"
            if k % 2 == 0 {
                s +=
                    "<text x=\"\(x(v))\" y=\"\(height - 10)\" font-size=\"12\" text-anchor=\"middle\" "
                    + "fill=\"#5b6475\">\(k * 10)</text>"
            }
        }
        for (i, item) in items.enumerated() {
            let y = top + Double(i) * row
            let color = item.family == "generative" ? "#2f6db5" : "#c8553d"
            s += "<text x=\"\(left)\" y=\"\(y + 13)\" font-size=\"13\">\(HTMLWriter.escape(item.name))</text>"
            s +=
                "<rect x=\"\(left)\" y=\"\(y + 18)\" width=\"\(max(1, x(item.value) - left))\" height=\"12\" "
                + "fill=\"\(color)\" opacity=\"0.85\"/>"
            var end = x(item.value)
            if let sd = item.sd, sd > 0 {
                let a = x(item.value - sd)
                let b = x(item.value + sd)
                let m = y + 24
                s +=
                    "<line x1=\"\(a)\" x2=\"\(b)\" y1=\"\(m)\" y2=\"\(m)\" stroke=\"#1d2433\"/>"
                    + "<line x1=\"\(a)\" x2=\"\(a)\" y1=\"\(m - 4)\" y2=\"\(m + 4)\" stroke=\"#1d2433\"/>"
                    + "<line x1=\"\(b)\" x2=\"\(b)\" y1=\"\(m - 4)\" y2=\"\(m + 4)\" stroke=\"#1d2433\"/>"
                end = b
            }
            s +=
                "<text x=\"\(end + 5)\" y=\"\(y + 29)\" font-size=\"12\" fill=\"#1d2433\">"
                + "\(Format.percent(item.value))</text>"
        }
        return s + "</svg>"
    }

    static func reliability(_ c: Calibration, name: String) -> String {
        let used = c.bins.filter { $0.count > 0 }
        return line(
            [
                Series(
                    name: "model (points: bins with documents)", color: "#c8553d",
                    points: used.map { ($0.confidence, $0.accuracy) }),
                Series(name: "perfect calibration", color: "#aaaaaa", dashed: true, points: [])
            ],
            title: String(format: "Reliability, ECE %.3f", c.expectedCalibrationError),
            xLabel: "mean predicted probability (top class)",
            yLabel: "accuracy", xRange: (0, 1), yRange: (0, 1), diagonal: true, width: 380, height: 300)
    }

    static func roc(_ c: BinaryCurves) -> String {
        line(
            [Series(name: "ROC (positive: \(c.positive))", color: "#2f6db5", points: c.roc.map { ($0[0], $0[1]) })],
            title: String(format: "ROC, AUC %.3f", c.rocAuc), xLabel: "false-positive rate",
            yLabel: "true-positive rate",
            xRange: (0, 1), yRange: (0, 1), diagonal: true, width: 380, height: 300)
    }

    static func precisionRecall(_ c: BinaryCurves) -> String {
        line(
            [
                Series(
                    name: "precision-recall (positive: \(c.positive))", color: "#3a9d5d",
                    points: c.precisionRecall.map { ($0[0], $0[1]) })
            ],
            title: String(format: "Precision-recall, AP %.3f", c.averagePrecision), xLabel: "recall",
            yLabel: "precision",
            xRange: (0, 1), yRange: (0, 1), width: 380, height: 300)
    }
}

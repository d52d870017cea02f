import Foundation

/// Charts drawn at build time as inline SVG: no script, nothing from another host. Colours come
/// from the theme's style sheet (classes, so that they follow dark mode and print), and every
/// chart is described for screen readers (`role="img"` with a title) and shown beside a table
/// of the same numbers.
enum Charts {
    /// A number as a chart draws it: at most one decimal, a point as the decimal mark.
    static func n(_ value: Double) -> String {
        // Integer arithmetic: `String(format:)` costs microseconds, and visit pages print thousands.
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.1f", value) }
        let tenths = Int((value * 10).rounded())
        if tenths % 10 == 0 { return String(tenths / 10) }
        return (tenths < 0 ? "-" : "") + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
    }

    /// Values over time (months): a line with dots, on a y axis from `range`, with a dashed
    /// line at `target` when given. Missing values break the line.
    static func line(title: String, labels: [String], values: [Double?], range: ClosedRange<Double>, target: Double? = nil,
                     unit: String = "%") -> String {
        let width = 640.0, height = 220.0, left = 44.0, right = 16.0, top = 14.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Int) -> Double { labels.count <= 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(labels.count - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (min(max(v, range.lowerBound), range.upperBound) - range.lowerBound) / (range.upperBound - range.lowerBound)) }
        var svg = "<svg class=\"chart chart-line\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(SiteRenderer.escape(title))\">"
            + "<title>\(SiteRenderer.escape(title))</title>"
        // Grid and y labels: five steps.
        for step in 0...4 {
            let v = range.lowerBound + (range.upperBound - range.lowerBound) * Double(step) / 4
            svg += "<line class=\"chart-grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\"/>"
            svg += "<text class=\"chart-label\" x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(n(v))</text>"
        }
        if let target {
            svg += "<line class=\"chart-target\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(target)))\" y2=\"\(n(y(target)))\"/>"
        }
        for (i, label) in labels.enumerated() {
            svg += "<text class=\"chart-label\" x=\"\(n(x(i)))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(SiteRenderer.escape(label))</text>"
        }
        // The line, in runs of known values.
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline class=\"chart-series\" points=\"\(run.joined(separator: " "))\"/>" }
            run = []
        }
        for (i, value) in values.enumerated() {
            guard let value else { flush(); continue }
            run.append("\(n(x(i))),\(n(y(value)))")
        }
        flush()
        for (i, value) in values.enumerated() {
            guard let value else { continue }
            svg += "<circle class=\"chart-dot\" cx=\"\(n(x(i)))\" cy=\"\(n(y(value)))\" r=\"4\"><title>\(SiteRenderer.escape(labels[i])): \(n(value))\(unit.isEmpty ? "" : " " + unit)</title></circle>"
        }
        return svg + "</svg>"
    }

    /// Counts in buckets: vertical bars with their counts above.
    static func bars(title: String, labels: [String], counts: [Int]) -> String {
        let width = 640.0, height = 200.0, left = 12.0, right = 12.0, top = 20.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let most = Double(max(1, counts.max() ?? 1))
        let slot = plotW / Double(max(1, counts.count)), barW = slot * 0.7
        var svg = "<svg class=\"chart chart-bars\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(SiteRenderer.escape(title))\">"
            + "<title>\(SiteRenderer.escape(title))</title>"
            + "<line class=\"chart-grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(top + plotH))\" y2=\"\(n(top + plotH))\"/>"
        for (i, count) in counts.enumerated() {
            let h = plotH * Double(count) / most, x = left + slot * Double(i) + (slot - barW) / 2
            svg += "<rect class=\"chart-bar\" x=\"\(n(x))\" y=\"\(n(top + plotH - h))\" width=\"\(n(barW))\" height=\"\(n(h))\"><title>\(SiteRenderer.escape(labels[i])): \(count)</title></rect>"
            svg += "<text class=\"chart-label\" x=\"\(n(x + barW / 2))\" y=\"\(n(top + plotH - h - 4))\" text-anchor=\"middle\">\(count)</text>"
            svg += "<text class=\"chart-label\" x=\"\(n(x + barW / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(SiteRenderer.escape(labels[i]))</text>"
        }
        return svg + "</svg>"
    }

    /// A small line of values over time, for a page's margin (its numbers are in a table beside).
    static func sparkline(title: String, values: [Double?]) -> String {
        let width = 160.0, height = 36.0, pad = 4.0
        func x(_ i: Int) -> Double { values.count <= 1 ? width / 2 : pad + (width - 2 * pad) * Double(i) / Double(values.count - 1) }
        func y(_ v: Double) -> Double { pad + (height - 2 * pad) * (1 - min(max(v, 0), 100) / 100) }
        var svg = "<svg class=\"chart chart-spark\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(SiteRenderer.escape(title))\">"
            + "<title>\(SiteRenderer.escape(title))</title>"
        let points = values.enumerated().compactMap { i, v in v.map { "\(n(x(i))),\(n(y($0)))" } }
        if points.count > 1 { svg += "<polyline class=\"chart-series\" points=\"\(points.joined(separator: " "))\"/>" }
        for (i, v) in values.enumerated() { if let v { svg += "<circle class=\"chart-dot\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"2.5\"/>" } }
        return svg + "</svg>"
    }

    /// A share as a horizontal bar (0–100), for tables.
    static func meter(_ value: Double?) -> String {
        guard let value else { return "" }
        let w = min(max(value, 0), 100)
        return "<svg class=\"chart chart-meter\" viewBox=\"0 0 100 8\" aria-hidden=\"true\"><rect class=\"chart-track\" x=\"0\" y=\"0\" width=\"100\" height=\"8\"/>"
            + "<rect class=\"chart-bar\" x=\"0\" y=\"0\" width=\"\(n(w))\" height=\"8\"/></svg>"
    }

    /// The class of a heat-table cell: five levels of a pass rate.
    static func heat(_ value: Double?) -> String {
        guard let value else { return "heat-none" }
        switch value {
        case ..<60: return "heat-0"
        case ..<75: return "heat-1"
        case ..<85: return "heat-2"
        case ..<95: return "heat-3"
        default: return "heat-4"
        }
    }
}

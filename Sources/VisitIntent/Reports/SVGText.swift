import Foundation

/// Text, number and tick helpers shared by the charts and `HTMLDocument`.
///
/// Everything here is locale-independent and pure, so a report renders to the
/// same bytes on every machine: numbers always use `.` and fixed decimals, and
/// text widths are estimated from a fixed table rather than measured.
public enum SVGText {
    /// The font stack every chart uses (DejaVu Sans ships with most Linux
    /// systems, so the width estimates below are made for it).
    public static let fontFamily = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

    /// Escapes `& < > " '`, so the result is safe both as element content and
    /// inside a quoted attribute; drops control characters XML 1.0 forbids.
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `v` with exactly `decimals` digits after the point (clamped to 0...17),
    /// never localised and never `-0`; non-finite values give `NaN`, `inf`, `-inf`.
    public static func number(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }
        let d = Swift.max(0, Swift.min(decimals, 17))
        var s = String(format: "%.\(d)f", v)
        // Rounding can leave "-0.00"; a sign on zero only confuses readers and diffs.
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        return s
    }

    /// Round tick values covering `min...max` with a step of 1, 2 or 5 × 10ᵏ:
    /// the smallest such step ≥ (max − min)/`count`, so about `count`
    /// intervals (at most `count` + 2 once the ends are rounded out). The first tick
    /// is ≤ `min` and the last ≥ `max` (to within 1e-9 of a step); ticks are
    /// computed as integer multiples of the step, so 0.6 prints as 0.6.
    ///
    /// Degenerate input is widened: equal bounds get a margin, swapped bounds
    /// are reordered, and non-finite bounds fall back to `0...1`.
    public static func niceTicks(min lower: Double, max upper: Double, count: Int = 5) -> [Double] {
        var a = lower, b = upper
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if a > b { swap(&a, &b) }
        if a == b {
            let pad = a == 0 ? 1 : abs(a) * 0.1
            (a, b) = (a - pad, b + pad)
        }
        let span = b - a
        guard span.isFinite else { return [a, b] }
        let (mantissa, exponent) = niceStep(span / Double(Swift.max(count, 1)))
        let step = value(1, mantissa, exponent)
        let first = (a / step + 1e-9).rounded(.down)
        let last = (b / step - 1e-9).rounded(.up)
        guard first <= last, last - first < 10_000 else { return [a, b] }
        var ticks: [Double] = []
        var k = first
        while k <= last {
            ticks.append(value(k, mantissa, exponent))
            k += 1
        }
        return ticks
    }

    /// Decimals needed to print evenly spaced `ticks` without losing their
    /// step (0 for steps ≥ 1, 1 for 0.2 or 0.5, 2 for 0.05, …).
    public static func tickDecimals(_ ticks: [Double]) -> Int {
        guard ticks.count >= 2 else { return 0 }
        let step = abs(ticks[1] - ticks[0])
        guard step > 0, step.isFinite else { return 0 }
        return Swift.min(Swift.max(0, -Int((log10(step) + 1e-9).rounded(.down))), 17)
    }

    /// Approximate rendered width in pixels of `text` in DejaVu Sans at
    /// `fontSize`, from per-character advance classes; errs on the wide side
    /// so layouts leave room rather than overlap.
    public static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for ch in text { em += advance(ch) }
        return em * fontSize
    }

    /// `text` shortened with a trailing `…` so that it fits `maxWidth` pixels
    /// at `fontSize`; returned unchanged when it already fits.
    public static func truncate(_ text: String, maxWidth: Double, fontSize: Double) -> String {
        if estimatedWidth(text, fontSize: fontSize) <= maxWidth { return text }
        let ellipsis = advance("…") * fontSize
        var width = 0.0
        var kept = ""
        for ch in text {
            let w = advance(ch) * fontSize
            if width + w + ellipsis > maxWidth { break }
            width += w
            kept.append(ch)
        }
        while kept.last == " " { kept.removeLast() }
        return kept + "…"
    }

    /// A chart's inline `<svg>` made into a stand-alone `.svg` file: XML
    /// declaration and SVG namespace added (inline HTML needs neither).
    public static func standaloneDocument(_ svg: String) -> String {
        guard svg.hasPrefix("<svg "), !svg.contains("xmlns=") else { return svg }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"" + svg.dropFirst(4) + "\n"
    }

    /// Smallest 1, 2 or 5 × 10ᵉ at least `raw` (with a relative tolerance, so
    /// 0.2 computed as 1/5 stays 0.2).
    private static func niceStep(_ raw: Double) -> (mantissa: Double, exponent: Int) {
        guard raw > 0, raw.isFinite else { return (1, 0) }
        var exponent = Int(log10(raw).rounded(.down))
        let fraction = raw / value(1, 1, exponent)
        for m in [1.0, 2, 5] where fraction <= m * (1 + 1e-9) { return (m, exponent) }
        exponent += 1
        return (1, exponent)
    }

    /// `k · m · 10ᵉ`, dividing by an exact power of ten for negative `e` so the
    /// result is the double nearest the decimal value.
    private static func value(_ k: Double, _ m: Double, _ e: Int) -> Double {
        let v = e >= 0 ? k * m * pow(10, Double(e)) : k * m / pow(10, Double(-e))
        return v == 0 ? 0 : v
    }

    /// Advance width in ems, by rough character class of DejaVu Sans.
    private static func advance(_ c: Character) -> Double {
        switch c {
        case "i", "j", "l", "!", "|", ".", ",", ":", ";", "'", "`": return 0.32
        case " ", "f", "t", "r", "I", "(", ")", "[", "]", "-", "/": return 0.42
        case "m", "w", "M", "W", "%", "@", "…", "—": return 0.98
        default:
            if c.isNumber { return 0.64 }
            if c.isUppercase { return 0.74 }
            if c.isASCII { return 0.62 }
            return 0.9  // non-Latin scripts and symbols are usually wider
        }
    }
}

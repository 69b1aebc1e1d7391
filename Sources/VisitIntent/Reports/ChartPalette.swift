import Foundation

/// Colours for the charts: a categorical palette that stays distinguishable
/// under the common colour-vision deficiencies, and a single-hue sequential
/// scale whose lightness falls monotonically, so heat maps read in greyscale.
public enum ChartPalette {
    /// Okabe & Ito (2008), "Color Universal Design", reordered so the first
    /// colours contrast best with white and with each other; yellow and black
    /// come last (yellow is faint on white, black reads as an axis).
    public static let categorical: [String] = [
        "#0072b2",  // blue
        "#e69f00",  // orange
        "#009e73",  // bluish green
        "#d55e00",  // vermillion
        "#cc79a7",  // reddish purple
        "#56b4e9",  // sky blue
        "#f0e442",  // yellow
        "#000000",  // black
    ]

    /// Colour of the `index`-th series, cycling through `categorical`.
    public static func categorical(_ index: Int) -> String {
        let n = categorical.count
        return categorical[((index % n) + n) % n]
    }

    /// Neutral grey for suppressed or missing marks.
    public static let suppressed = "#9e9e9e"

    /// Stops of the sequential scale: white, then ColorBrewer "Blues" (Brewer
    /// 2002) to dark blue. Each channel is non-increasing, so luminance falls
    /// monotonically with `t`.
    private static let sequentialStops: [(r: Double, g: Double, b: Double)] = [
        (0xff, 0xff, 0xff), (0xde, 0xeb, 0xf7), (0xc6, 0xdb, 0xef), (0x9e, 0xca, 0xe1),
        (0x6b, 0xae, 0xd6), (0x42, 0x92, 0xc6), (0x21, 0x71, 0xb5), (0x08, 0x51, 0x9c), (0x08, 0x30, 0x6b),
    ]

    /// `#rrggbb` for `t` in 0...1 on the white → dark-blue scale (linear
    /// interpolation between stops; `t` is clamped, NaN gives light grey).
    public static func sequential(_ t: Double) -> String {
        guard !t.isNaN else { return "#e0e0e0" }
        let x = Swift.min(Swift.max(t, 0), 1) * Double(sequentialStops.count - 1)
        let i = Swift.min(Int(x), sequentialStops.count - 2)
        let f = x - Double(i)
        let a = sequentialStops[i], b = sequentialStops[i + 1]
        return hex(a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f)
    }

    /// `#000000` or `#ffffff`, whichever has the higher WCAG 2 contrast ratio
    /// against the background `#rrggbb`.
    public static func textColor(on background: String) -> String {
        let l = relativeLuminance(background)
        // Contrast with white is 1.05/(l+0.05), with black (l+0.05)/0.05.
        return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#000000"
    }

    /// WCAG 2 relative luminance of `#rrggbb` (0 for black, 1 for white);
    /// malformed input counts as white.
    public static func relativeLuminance(_ color: String) -> Double {
        let digits = color.hasPrefix("#") ? String(color.dropFirst()) : color
        guard digits.count == 6, let v = UInt32(digits, radix: 16) else { return 1 }
        func linear(_ c: UInt32) -> Double {
            let s = Double(c) / 255
            return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(v >> 16 & 0xff) + 0.7152 * linear(v >> 8 & 0xff) + 0.0722 * linear(v & 0xff)
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        func byte(_ c: Double) -> String {
            let v = Int(Swift.min(Swift.max(c.rounded(), 0), 255))
            return (v < 16 ? "0" : "") + String(v, radix: 16)
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }
}

import LinearAlgebra

/// Top-label calibration: sessions binned by the probability of the
/// predicted class (equal-width bins), each bin's mean confidence against its
/// accuracy, and the expected calibration error
/// `ECE = Σ (nᵦ/n)·|accuracyᵦ − confidenceᵦ|`.
public struct Reliability: Codable, Sendable, Equatable {
    public struct Bin: Codable, Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var sessions: Int
        public var confidence: Double?
        public var accuracy: Double?
    }

    public var bins: [Bin]
    public var expectedCalibrationError: Double

    enum CodingKeys: String, CodingKey { case bins; case expectedCalibrationError = "expected_calibration_error" }

    public init(probabilities p: Matrix<Double>, labels: [Int32], binCount: Int = 10) {
        var count = [Int](repeating: 0, count: binCount), correct = [Int](repeating: 0, count: binCount)
        var confidence = [Double](repeating: 0, count: binCount)
        let predicted = predictedClasses(p)
        for r in 0..<labels.count {
            let c = p[r, Int(predicted[r])]
            guard c.isFinite else { continue }  // undefined confidence: left out of every bin
            let b = min(binCount - 1, max(0, Int(c * Double(binCount))))
            count[b] += 1
            confidence[b] += c
            if predicted[r] == labels[r] { correct[b] += 1 }
        }
        let n = Double(max(labels.count, 1))
        var ece = 0.0
        bins = (0..<binCount).map { b in
            guard count[b] > 0 else { return Bin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), sessions: 0, confidence: nil, accuracy: nil) }
            let conf = confidence[b] / Double(count[b]), acc = Double(correct[b]) / Double(count[b])
            ece += Double(count[b]) / n * abs(acc - conf)
            return Bin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), sessions: count[b], confidence: conf, accuracy: acc)
        }
        expectedCalibrationError = ece
    }
}

/// What the streaming pipeline does with each closed chunk once its sessions
/// have their features: score them and write the scores (`ScoreOutput`, for
/// `intent score`), or write the feature rows themselves (`FeatureRowWriter`,
/// for `intent features --model`). A new output is one new conforming type.
///
/// Called on the scoring thread, one chunk at a time and in order, so an
/// output needs no lock of its own.
public protocol ChunkOutput: AnyObject {
    /// The chunk's feature rows; `after[s]`: whether a consultation came before session `s`.
    func write(_ matrix: FeatureMatrix, after: [Bool]) throws
    /// Everything was written: complete the output.
    func finish() throws
}

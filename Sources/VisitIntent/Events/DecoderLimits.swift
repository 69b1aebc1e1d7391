/// When a reading thread's line decoder forgets what it memoised: its pool of
/// normalised strings, and its memo of raw ids → pseudonyms. Bounds on its
/// memory (a long file of ever-new visitors would otherwise grow them without
/// end); crossing one only costs recomputing what comes again. Settable so
/// tests can make them tiny and cross them every few lines.
public struct DecoderLimits: Sendable {
    /// Normalised strings (pages, hosts, UTM values…) held at most.
    public var strings = 500_000
    /// Pseudonyms held at most (forgotten with the raw ids that gave them).
    public var ids = 200_000
    /// Raw ids looked up in each of the id memo's two generations (recent, older).
    public var idGeneration = 4_096
    /// UTF-8 bytes held at most, by each of the two pools.
    public var bytes = 64 << 20

    public init() {}
}

/// The stochastic model behind generated journeys (documented in
/// `docs/journey-generator.md`).
///
/// Each session has a latent intent — `curiosity`, `research` or `booking` —
/// that drives, through the tables below, its traffic channel, landing page,
/// the kinds of pages it moves through, how long each is read, how deep it
/// scrolls and which funnel events happen. A visitor's intents follow a
/// Markov chain over sessions (curiosity tends to become research, research
/// booking). To keep the task honest, 12% of sessions *behave* like another
/// intent than their label, funnel events are rare and partial, and every
/// table overlaps: no single feature gives the intent away.
enum JourneyModel {
    static let intents = ["curiosity", "research", "booking"]
    static let channels = ["organic", "paid", "social", "directory", "email", "referral", "direct"]

    /// P(first session's intent).
    static let firstIntent: [Double] = [0.66, 0.28, 0.06]
    /// P(next session's intent | this session's intent).
    static let nextIntent: [[Double]] = [
        [0.62, 0.30, 0.08],
        [0.30, 0.45, 0.25],
        [0.45, 0.35, 0.20],
    ]
    /// P(channel | intent), channels in `channels` order.
    static let channel: [[Double]] = [
        [0.40, 0.08, 0.30, 0.02, 0.03, 0.07, 0.10],
        [0.42, 0.15, 0.10, 0.08, 0.05, 0.05, 0.15],
        [0.22, 0.10, 0.05, 0.20, 0.10, 0.05, 0.28],
    ]
    /// Relative weight of moving to each page kind (`ClinicSite.kinds` order), by intent.
    static let kindWeights: [[Double]] = [
        [1.0, 1.2, 0.35, 1.3, 0.3, 2.5, 0.4, 0.2, 0.10, 0.08],
        [0.6, 2.5, 1.4, 1.2, 1.3, 0.8, 0.7, 0.3, 0.25, 0.05],
        [0.6, 1.3, 1.3, 0.5, 0.5, 0.25, 0.9, 0.8, 2.2, 0.05],
    ]
    /// P(stop after a page), by intent.
    static let stop: [Double] = [0.48, 0.2, 0.24]
    /// Median seconds on a page, by intent and page kind.
    static let dwellMedian: [[Double]] = [
        [15, 22, 18, 30, 18, 45, 15, 12, 15, 8],
        [18, 70, 50, 40, 60, 40, 35, 20, 30, 10],
        [15, 35, 35, 20, 30, 20, 30, 30, 90, 10],
    ]
    /// Probability that a session's pages stay on the visitor's topic.
    static let focus: [Double] = [0.45, 0.8, 0.75]
    /// Funnel probabilities by intent.
    static let formStartOnBookingPage: [Double] = [0.05, 0.15, 0.75]
    static let formSubmitAfterStart: [Double] = [0.1, 0.25, 0.7]
    static let bookingAfterSubmit: [Double] = [0.5, 0.6, 0.85]
    static let phoneClickOnContact: [Double] = [0.02, 0.08, 0.30]
    static let siteSearch: [Double] = [0.03, 0.12, 0.04]
    static let videoOnProcedure: [Double] = [0.05, 0.15, 0.06]
    /// Local hour-of-day weights (24 values) by intent.
    static func hourWeights(_ intent: Int) -> [Double] {
        (0..<24).map { h -> Double in
            let evening = (h >= 19 && h <= 23) ? 2.0 : 0.0
            let office = (h >= 9 && h <= 18) ? 1.5 : 0.0
            let lunch = (h >= 12 && h <= 13) ? 1.0 : 0.0
            let night = (h < 7) ? 0.1 : 0.4
            switch intent {
            case 0: return night + evening * 1.3 + office * 0.6 + lunch
            case 1: return night + evening + office * 0.9 + lunch * 1.2
            default: return night + evening * 0.6 + office * 1.4 + lunch * 0.8
            }
        }
    }
}

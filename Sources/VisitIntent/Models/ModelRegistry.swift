import Crypto
import Foundation

/// Model kinds a file can hold; a new model is one new entry.
public enum ModelRegistry {
    public struct Entry: Sendable {
        public let decode: @Sendable (Data, JSONDecoder) throws -> any Classifier
    }
    public static let types: [String: Entry] = [
        "logistic": Entry { try $1.decode(LogisticRegressionModel.self, from: $0) },
        "gbdt": Entry { try $1.decode(GradientBoostingModel.self, from: $0) },
    ]
}

import Crypto
import Foundation

/// Model files: one versioned, checksummed JSON document.
///
///     {"checksum":"sha256:…","format":"visitintent-model","format_version":1,"model":{…}}
///
/// The model object is encoded with sorted keys and no time stamps, so equal
/// models are equal bytes; the checksum is SHA-256 of exactly those bytes, so
/// any edit or truncation is caught on load. Files are written atomically.
public enum ModelFile {
    public static let format = "visitintent-model"
    public static let formatVersion = 1

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// The file's bytes for `model`.
    public static func bytes<M: Encodable>(_ model: M) throws -> [UInt8] {
        let payload = try encoder().encode(model)
        let digest = Hex.encode(SHA256.hash(data: payload))
        var out = Array("{\"checksum\":\"sha256:\(digest)\",\"format\":\"\(format)\",\"format_version\":\(formatVersion),\"model\":".utf8)
        out.append(contentsOf: payload)
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    public static func write<M: Encodable>(_ model: M, to path: String) throws {
        try AtomicFile.write(path: path, bytes: try bytes(model))
    }

    /// Reads and verifies a model file; returns its kind and payload bytes.
    public static func readPayload(path: String) throws -> (kind: String, payload: Data) {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelFileError.missing(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelFileError.unreadable(path) }
        return try readPayload(data: data, path: path)
    }

    public static func readPayload(data: Data, path: String) throws -> (kind: String, payload: Data) {
        struct Header: Decodable {
            var checksum: String?
            var format: String?
            var format_version: Int?
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ModelFileError.corrupted(path, "not a JSON model file (truncated or not a model)")
        }
        guard header.format == format else { throw ModelFileError.corrupted(path, "not a VisitIntent model file") }
        guard let version = header.format_version else { throw ModelFileError.corrupted(path, "no format_version") }
        if version > formatVersion { throw ModelFileError.newerFormat(path, version) }
        if version < 1 { throw ModelFileError.corrupted(path, "format_version \(version) is not valid") }
        // The payload is everything between the fixed prefix and the closing brace.
        let bytes = [UInt8](data)
        guard let checksum = header.checksum, checksum.hasPrefix("sha256:") else { throw ModelFileError.corrupted(path, "no checksum") }
        let prefix = Array("{\"checksum\":\"\(checksum)\",\"format\":\"\(format)\",\"format_version\":\(version),\"model\":".utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 { end -= 1 }
        guard bytes.count > prefix.count, Array(bytes[0..<prefix.count]) == prefix, end > prefix.count, bytes[end - 1] == UInt8(ascii: "}") else {
            throw ModelFileError.corrupted(path, "the file was reformatted or edited (its layout is not the one VisitIntent writes)")
        }
        let payload = Data(bytes[prefix.count..<(end - 1)])
        guard "sha256:" + Hex.encode(SHA256.hash(data: payload)) == checksum else {
            throw ModelFileError.corrupted(path, "checksum mismatch: the model was modified or damaged")
        }
        struct Kind: Decodable { var kind: String }
        guard let kind = try? JSONDecoder().decode(Kind.self, from: payload) else { throw ModelFileError.corrupted(path, "the model has no kind") }
        return (kind.kind, payload)
    }

    /// Loads any classifier by its kind.
    public static func loadClassifier(path: String) throws -> any Classifier {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelFileError.missing(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelFileError.unreadable(path) }
        return try loadClassifier(data: data, path: path)
    }

    /// Loads any classifier from a model file's bytes (`path` names it in errors).
    public static func loadClassifier(data: Data, path: String) throws -> any Classifier {
        let (kind, payload) = try readPayload(data: data, path: path)
        guard let type = ModelRegistry.types[kind] else {
            throw ModelFileError.unknownKind(path, kind)
        }
        do { return try type.decode(payload, decoder()) } catch let e as ModelFileError { throw e } catch let e as FeatureSpecError {
            throw ModelFileError.invalid("\(path): \(e)")
        } catch {
            throw ModelFileError.invalid("\(path): the \(kind) model cannot be decoded: \(error)")
        }
    }

    /// Loads a classifier that must be of type `M`.
    public static func load<M: Classifier & Decodable>(_ type: M.Type, path: String) throws -> M {
        let (_, payload) = try readPayload(path: path)
        return try decoder().decode(M.self, from: payload)
    }
}

public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unreadable(String)
    case corrupted(String, String)
    case newerFormat(String, Int)
    case unknownKind(String, String)
    case wrongKind(expected: String, found: String)
    case invalid(String)

    public var description: String {
        switch self {
        case .missing(let p): "\(p): no such model file"
        case .unreadable(let p): "\(p): cannot read the model file"
        case .corrupted(let p, let why): "\(p): corrupted model file: \(why)"
        case .newerFormat(let p, let v): "\(p): model format version \(v) is newer than this tool reads (\(ModelFile.formatVersion)); upgrade VisitIntent"
        case .unknownKind(let p, let k): "\(p): unknown model kind '\(k)' (this tool knows \(ModelRegistry.types.keys.sorted().joined(separator: ", ")))"
        case .wrongKind(let e, let f): "expected a \(e) model, found a \(f) model"
        case .invalid(let d): "invalid model: \(d)"
        }
    }
}

import Foundation
import Yams

/// Reads the small YAML files users write (taxonomies, outcome rules,
/// playbooks) defensively: the document is composed and checked first — plain
/// mappings, sequences and scalars only, keys that are scalars, standard tags,
/// bounded size and depth (aliases are expanded by the parser) — and only then built,
/// because building exotic documents (a mapping used as a key, an unknown
/// local tag) can trap inside the YAML library, as fuzzing found.
enum YAMLDocument {
    struct Failure: Error { var detail: String }

    /// The text of a YAML file; `what` names it in errors ("the rules file").
    static func text(path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(detail: "cannot read \(what)") }
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(detail: "\(what) is not UTF-8") }
        return text
    }

    static func load(_ text: String) throws -> Any? {
        guard text.utf8.count <= 4 << 20 else { throw Failure(detail: "the file is larger than 4 MiB") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw Failure(detail: "not valid YAML: \(error)") }
        guard let root else { return nil }
        try check(root, depth: 0)
        do { return try Yams.load(yaml: text) } catch { throw Failure(detail: "not valid YAML: \(error)") }
    }

    private static func check(_ node: Node, depth: Int) throws {
        guard depth < 32 else { throw Failure(detail: "nested more than 32 levels deep") }
        let tag = node.tag.rawValue
        if tag.hasPrefix("!") && tag != "!" { throw Failure(detail: "unsupported YAML tag (write plain values)") }
        switch node {
        case .scalar: return
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar = key else { throw Failure(detail: "a key must be a plain name, not a list or a mapping") }
                try check(key, depth: depth + 1)
                try check(value, depth: depth + 1)
            }
        case .sequence(let sequence):
            for item in sequence { try check(item, depth: depth + 1) }
        case .alias:
            throw Failure(detail: "YAML anchors and aliases are not supported (repeat the values)")
        }
    }
}

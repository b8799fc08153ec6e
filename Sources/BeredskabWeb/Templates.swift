import BeredskabRules
import Foundation
import Mustache

/// The page templates (`Templates/*.mustache`, a resource of this module), loaded once into one
/// `MustacheLibrary`. In Mustache `{{x}}` escapes for HTML and `{{{x}}}` does not, so a page is safe
/// unless a template says otherwise; every `{{{` carries a comment saying why (see `TemplateTests`).
///
/// The folder is looked up beside the executable (`Beredskab_BeredskabWeb.resources/Templates`, where
/// `swift build` puts it, for the binary and for the test runner alike) rather than with
/// `Bundle.module`, which stops the process with a fatal error when the binary was copied away from
/// its resources; a missing folder instead makes every page a short plain-text notice.
enum Templates {
    /// The resource folder's name beside the executable.
    static let folder = "Beredskab_BeredskabWeb.resources/Templates"

    /// The library, or what went wrong loading it.
    static let loaded: Result<MustacheLibrary, TemplateError> = load()

    /// A template that could not be found or parsed.
    struct TemplateError: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        var description: String
    }

    /// The folder holding the `.mustache` files, if installed.
    static func directory() -> URL? {
        let folders = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        for base in folders {
            let url = base.appendingPathComponent(folder)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return url
            }
        }
        return nil
    }

    /// Every `.mustache` file in the folder: name (without extension) and text.
    static func sources() throws(TemplateError) -> [(name: String, text: String)] {
        guard let directory = directory() else {
            throw TemplateError(description: "\(folder) was not installed beside the beredskab binary")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var out: [(String, String)] = []
        for file in names.sorted() where file.hasSuffix(".mustache") {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                throw TemplateError(description: "\(folder)/\(file) could not be read")
            }
            out.append((String(file.dropLast(".mustache".count)), text))
        }
        return out
    }

    static func load() -> Result<MustacheLibrary, TemplateError> {
        MustacheContentTypes.register(MarkdownText(), named: "MARKDOWN")
        do {
            var library = MustacheLibrary()
            for (name, text) in try sources() {
                do {
                    try library.register(text, named: name)
                } catch {
                    throw TemplateError(description: "\(folder)/\(name).mustache: \(error)")
                }
            }
            return .success(library)
        } catch let error as TemplateError {
            return .failure(error)
        } catch {
            return .failure(TemplateError(description: "\(error)"))
        }
    }

    /// Why the templates cannot be used, or nil when they are loaded.
    static var problem: String? {
        if case .failure(let error) = loaded { return error.description }
        return nil
    }

    /// A template rendered with a view; a short escaped notice if the templates are missing.
    static func render(_ name: String, _ view: [String: Any]) -> String {
        switch loaded {
        case .success(let library):
            if let html = library.render(view, withTemplate: name) { return html }
            return notice("template \(name) is missing")
        case .failure(let error):
            return notice(error.description)
        }
    }

    static func notice(_ text: String) -> String {
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Beredskab</title></head>"
            + "<body><p>\(HTML.escape(text))</p></body></html>\n"
    }
}

/// Whether the pages can be rendered, for a server to check before it starts.
public enum WebTemplates {
    /// Why the page templates cannot be used (not installed beside the binary, or one does not
    /// parse), or nil when they are loaded.
    public static var problem: String? { Templates.problem }
}

/// The texts of one language as plain text for templates, `{{t.signInTitle}}`: the template escapes them.
struct TemplateTexts: MustacheParent {
    /// The language.
    let lang: Language

    /// The text of the `WebText` case so named, or nil for none.
    func child(named name: String) -> Any? { Self.byName[name]?.text(lang) }

    /// Every text by its case name, looked up once rather than through `init(rawValue:)`'s chain of comparisons.
    static let byName = Dictionary(uniqueKeysWithValues: WebText.allCases.map { ($0.rawValue, $0) })
}

/// Optional text for a template: the text, or `false`, so a section on it renders nothing and a
/// lookup does not climb to an outer context's value of the same name.
func present(_ text: String?) -> Any { text ?? false }

import Mustache

/// The console's mustache templates, one per page plus the partials of the frame (`layout`, `nav`, `style`, `csrf`).
/// Their source is Console/Templates/*.mustache; scripts/embed-templates.sh compiles them into
/// ConsoleTemplates+Embedded.swift so that the binary renders its pages wherever it is copied.
enum ConsoleTemplates {
    /// Every embedded template, parsed. A template that does not parse is a build mistake that a test catches.
    static let library: MustacheLibrary = {
        do {
            return try Self.library(Self.embedded)
        } catch {
            preconditionFailure("A console template does not parse: \(error)")
        }
    }()

    static func library(_ sources: [String: String]) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, source) in sources {
            try library.register(source, named: name)
        }
        return library
    }
}

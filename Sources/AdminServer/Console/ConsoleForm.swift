import Foundation
import GuardDutyModel
import Hummingbird
import SigV4

/// A console form's fields, decoded from an `application/x-www-form-urlencoded` body (or a query string) by Hummingbird's
/// `URLEncodedFormDecoder`, after `FormEncoding.normalised` (SigV4, fuzzed): the names a form declares repeated become
/// `name[]`, any other name keeps its first value (as the console always read it), names with brackets are dropped (no
/// console form has one) and at most `maxFields` fields are read.
protocol ConsoleForm: Decodable {
    /// Names that may appear more than once (checkbox groups), decoded as `[String]`.
    static var repeatedFields: Set<String> { get }
}

extension ConsoleForm {
    static var repeatedFields: Set<String> { [] }

    /// The form's fields; a body the decoder cannot read is a 400 that says why.
    static func decode(_ text: String, maxFields: Int = 1000) throws -> Self {
        do {
            return try URLEncodedFormDecoder().decode(Self.self, from: Self.normalised(text, maxFields: maxFields))
        } catch let error as URLEncodedFormError {
            throw GuardDutyError.badRequest("The form could not be read (\(error.description)): reload the page and try again.")
        } catch is DecodingError {
            throw GuardDutyError.badRequest("The form is incomplete or has a value of the wrong kind: reload the page and try again.")
        }
    }

    static func normalised(_ text: String, maxFields: Int) -> String {
        FormEncoding.normalised(text, repeatedFields: Self.repeatedFields, maxFields: maxFields)
    }
}

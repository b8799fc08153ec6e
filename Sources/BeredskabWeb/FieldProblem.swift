import BeredskabRules

/// What is wrong with one form field, written next to it in the page's language.
public enum FieldProblem: Sendable, Equatable {
    /// Nothing was entered or chosen.
    case required
    /// Not a date and time the form understands.
    case invalidDateTime
    /// The time lies in the future.
    case inFuture
    /// An end before its start.
    case endBeforeStart
    /// A value that is not one of the choices offered.
    case unknownChoice
    /// Longer than allowed.
    case tooLong(maximum: Int)
    /// Neither an e-mail address nor a mobile number.
    case invalidAddress
    /// Incident ids that are not known.
    case unknownIncidents([String])
    /// A problem the server words itself, in both languages.
    case custom(da: String, en: String)

    /// The message in a language, as plain text.
    public func message(_ lang: Language) -> String {
        switch self {
        case .required: WebText.problemRequired.text(lang)
        case .invalidDateTime: WebText.problemInvalidDateTime.text(lang)
        case .inFuture: WebText.problemInFuture.text(lang)
        case .endBeforeStart: WebText.problemEndBeforeStart.text(lang)
        case .unknownChoice: WebText.problemUnknownChoice.text(lang)
        case .tooLong(let maximum): WebText.problemTooLong.text(lang, ["max": "\(maximum)"])
        case .invalidAddress: WebText.problemInvalidAddress.text(lang)
        case .unknownIncidents(let ids):
            WebText.problemUnknownIncidents.text(lang, ["ids": ids.joined(separator: ", ")])
        case .custom(let da, let en): lang == .da ? da : en
        }
    }
}

import BeredskabEngine
import BeredskabTime

/// A CAP 1.2 alert that was read and checked, with the incident report it maps to.
public struct CAPAlert: Sendable, Equatable {
    /// CAP's `msgType`.
    public enum MessageType: String, Sendable, Equatable, CaseIterable {
        case alert, update, cancel, ack, error
    }

    /// CAP's `status`.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case actual, exercise, system, test, draft
    }

    /// An earlier message this one refers to (`sender,identifier,sent` in `references`).
    public struct Reference: Sendable, Equatable {
        /// The earlier message's sender.
        public var sender: String
        /// The earlier message's identifier.
        public var identifier: String
        /// When the earlier message was sent.
        public var sent: Instant

        /// Creates a reference.
        public init(sender: String, identifier: String, sent: Instant) {
            self.sender = sender
            self.identifier = identifier
            self.sent = sent
        }
    }

    /// The alert's identifier; the report's `id`.
    public var identifier: String
    /// The sending system's id in CAP (not the reporting organisation).
    public var sender: String
    /// When the alert was sent.
    public var sent: Instant
    /// Alert, Update, Cancel, Ack or Error.
    public var messageType: MessageType
    /// Actual, Exercise, System, Test or Draft.
    public var status: Status
    /// The earlier messages an Update, Cancel, Ack or Error refers to.
    public var references: [Reference]
    /// The language of the info block the report was taken from (nil when there is none).
    public var language: String?
    /// The report in Beredskab's JSON format (docs/report.md), for `IncidentReport.decode`;
    /// nil for Cancel, Ack and Error, which carry no report.
    public var report: JSONValue?
    /// What was read other than as written (a severity of Unknown), for the plan's problems.
    public var notes: [String] = []

    /// Creates an alert.
    public init(
        identifier: String, sender: String, sent: Instant, messageType: MessageType, status: Status,
        references: [Reference] = [], language: String? = nil, report: JSONValue? = nil
    ) {
        self.identifier = identifier
        self.sender = sender
        self.sent = sent
        self.messageType = messageType
        self.status = status
        self.references = references
        self.language = language
        self.report = report
    }
}

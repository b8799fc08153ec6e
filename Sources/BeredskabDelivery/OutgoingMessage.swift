/// One notification to one recipient on one channel, ready to send.
public struct OutgoingMessage: Sendable, Hashable {
    /// The notification's idempotency key, carried to the receiver so a duplicate can be recognised.
    public var idempotencyKey: String
    /// The recipient's name, as shown in an email's `To`.
    public var recipientName: String
    /// The channel address: an email address, a phone number, or a webhook URL.
    public var address: String
    /// The subject line (email) or title.
    public var subject: String
    /// The message text.
    public var body: String
    /// Extra fields for the webhook or SMS body.
    public var json: [String: String]
    /// The acknowledgement link in `body`, kept whole (and moved to the end) when an SMS is cut; nil if none.
    public var link: String?
    /// Whether the message is about an exercise: a webhook body then carries `"exercise": true`.
    public var exercise = false

    /// Creates a message.
    public init(
        idempotencyKey: String, recipientName: String, address: String, subject: String, body: String,
        json: [String: String] = [:], link: String? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.recipientName = recipientName
        self.address = address
        self.subject = subject
        self.body = body
        self.json = json
        self.link = link
    }
}

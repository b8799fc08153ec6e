import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation

/// A message ready to leave: the notification with its acknowledgement link filled in.
public struct Outgoing: Sendable {
    public var notification: StoredNotification
    /// The preferred channel's kind and address.
    public var channel: String
    public var address: String
    public var text: String
    public var ackLink: String

    /// Creates a message for `channel` (`email`, `sms`, `webhook`) to `address`.
    public init(notification: StoredNotification, channel: String, address: String, text: String, ackLink: String) {
        self.notification = notification
        self.channel = channel
        self.address = address
        self.text = text
        self.ackLink = ackLink
    }
}

/// How one delivery attempt went, with the transport's own words (curl's error text, a status line).
public enum SendResult: Sendable, Equatable {
    /// The receiver took it.
    case delivered(String)
    /// Worth trying again later on the same channel: a timeout, a refused connection, a 5xx.
    case retry(String)
    /// Trying again will not help on this channel: a 4xx from a webhook, a 5xx from SMTP.
    case permanent(String)
}

/// Sends one message on one channel and says how it went.
public protocol Transport: Sendable {
    /// Attempts delivery of a message on its channel.
    func send(_ message: Outgoing) async -> SendResult
    /// The receiver a message on `channel` to `address` goes to (an SMTP server, an SMS gateway, a
    /// webhook's scheme, host and port): the dispatcher limits the messages in flight per destination,
    /// so one that hangs holds up only its own.
    func destination(channel: String, address: String) -> String
}

extension Transport {
    /// By default each channel kind is one destination.
    public func destination(channel: String, address: String) -> String { channel }
}

import BeredskabDispatch
import BeredskabEngine
import BeredskabRoster
import BeredskabStore
import BeredskabTime
import Foundation
import Logging

extension Routes {
    /// The person whose e-mail address or mobile number this is, and that channel.
    func person(forAddress typed: String) -> (Person, Channel)? {
        let address = typed.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = address.filter(\.isNumber)
        for id in engine.roster.personOrder {
            guard let person = engine.roster.persons[id] else { continue }
            for channel in person.channels {
                switch channel.kind {
                case .email where channel.address.lowercased() == address:
                    return (person, channel)
                case .sms where digits.count >= 8 && channel.address.filter(\.isNumber).hasSuffix(digits):
                    return (person, channel)
                default:
                    continue
                }
            }
        }
        return nil
    }

    /// Sends a one-time sign-in link over the channel the person typed, in the background; the page
    /// says the same whether or not the address is known, and each person gets at most a few a minute.
    func sendSignInLink(to typed: String) {
        guard let transport = options.transport, let (person, channel) = person(forAddress: typed),
            signInLimiter.take("signin:\(person.id.value)") == nil
        else { return }
        let now = clock()
        let token: String
        do {
            token = try store.startSignIn(person: person.id.value, at: now)
        } catch {
            // Never the person or the address in the log: the audit log has who asked.
            ServerLog.logger.error("sign-in link not made: \(error)", metadata: ["channel": "\(channel.kind.rawValue)"])
            return
        }
        let link = "\(options.publicURL.value)/login/\(token)"
        // The link on a line of its own: the first line becomes an e-mail's subject, which mail
        // servers log, and must not carry the token.
        let text =
            person.language == .en
            ? "Sign in to Beredskab\n\(link)\nThe link works once, for 15 minutes. If you did not ask for it, ignore this message."
            : "Log ind på Beredskab\n\(link)\nLinket virker én gang i 15 minutter. Har du ikke bedt om det, så se bort fra beskeden."
        // The channel typed first, then the person's others: a mail outage must not lock a duty
        // officer out while the link is still valid.
        let channels = [channel] + person.channels.filter { $0.kind != channel.kind && $0.kind != .webhook }
        let message = StoredNotification(
            incident: "login", person: person.id.value, name: person.name,
            channel: (channel.kind.rawValue, channel.address), at: now,
            idempotencyKey: "signin/\(UUID().uuidString.lowercased())", message: text, kind: "signin",
            expiresAt: Instant(seconds: now.seconds + SQLiteStore.signInValidity))
        let store = store
        let clock = clock
        Task {
            var why = ""
            // Tried round the channels with a back-off from 2 s up to a minute, for ten of the link's
            // fifteen minutes.
            let deadline = ContinuousClock.now + .seconds(600)
            var attempt = 0
            while ContinuousClock.now < deadline {
                let current = channels[attempt % channels.count]
                switch await transport.send(
                    Outgoing(
                        notification: message, channel: current.kind.rawValue, address: current.address, text: text,
                        ackLink: link))
                {
                case .delivered:
                    try? store.appendAudit(
                        actor: "person:\(person.id.value)", action: "signin-link-sent", incident: nil,
                        detail: "by \(current.kind.rawValue)", at: clock())
                    return
                case .permanent(let reason), .retry(let reason):
                    why = "\(current.kind.rawValue): \(reason)"
                }
                attempt += 1
                try? await Task.sleep(for: .seconds(min(60, 1 << min(attempt, 6))))
            }
            ServerLog.logger.warning(
                "sign-in link not sent on any channel for 10 minutes (the audit log says to whom and why)",
                metadata: ["channels": "\(channels.count)"])
            try? store.appendAudit(
                actor: "person:\(person.id.value)", action: "signin-link-failed", incident: nil, detail: why,
                at: clock())
        }
    }
}

import BeredskabEngine
import BeredskabRoster
import BeredskabStore
import BeredskabTime
import Foundation

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
            FileHandle.standardError.write(Data("sign-in link for \(person.id.value): \(error)\n".utf8))
            return
        }
        let link = "\(options.publicURL.value)/login/\(token)"
        let text =
            person.language == .en
            ? "Sign in to Beredskab: \(link)\nThe link works once, for 15 minutes. If you did not ask for it, ignore this message."
            : "Log ind på Beredskab: \(link)\nLinket virker én gang i 15 minutter. Har du ikke bedt om det, så se bort fra beskeden."
        let message = StoredNotification(
            incident: "login", person: person.id.value, name: person.name,
            channel: (channel.kind.rawValue, channel.address), at: now,
            idempotencyKey: "signin/\(UUID().uuidString.lowercased())", message: text, kind: "signin",
            expiresAt: Instant(seconds: now.seconds + SQLiteStore.signInValidity))
        Task {
            for attempt in 0..<3 {
                switch await transport.send(
                    Outgoing(
                        notification: message, channel: channel.kind.rawValue, address: channel.address, text: text,
                        ackLink: link))
                {
                case .delivered: return
                case .permanent(let why):
                    FileHandle.standardError.write(Data("sign-in link to \(person.id.value): \(why)\n".utf8))
                    return
                case .retry(let why):
                    if attempt == 2 {
                        FileHandle.standardError.write(Data("sign-in link to \(person.id.value): \(why)\n".utf8))
                    }
                    try? await Task.sleep(for: .seconds(2 << attempt))
                }
            }
        }
    }
}

import BeredskabCheck
import BeredskabDispatch
import BeredskabEngine
import BeredskabHandbook
import BeredskabStore
import BeredskabSyntax
import Foundation

/// The engine the server is running with, replaced as a whole when the rules are reloaded; a
/// reload that finds errors keeps the running engine.
public final class LiveEngine: @unchecked Sendable {
    private let lock = NSLock()
    private var engine: Engine
    /// The rule and contact files or folders reloaded from.
    public let paths: [String]
    private var hash: String

    /// Starts with an engine already loaded from `paths` (read again here for their hash).
    public init(_ engine: Engine, paths: [String] = ["Rules", "Contacts"]) {
        self.engine = engine
        self.paths = paths
        hash = (try? SourceLoader.load(paths)).map(Handbook.rulesHash) ?? "unknown"
    }

    /// The short hash of the files the running rules were loaded from (`Handbook.rulesHash`), for the handbook.
    public var rulesHash: String { lock.withLock { hash } }

    /// The engine to use for the request at hand.
    public var current: Engine { lock.withLock { engine } }

    /// Why a reload kept the old rules: each problem as `file:line:column` and a message.
    public struct ReloadFailure: Error, Sendable {
        public var problems: [(path: String, message: String)]
    }

    /// Loads and checks the files again; only rules without errors replace the running ones.
    public func reload() -> Result<Engine, ReloadFailure> {
        let sources: SourceSet
        do {
            sources = try SourceLoader.load(paths)
        } catch {
            return .failure(ReloadFailure(problems: [("", "\(error)")]))
        }
        let result = Checker.check(sources)
        guard result.errorCount == 0 else {
            let problems = result.diagnostics.filter { $0.severity == .error }.map { diagnostic in
                let file = sources[diagnostic.span]
                let offset = Int(diagnostic.span.start)
                return (
                    path: "\(file.path):\(file.line(of: offset)):\(file.column(of: offset))",
                    message: diagnostic.message
                )
            }
            return .failure(ReloadFailure(problems: problems))
        }
        let fresh = Engine(rules: result.rules, roster: result.roster)
        let freshHash = Handbook.rulesHash(sources)
        lock.withLock {
            engine = fresh
            hash = freshHash
        }
        return .success(fresh)
    }
}

extension Dispatcher {
    /// Creates a dispatcher following the server's running rules: each pass uses the rules of the
    /// moment, so a reload reaches escalations and retries without a restart.
    public init(
        store: any IncidentStore, live: LiveEngine, transport: any Transport, publicURL: String,
        policy: DeliveryPolicy = DeliveryPolicy(), failureRole: String? = nil, metrics: ServerMetrics?,
        messages: MessageCatalogue = .standard
    ) {
        self.init(
            store: store, rules: { live.current }, transport: transport, publicURL: publicURL, policy: policy,
            failureRole: failureRole, metrics: metrics, messages: messages)
    }
}

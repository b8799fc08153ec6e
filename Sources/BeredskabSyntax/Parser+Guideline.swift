/// The statements a guideline takes.
let guidelineStatements = [
    "priority", "when", "merge", "active", "suppresses", "notify", "escalate", "task", "watch", "message",
]

/// The tests a condition may start with.
let conditionTests = ["category", "area", "severity", "flag", "reporter", "during", "at", "always", "not"]

extension Parser {
    mutating func parseGuideline() throws -> GuidelineSyntax {
        let (id, title) = try header("guideline")
        var guideline = GuidelineSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "guideline '\(id.value)'"
        guideline.incomplete = try block(what, statements: guidelineStatements) { p, keyword in
            switch keyword.text {
            case "priority":
                let ok = p.single(keyword, &seen, in: what)
                let priority = try p.name(after: "'priority'")
                if ok { guideline.priority = priority }
            case "when":
                let ok = p.single(keyword, &seen, in: what)
                let condition = try p.parseCondition(after: "'when'")
                if ok { guideline.when = condition }
            case "merge":
                let ok = p.single(keyword, &seen, in: what)
                _ = try p.expectKeyword("duplicates", after: "'merge'")
                _ = try p.expectKeyword("within", after: "'merge duplicates'")
                let window = try p.duration(after: "'within'")
                if ok { guideline.mergeWithin = window }
            case "active":
                let ok = p.single(keyword, &seen, in: what)
                _ = try p.expectKeyword("for", after: "'active'")
                let period = try p.duration(after: "'active for'")
                if ok { guideline.activeFor = period }
            case "suppresses":
                guideline.suppresses += try p.nameList(after: "'suppresses'")
            case "notify":
                guideline.notifications.append(try p.parseNotify(keyword))
            case "escalate":
                guideline.escalations.append(try p.parseEscalate(keyword))
            case "task":
                guideline.tasks.append(try p.parseTask(keyword))
            case "watch":
                guideline.watches.append(try p.parseWatch(keyword))
            default:
                let language = try p.name(after: "'message'", expecting: "a language (da or en)")
                let text = try p.string(after: "the language")
                guideline.messages.append(
                    MessageSyntax(language: language, text: text, span: keyword.span.through(text.span)))
            }
        }
        return guideline
    }

    /// `with personal details`, if it comes next.
    mutating func personalDetails() throws -> Span? {
        guard let with = acceptClause("with") else { return nil }
        _ = try expectKeyword("personal", after: "'with'")
        let details = try expectKeyword("details", after: "'with personal'")
        return with.span.through(details.span)
    }

    mutating func parseNotify(_ keyword: Token) throws -> NotifySyntax {
        var notify = NotifySyntax(roles: [], reporter: nil, after: nil, personalDetails: nil, span: keyword.span)
        if let reporter = acceptKeyword("reporter") {
            notify.reporter = reporter.span
        } else {
            notify.roles = try nameList(after: "'notify'")
        }
        while true {
            if acceptClause("after") != nil {
                notify.after = try duration(after: "'after'")
            } else if let details = try personalDetails() {
                notify.personalDetails = details
            } else {
                break
            }
        }
        notify.span = keyword.span.through(previous.span)
        return notify
    }

    mutating func parseEscalate(_ keyword: Token) throws -> EscalateSyntax {
        _ = try expectKeyword("to", after: "'escalate'")
        let roles = try nameList(after: "'escalate to'")
        _ = try expectKeyword("if", after: "the roles")
        _ = try expectKeyword("unacknowledged", after: "'if'")
        _ = try expectKeyword("for", after: "'unacknowledged'")
        let after = try duration(after: "'for'")
        var repeats: Located<Int>?
        if acceptClause("repeat") != nil {
            repeats = try wholeNumber(after: "'repeat'")
            if acceptClause("times") == nil { _ = acceptClause("time") }
        }
        let details = try personalDetails()
        return EscalateSyntax(
            roles: roles, after: after, repeats: repeats, personalDetails: details,
            span: keyword.span.through(previous.span))
    }

    mutating func parseTask(_ keyword: Token) throws -> TaskSyntax {
        let text = try string(after: "'task'")
        _ = try expectKeyword("for", after: "the task's text")
        let role = try name(after: "'for'")
        _ = try expectKeyword("within", after: "the role")
        let within = try duration(after: "'within'")
        var escalateTo: [Name] = []
        if taskEscalationFollows(), acceptClause("escalate") != nil {
            _ = try expectKeyword("to", after: "'escalate'")
            escalateTo = try nameList(after: "'escalate to'")
            _ = try expectKeyword("if", after: "the roles")
            _ = try expectKeyword("overdue", after: "'if'")
        }
        return TaskSyntax(
            text: text, role: role, within: within, escalateTo: escalateTo, span: keyword.span.through(previous.span))
    }

    /// Whether an `escalate` on the task's line is the task's own `escalate to … if overdue`, rather
    /// than an `escalate to … if unacknowledged for …` statement that shares the line.
    func taskEscalationFollows() -> Bool {
        guard atKeyword("escalate"), !current.startsLine else { return false }
        var probe = self
        probe.advance()
        guard probe.acceptKeyword("to") != nil, (try? probe.nameList(after: "'escalate to'")) != nil,
            probe.acceptKeyword("if") != nil
        else { return true }
        return !probe.atKeyword("unacknowledged")
    }

    mutating func parseWatch(_ keyword: Token) throws -> WatchSyntax {
        let kinds = try nameList(after: "'watch'")
        _ = try expectKeyword("in", after: "the institution kinds")
        var area: Name?
        if acceptKeyword("incident") != nil {
            _ = try expectKeyword("area", after: "'incident'")
        } else {
            area = try name(after: "'in' (an area id or 'incident area')")
        }
        _ = try expectKeyword("for", after: "the area")
        let duration = try duration(after: "'for'")
        var confirm: Located<Int>?
        if acceptClause("confirm") != nil {
            _ = try expectKeyword("within", after: "'confirm'")
            confirm = try self.duration(after: "'confirm within'")
        }
        return WatchSyntax(
            kinds: kinds, area: area, duration: duration, confirmWithin: confirm,
            span: keyword.span.through(previous.span))
    }

    // MARK: Conditions

    /// `CONDITION := TERM { or TERM }`
    mutating func parseCondition(after context: String) throws -> ConditionSyntax {
        var terms = [try parseTerm(after: context)]
        while acceptKeyword("or") != nil {
            terms.append(try parseTerm(after: "'or'"))
        }
        return terms.count == 1 ? terms[0] : .or(terms, terms[0].span.through(terms[terms.count - 1].span))
    }

    /// `TERM := FACTOR { and FACTOR }`
    mutating func parseTerm(after context: String) throws -> ConditionSyntax {
        var factors = [try parseFactor(after: context)]
        while acceptKeyword("and") != nil {
            factors.append(try parseFactor(after: "'and'"))
        }
        return factors.count == 1
            ? factors[0] : .and(factors, factors[0].span.through(factors[factors.count - 1].span))
    }

    /// `FACTOR := not FACTOR | ( CONDITION ) | TEST`
    mutating func parseFactor(after context: String) throws -> ConditionSyntax {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            diagnostics.error(
                "this condition is nested too deeply (more than \(Self.maximumDepth) levels)", at: current.span)
            throw Abandon()
        }
        if let not = acceptKeyword("not") {
            let inner = try parseFactor(after: "'not'")
            return .not(inner, not.span.through(inner.span))
        }
        if let open = accept(.leftParen) {
            let inner = try parseCondition(after: "'('")
            guard accept(.rightParen) != nil else {
                diagnostics.error(
                    "expected ')' after the condition, found \(current.description)", at: current.span,
                    notes: [.init("to match this '('", at: open.span)])
                throw Abandon()
            }
            return inner
        }
        return try parseTest(after: context)
    }

    mutating func parseTest(after context: String) throws -> ConditionSyntax {
        guard at(.identifier), conditionTests.contains(current.text) else {
            var notes = [
                Diagnostic.Note(
                    "a condition is one of: category, area, severity, flag, reporter, during, 'at least N incidents …', always; joined by and, or, not"
                )
            ]
            if current.kind == .identifier, let guess = closest(to: current.text, in: conditionTests) {
                notes.insert(.init("did you mean '\(guess)'?"), at: 0)
            }
            diagnostics.error(
                "expected a condition after \(context), found \(current.description)", at: current.span, notes: notes)
            throw Abandon()
        }
        let keyword = advance()
        func span(_ p: Parser) -> Span { keyword.span.through(p.previous.span) }
        switch keyword.text {
        case "category":
            let names = try nameList(after: "'category'")
            return .category(names, span(self))
        case "area":
            let names = try nameList(after: "'area'")
            return .area(names, span(self))
        case "severity":
            var atLeast = false
            if acceptKeyword("at") != nil {
                _ = try expectKeyword("least", after: "'severity at'")
                atLeast = true
            }
            let level = try name(after: atLeast ? "'severity at least'" : "'severity'")
            return .severity(atLeast: atLeast, level, span(self))
        case "flag":
            let flag = try name(after: "'flag'")
            return .flag(flag, span(self))
        case "reporter":
            let kinds = try nameList(after: "'reporter'")
            return .reporter(kinds, span(self))
        case "during":
            let window = try windowReference(after: "'during'")
            return .during(window, span(self))
        case "always":
            return .always(keyword.span)
        default:
            _ = try expectKeyword("least", after: "'at'")
            let count = try wholeNumber(after: "'at least'")
            if acceptKeyword("incidents") == nil {
                _ = try expectKeyword("incident", after: "the number")
            }
            var categories: [Name]?
            if acceptClause("of") != nil {
                _ = acceptKeyword("category")
                categories = try nameList(after: "'of'")
            }
            var sameArea = false
            if acceptClause("in") != nil {
                _ = try expectKeyword("same", after: "'in'")
                _ = try expectKeyword("area", after: "'in same'")
                sameArea = true
            }
            _ = try expectKeyword("within", after: "the incidents")
            let within = try duration(after: "'within'")
            return .correlation(
                CorrelationSyntax(count: count, categories: categories, sameArea: sameArea, within: within), span(self))
        }
    }
}

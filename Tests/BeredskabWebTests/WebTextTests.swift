import BeredskabRules
import Foundation
import Testing

@testable import BeredskabWeb

@Suite struct WebTextTests {
    /// Keys whose Danish and English are rightly the same word.
    static let sameInBoth: Set<WebText> = [
        .personOne, .closureInstitution, .categoryDiscrimination,
    ]

    func placeholders(_ text: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"\{[a-z]+\}"#)
        let ns = text as NSString
        return Set(
            pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
                ns.substring(with: $0.range)
            })
    }

    @Test func everyKeyIsTranslatedInBothLanguages() {
        for key in WebText.allCases {
            for lang in Language.allCases {
                let text = key.text(lang)
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) has no \(lang) text")
                #expect(text == text.trimmingCharacters(in: .whitespaces), "\(key) in \(lang) has stray spaces")
            }
            let da = key.text(.da)
            let en = key.text(.en)
            #expect(placeholders(da) == placeholders(en), "\(key): placeholders differ between da and en")
            if !Self.sameInBoth.contains(key) {
                #expect(da != en, "\(key) is not translated: \(da)")
            }
        }
    }

    @Test func everyCategorySeverityAndChoiceHasItsOwnLabel() {
        for lang in Language.allCases {
            let categories = Category.allCases.map { WebText.category($0).text(lang) }
            #expect(Set(categories).count == Category.allCases.count)
            #expect(categories.count == 16)
            let severities = IncidentSeverity.allCases.map { WebText.severity($0).text(lang) }
            #expect(Set(severities).count == 4)
            #expect(Set(ClosureFormPage.Reason.allCases.map { WebText.reason($0).text(lang) }).count == 4)
            #expect(Set(ClosureFormPage.Mitigation.allCases.map { WebText.mitigation($0).text(lang) }).count == 4)
            #expect(Set(TimelineEntry.Kind.allCases.map { WebText.timeline($0).text(lang) }).count == 9)
        }
    }

    @Test func placeholdersAreFilledAndEscaped() {
        #expect(WebText.personsMany.text(.da, ["n": "3"]) == "3 personer")
        #expect(WebText.personsMany.text(.en, ["n": "3"]) == "3 people")
        #expect(Texts(.da)(.signedInAs, ["name": "<b>", "organisation": "A&B"]) == "Logget ind som &lt;b&gt;, A&amp;B")
    }

    @Test func fieldProblemsSpeakBothLanguages() {
        #expect(FieldProblem.required.message(.da) == "Skal udfyldes.")
        #expect(FieldProblem.required.message(.en) == "This must be filled in.")
        #expect(FieldProblem.tooLong(maximum: 500).message(.en) == "At most 500 characters.")
        #expect(FieldProblem.unknownIncidents(["x", "y"]).message(.da) == "Ukendte hændelser: x, y.")
        #expect(FieldProblem.custom(da: "Dansk", en: "English").message(.en) == "English")
    }
}

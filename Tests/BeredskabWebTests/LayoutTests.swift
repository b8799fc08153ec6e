import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct LayoutTests {
    func render(_ context: PageContext) -> HTMLInspector {
        HTMLInspector(ErrorPage(status: 404).render(context))
    }

    @Test func headerShowsWhoIsSignedInAndTheLinksTheirRolesOpen() {
        let page = render(context("/report", user: reporter))
        #expect(page.html.contains("Logget ind som Mette Hansen, FSB"))
        let links = page.elements("a").compactMap { $0.attributes["href"] }
        #expect(links.contains("/report"))
        #expect(!links.contains("/board"))
        #expect(!links.contains("/review"))
        // Everyone signed in reaches their own organisation's handbook; on call and silences are coordinators'.
        #expect(links.contains("/handbook"))
        #expect(!links.contains("/oncall") && !links.contains("/silences"))
        #expect(page.elements("a").first { $0.attributes["href"] == "/report" }?.attributes["aria-current"] == "page")

        let reviewerPage = render(context("/board", .en, user: reviewer))
        let reviewerLinks = reviewerPage.elements("a").compactMap { $0.attributes["href"] }
        #expect(
            ["/report", "/board", "/review", "/oncall", "/silences", "/handbook"].allSatisfy(reviewerLinks.contains))
        #expect(reviewerPage.html.contains(">Board</a>"))
        #expect(reviewerPage.html.contains(">Review</a>"))
        #expect(reviewerPage.html.contains("Signed in as Ole Berg, Økonomiforvaltningen"))
    }

    @Test func signOutIsAPostFormWithTheCSRFToken() {
        let page = render(context("/report"))
        let form = page.forms().first { $0.action == "/logout" }
        #expect(form != nil)
        #expect(page.elements("form").first { $0.attributes["action"] == "/logout" }?.attributes["method"] == "post")
        #expect(
            form?.fields.contains { $0.attributes["name"] == "csrf" && $0.attributes["value"] == "csrf-token-123" }
                == true)
        #expect(page.html.contains(">Log ud</button>"))
    }

    @Test func nobodySignedInMeansNoNavigation() {
        let page = render(context("/login", user: nil))
        #expect(page.elements("nav").isEmpty)
        #expect(page.forms().isEmpty)
        #expect(!page.html.contains("Logget ind"))
    }

    @Test func languageSwitchKeepsThePath() {
        let da = render(context("/incidents/inc-42"))
        #expect(da.html.contains("<a href=\"/incidents/inc-42?lang=en\" hreflang=\"en\" lang=\"en\">English</a>"))
        let en = render(context("/incidents/inc-42", .en))
        #expect(en.html.contains("<html lang=\"en\">"))
        #expect(en.html.contains("<a href=\"/incidents/inc-42?lang=da\" hreflang=\"da\" lang=\"da\">Dansk</a>"))
    }

    @Test func theLanguageSwitchDropsAQueryInThePath() {
        let page = render(context("/board?lang=da&x=1#top"))
        #expect(page.html.contains("<a href=\"/board?lang=en\" hreflang=\"en\""))
    }

    @Test func aPathThatIsNotLocalIsNotLinked() {
        for path in ["//evil.example/x", "javascript:alert(1)", "https://evil.example", "/\\evil"] {
            let page = render(context(path))
            #expect(page.html.contains("<a href=\"/?lang=en\""), "\(path)")
            #expect(!page.html.contains("evil"), "\(path)")
        }
        let quoted = render(context("/x\"><script>alert(1)</script>"))
        #expect(!quoted.html.contains("<script>alert"))
    }

    @Test func hostileNamesInTheHeaderAreEscaped() {
        let user = SignedInUser(
            name: hostile, organisation: hostile, mayReport: true, mayUseBoard: true, mayReview: true)
        let html = ErrorPage(status: 500).render(PageContext(path: "/", user: user, csrf: "\"><script>"))
        for fragment in hostileFragments + ["\"><script>"] { #expect(!html.contains(fragment)) }
        #expect(
            html.contains(
                "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;alert(1)&#39; &amp;amp;"))
    }
}

@Suite struct ErrorPageTests {
    @Test(arguments: Language.allCases) func statusInWordsAndTheServersMessage(lang: Language) {
        let html = ErrorPage(status: 404, message: "Hændelse x").render(context("/incidents/x", lang))
        #expect(html.contains(lang == .da ? "<h1>Siden findes ikke</h1>" : "<h1>Page not found</h1>"))
        #expect(html.contains(lang == .da ? "Fejlkode 404" : "Error code 404"))
        #expect(html.contains("<p class=\"server-message\">Hændelse x</p>"))
        #expect(!ErrorPage(status: 404).render(context("/", lang)).contains("server-message"))
    }

    @Test func unknownStatusesReadAsServerErrorsAndSignInIsOffered() {
        #expect(ErrorPage(status: 502).render(context("/")).contains("<h1>Der skete en fejl</h1>"))
        let unauthorised = ErrorPage(status: 401).render(context("/board", user: nil))
        #expect(unauthorised.contains("<a href=\"/login\">Log ind</a>"))
    }
}

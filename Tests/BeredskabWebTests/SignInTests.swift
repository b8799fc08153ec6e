import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct SignInTests {
    @Test func theFormPostsTheAddress() {
        let page = HTMLInspector(SignInPage(step: .form()).render(context("/login", user: nil)))
        #expect(page.forms().map(\.action) == ["/login"])
        #expect(page.element(id: "signin-address")?.attributes["name"] == "address")
        #expect(page.element(id: "signin-address")?.attributes["autocomplete"] == "username")
        #expect(page.element(id: "signin-submit")?.name == "button")
        #expect(page.html.contains("<label for=\"signin-address\">E-mail eller mobilnummer</label>"))
    }

    @Test func aRefusedAddressIsKeptAndExplained() {
        let form = SignInPage(step: .form(address: "12ab", problem: .invalidAddress))
        #expect(form.status == 422)
        let page = HTMLInspector(form.render(context("/login", .en, user: nil)))
        #expect(page.element(id: "signin-address")?.attributes["value"] == "12ab")
        #expect(page.element(id: "signin-address")?.attributes["aria-invalid"] == "true")
        #expect(page.html.contains("Enter an e-mail address or a mobile number."))
    }

    @Test func theSentPageDoesNotSayWhetherTheAddressIsKnown() {
        let html = SignInPage(step: .sent(validMinutes: 15)).render(context("/login", user: nil))
        #expect(html.contains("<h1>Tjek din e-mail eller SMS</h1>"))
        #expect(html.contains("Hvis adressen er registreret hos os"))
        #expect(html.contains("i 15 minutter"))
    }

    @Test func theLinkLandsOnAButtonThatPostsIt() {
        let page = HTMLInspector(
            SignInPage(step: .confirm(token: "abc_123")).render(context("/login/abc_123", user: nil)))
        #expect(page.forms().map(\.action) == ["/login/abc_123"])
        #expect(page.element(id: "signin-confirm")?.attributes["type"] == "submit")
    }

    @Test func aDeadLink() {
        let page = SignInPage(step: .linkExpired)
        #expect(page.status == 410)
        let html = page.render(context("/login/x", user: nil))
        #expect(html.contains("Linket til at logge ind er brugt eller udløbet."))
        #expect(html.contains("<a href=\"/login\">Få et nyt link</a>"))
    }
}

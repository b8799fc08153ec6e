import Testing

@testable import BeredskabDispatch

/// The dispatcher's remembered destinations: worked out once per key, and bounded.
@Suite struct MemoTests {
    @Test func aValueIsWorkedOutOncePerKeyAndAFullMemoStartsAgain() {
        let memo = Memo(capacity: 3)
        var made = 0
        func value(_ key: String) -> String {
            memo.value(for: key) {
                made += 1
                return key.uppercased()
            }
        }
        #expect(value("a") == "A" && value("a") == "A" && made == 1)
        #expect(value("b") == "B" && value("c") == "C" && made == 3 && memo.count == 3)
        // A fourth key: everything is forgotten, then the fourth remembered.
        #expect(value("d") == "D" && memo.count == 1 && made == 4)
        #expect(value("a") == "A" && made == 5)
    }
}

/// SplitMix64: a small deterministic generator so every run measures the same rule set.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes a synthetic but valid rule set and roster of a given size, as source files.
struct Generator {
    var guidelines: Int
    var persons: Int
    var random = SplitMix64(state: 2011)

    let categories = [
        "shooting", "weapons", "gang", "unrest", "vandalism", "violence", "threat", "burglary", "theft", "drugs",
        "harassment", "discrimination", "fire", "release", "insecurity", "other",
    ]
    let institutionKinds = ["school", "after-school-centre", "youth-club", "daycare", "jobcentre"]

    var roleCount: Int { max(10, persons / 25) }
    var areaCount: Int { max(5, guidelines / 20) }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    /// The files: (path, text).
    mutating func files() -> [(String, String)] {
        var rules = "window aften \"Aften\" { mon-fri 17:00-08:00 weekends mon 00:00-08:00 }\n"
        rules += "window dag \"Dag\" { mon-fri 08:00-17:00 }\n"
        rules += "area by \"Byen\" { }\n"
        for a in 0..<areaCount {
            let lat = 55.60 + Double(a % 20) * 0.005
            let lon = 12.50 + Double(a / 20) * 0.005
            rules += "area omr-\(a) \"Område \(a) – Nørrebro\" {\n  within by\n"
            rules +=
                "  polygon [\(lat) \(lon), \(lat + 0.004) \(lon), \(lat + 0.004) \(lon + 0.004), \(lat) \(lon + 0.004)]\n}\n"
        }
        for r in 0..<roleCount {
            rules += "role rolle-\(r) \"Rolle \(r)\" {\n  duty \"Håndterer opgave \(r) i beredskabet\"\n"
            if r % 2 == 0 { rules += "  authority only\n" }
            rules += "}\n"
        }
        var guidelineText = ""
        for g in 0..<guidelines {
            let priority = g % 50 == 0 ? "critical" : pick(["low", "normal", "normal", "high"])
            let cats = (0..<(1 + below(3))).map { _ in pick(categories) }
            var when = "category [\(Set(cats).sorted().joined(separator: ", "))] and area omr-\(below(areaCount))"
            switch below(4) {
            case 0: when += " and severity at least \(pick(["moderate", "severe"]))"
            case 1: when += " and (flag weapons or flag injured) and not during aften"
            case 2: when += " and at least 3 incidents of unrest in same area within 24h"
            default: when += " and reporter housing-association"
            }
            let authorityRole = 2 * below(roleCount / 2)
            let otherRole = 2 * below(roleCount / 2) + 1
            guidelineText += """
                guideline regel-\(g) "Retningslinje \(g): uro og tryghed" {
                  priority \(priority)
                  when \(when)
                  merge duplicates within 15m
                  notify rolle-\(authorityRole) with personal details
                  notify rolle-\(otherRole) after 10m
                  notify reporter
                  escalate to rolle-\(2 * below(roleCount / 2)) if unacknowledged for 15m repeat 2 times
                  task "Følg op på hændelsen i {area}" for rolle-\(otherRole) within 7d escalate to rolle-\(authorityRole) if overdue
                  watch \(pick(institutionKinds)), youth-club in omr-\(below(areaCount)) for 48h confirm within 2h
                  message da "Hændelse i {area} kl. {time}: {description}"
                  message en "Incident in {area} at {time}: {description}"
                }

                """
        }
        var contacts = "organisation kommune \"Københavns Kommune\" { kind authority }\n"
        contacts += "organisation politi \"Københavns Politi\" { kind authority }\n"
        for b in 0..<10 { contacts += "organisation bolig-\(b) \"Boligforening \(b)\" { kind housing-association }\n" }
        for p in 0..<persons {
            let authority = isAuthority(p)
            let organisation = authority ? pick(["kommune", "politi"]) : "bolig-\(p % 10)"
            // Authority persons hold one even (authority-only) and one odd role; others only odd roles.
            var roles = ["rolle-\(2 * (p % (roleCount / 2)) + 1)"]
            if authority { roles.append("rolle-\(2 * (p % (roleCount / 2)))") }
            contacts += """
                person p\(p) "Person \(p) Ørsted" {
                  organisation \(organisation)
                  email "p\(p)@example.org"
                  sms "+45 01 \(10 + p % 90) \(10 + p / 90 % 90) 00"
                  language \(p % 7 == 0 ? "en" : "da")
                  roles \(roles.joined(separator: ", "))
                \(!authority && p % 100 < 5 ? "  key person\n" : "")}

                """
        }
        // Every role gets a day and an evening rota of authority persons, so critical roles have no gaps.
        for r in 0..<roleCount {
            let members = (0..<3).map { k in "p\(authorityPerson(for: r, k))" }
            contacts +=
                "rota vagt-dag-\(r) { role rolle-\(r) members \(members.joined(separator: ", ")) handover weekly mon 08:00 covers dag }\n"
            contacts +=
                "rota vagt-aften-\(r) { role rolle-\(r) members \(members.reversed().joined(separator: ", ")) handover daily 17:00 covers aften }\n"
        }
        for i in 0..<(persons / 10) {
            contacts += """
                institution inst-\(i) "Institution \(i)" { kind \(pick(institutionKinds)) administration kommune area omr-\(below(areaCount))\(i % 3 == 0 ? " vital" : "") leader p\(authorityPerson(for: i, 0)) }

                """
        }
        return [
            ("gen/regler.rules", rules), ("gen/retningslinjer.rules", guidelineText),
            ("gen/kontakter.contacts", contacts),
        ]
    }

    /// Persons come in blocks of `roleCount / 2`; every fifth block is a housing association's.
    func isAuthority(_ p: Int) -> Bool { (p / (roleCount / 2)) % 5 != 0 }

    /// The k-th authority person (k < 3) who holds role `r`: person p holds roles 2·(p mod half) and 2·(p mod half)+1.
    func authorityPerson(for r: Int, _ k: Int) -> Int {
        let half = roleCount / 2
        return (r / 2 % half) + (k + 1) * half
    }
}

import BeredskabRules

/// Every text the pages show, keyed, in Danish and English: one table, so no page is half-translated.
/// Texts may hold `{name}` placeholders, filled in by `text(_:_:)`.
enum WebText: String, CaseIterable, Sendable {
    case skipToContent
    case footer
    case languageName
    case signedInAs
    case navLabel
    case navReport
    case navBoard
    case navReview
    case navOnCall
    case navSilences
    case navHandbook
    case navSignOut
    case choose
    case errorSummaryTitle
    case errorPrefix
    case problemRequired
    case problemInvalidDateTime
    case problemInFuture
    case problemEndBeforeStart
    case problemUnknownChoice
    case problemTooLong
    case problemInvalidAddress
    case problemUnknownIncidents
    case signInTitle
    case signInIntro
    case signInAddress
    case signInAddressHint
    case signInSubmit
    case signInSentTitle
    case signInSentText
    case signInTryAgain
    case signInConfirmTitle
    case signInConfirmText
    case signInConfirmButton
    case signInExpiredTitle
    case signInExpiredText
    case signInNewLink
    case reportTitle
    case reportIntro
    case reportWhat
    case reportWhere
    case reportWhen
    case reportPersons
    case reportSubmit
    case fieldCategory
    case fieldSeverity
    case fieldArea
    case fieldAddress
    case fieldCoordinates
    case mapLink
    case geoLink
    case addressHint
    case fieldLocation
    case fieldOccurredAt
    case occurredAtHint
    case fieldDescription
    case descriptionHint
    case fieldFlags
    case flagInjured
    case flagWeapons
    case flagMinors
    case flagsNone
    case areaNotKnown
    case areaUnknown
    case timeUnknown
    case locationButton
    case locationFinding
    case locationFound
    case locationFailed
    case locationAttached
    case sensitiveLabel
    case confidentialLabel
    case personsNotice
    case fieldPersons
    case personsHint
    case incidentTitle
    case received
    case stateOpen
    case stateClosed
    case ackHeading
    case ackYes
    case ackAwaiting
    case notifiedHeading
    case notifiedAcknowledged
    case notifiedNotAcknowledged
    case notifiedNone
    case personOne
    case personsMany
    case statusNoScript
    case situationHeading
    case updatesHeading
    case updateHeading
    case updateKindLegend
    case updateInformation
    case updateAllClear
    case updateText
    case updateTextHint
    case updateSubmit
    case responderTo
    case ackExplain
    case ackButton
    case youAcknowledgedAt
    case messageHeading
    case personalHeading
    case personalNotice
    case tasksHeading
    case tasksNone
    case taskRole
    case taskDue
    case taskOverdue
    case taskDone
    case timelineHeading
    case timelineEmpty
    case columnTime
    case columnEvent
    case columnDetails
    case watchTitle
    case watchIntro
    case watchLegend
    case watchLegendShort
    case watchAnswered
    case reopenAt
    case reopenAtHint
    case watchSubmit
    case watchOpen
    case watchReduced
    case watchClosed
    case watchSaidOpen
    case watchSaidReduced
    case watchSaidClosed
    case thanksAckTitle
    case thanksAckText
    case thanksSeenTitle
    case thanksSeenText
    case alreadyAckTitle
    case alreadyAckText
    case alreadyAckTextNoTime
    case watchRecordedTitle
    case watchRecordedText
    case watchOverTitle
    case watchOverText
    case taskDoneTitle
    case taskDoneText
    case linkExpiredTitle
    case linkExpiredText
    case linkUnknownTitle
    case linkUnknownText
    case backToIncident
    case boardTitle
    case boardUpdated
    case boardNoScript
    case boardEmpty
    case boardCaption
    case deliveryWaitingTitle
    case deliveryWaitingText
    case columnRecipient
    case columnChannel
    case columnAttempts
    case columnWaiting
    case columnNextAttempt
    case columnLastError
    case columnIncident
    case columnAge
    case columnAcknowledged
    case columnEscalation
    case boardAckYes
    case boardAckNo
    case escalationNone
    case escalationPending
    case escalationFired
    case hoursShort
    case justNow
    case onCallTitle
    case onCallPeriod
    case onCallGapSummary
    case onCallNoGaps
    case onCallRolesLabel
    case onCallAllRoles
    case onCallNoRoles
    case onCallNow
    case onCallNobody
    case onCallUntil
    case onCallCaption
    case onCallFrom
    case onCallTo
    case onCallWho
    case onCallCover
    case onCallStartNow
    case closureTitle
    case closureIntro
    case closureInstitution
    case vitalMark
    case closureWhen
    case closureFrom
    case closureTo
    case closureToHint
    case closurePartial
    case closurePartialHint
    case closureNearMiss
    case closureNearMissHint
    case closureWhy
    case closureReason
    case closureReasonText
    case closureDecidedBy
    case closureDecidedByHint
    case closureIncidents
    case closureIncidentsHint
    case closureMitigations
    case closureMitigationsHint
    case closureSubmit
    case reasonStaffSafety
    case reasonPoliceAdvice
    case reasonDamage
    case reasonOther
    case mitigationExtraStaff
    case mitigationPolicePresence
    case mitigationActivityMoved
    case mitigationHoursChanged
    // Silences (issue 13): the board's tag, the status page, /silences and the banner.
    case silencedTag
    case silencedHeading
    case silencedIntro
    case silencedBy
    case silencedFiredSince
    case silenceBannerHeading
    case silenceBannerText
    case silenceBannerLink
    case silenceEverywhere
    case boardSilencesLink
    case silencesTitle
    case silencesIntro
    case silencesListHeading
    case silencesNone
    case silenceColumnWhat
    case silenceColumnWhen
    case silenceColumnState
    case silenceColumnReason
    case silenceColumnBy
    case silenceStateActive
    case silenceStatePending
    case silenceCategoryOf
    case silenceCovers
    case silenceExpire
    case silenceNewHeading
    case silenceWhatLegend
    case silenceWhatHint
    case silenceGuideline
    case silenceCriticalMark
    case silenceAreaAll
    case silenceWhenLegend
    case silenceStarts
    case silenceStartsHint
    case silenceEnds
    case silenceEndsHint
    case silenceDuration
    case silenceHours
    case silenceDays
    case silenceReason
    case silenceReasonHint
    case silenceConfirmCritical
    case silenceConfirmHint
    case silenceSubmit
    case silenceProblemCritical
    case silenceProblemEndOrDuration
    case errorStatus
    case error400Title
    case error400Text
    case error401Title
    case error401Text
    case error403Title
    case error403Text
    case error404Title
    case error404Text
    case error405Title
    case error405Text
    case error410Title
    case error410Text
    case error413Title
    case error413Text
    case error422Title
    case error422Text
    case error429Title
    case error429Text
    case error500Title
    case error500Text
    case error503Title
    case error503Text
    case toFrontPage
    case signInLink
    case timelineReceived
    case timelineSent
    case timelineRetry
    case timelineFailed
    case timelineAcknowledged
    case timelineEscalated
    case timelineUpdate
    case timelineTaskDone
    case timelineWatchAnswer
    case categoryShooting
    case categoryWeapons
    case categoryGang
    case categoryUnrest
    case categoryVandalism
    case categoryViolence
    case categoryThreat
    case categoryBurglary
    case categoryTheft
    case categoryDrugs
    case categoryHarassment
    case categoryDiscrimination
    case categoryFire
    case categoryRelease
    case categoryInsecurity
    case categoryOther
    case severityMinor
    case severityModerate
    case severitySevere
    case severityExtreme
    case severityChoiceMinor
    case severityChoiceModerate
    case severityChoiceSevere
    case severityChoiceExtreme

    /// The text in a language, placeholders filled in from `values`; plain text, not escaped.
    func text(_ lang: Language, _ values: [String: String] = [:]) -> String {
        let entry = entry
        var text =
            switch lang {
            case .da: entry.da
            case .en: entry.en
            }
        for (name, value) in values {
            text = text.replacing("{\(name)}", with: value)
        }
        return text
    }

    /// The text in a language, escaped for HTML.
    func html(_ lang: Language, _ values: [String: String] = [:]) -> String {
        HTML.escape(text(lang, values))
    }

    static func category(_ category: Category) -> WebText {
        switch category {
        case .shooting: .categoryShooting
        case .weapons: .categoryWeapons
        case .gang: .categoryGang
        case .unrest: .categoryUnrest
        case .vandalism: .categoryVandalism
        case .violence: .categoryViolence
        case .threat: .categoryThreat
        case .burglary: .categoryBurglary
        case .theft: .categoryTheft
        case .drugs: .categoryDrugs
        case .harassment: .categoryHarassment
        case .discrimination: .categoryDiscrimination
        case .fire: .categoryFire
        case .release: .categoryRelease
        case .insecurity: .categoryInsecurity
        case .other: .categoryOther
        }
    }

    static func severity(_ severity: IncidentSeverity) -> WebText {
        switch severity {
        case .minor: .severityMinor
        case .moderate: .severityModerate
        case .severe: .severitySevere
        case .extreme: .severityExtreme
        }
    }

    /// The longer label of a severity in the report form's select.
    static func severityChoice(_ severity: IncidentSeverity) -> WebText {
        switch severity {
        case .minor: .severityChoiceMinor
        case .moderate: .severityChoiceModerate
        case .severe: .severityChoiceSevere
        case .extreme: .severityChoiceExtreme
        }
    }

    static func escalation(_ escalation: BoardRow.Escalation) -> WebText {
        switch escalation {
        case .none: .escalationNone
        case .pending: .escalationPending
        case .fired: .escalationFired
        }
    }

    static func timeline(_ kind: TimelineEntry.Kind) -> WebText {
        switch kind {
        case .received: .timelineReceived
        case .sent: .timelineSent
        case .retry: .timelineRetry
        case .failed: .timelineFailed
        case .acknowledged: .timelineAcknowledged
        case .escalated: .timelineEscalated
        case .update: .timelineUpdate
        case .taskDone: .timelineTaskDone
        case .watchAnswer: .timelineWatchAnswer
        }
    }

    /// An answer to a watch request as a choice: "Åben som normalt".
    static func watchAnswer(_ answer: WatchRequestPage.Answer) -> WebText {
        switch answer {
        case .open: .watchOpen
        case .reduced: .watchReduced
        case .closed: .watchClosed
        }
    }

    /// An answer to a watch request as said of the institution: "holder åbent".
    static func watchSaid(_ answer: WatchRequestPage.Answer) -> WebText {
        switch answer {
        case .open: .watchSaidOpen
        case .reduced: .watchSaidReduced
        case .closed: .watchSaidClosed
        }
    }

    static func reason(_ reason: ClosureFormPage.Reason) -> WebText {
        switch reason {
        case .staffSafety: .reasonStaffSafety
        case .policeAdvice: .reasonPoliceAdvice
        case .damage: .reasonDamage
        case .other: .reasonOther
        }
    }

    static func mitigation(_ mitigation: ClosureFormPage.Mitigation) -> WebText {
        switch mitigation {
        case .extraStaff: .mitigationExtraStaff
        case .policePresence: .mitigationPolicePresence
        case .activityMoved: .mitigationActivityMoved
        case .hoursChanged: .mitigationHoursChanged
        }
    }

    /// The table: Danish and English for every key.
    var entry: (da: String, en: String) {
        switch self {
        case .skipToContent: ("Gå til indholdet", "Skip to content")
        case .footer:
            (
                "Beredskab – kriseberedskab for Københavns boligområder. Er der fare for liv, så ring 112.",
                "Beredskab – crisis preparedness for Copenhagen's housing areas. If life is in danger, call 112."
            )
        case .languageName: ("Dansk", "English")
        case .signedInAs: ("Logget ind som {name}, {organisation}", "Signed in as {name}, {organisation}")
        case .navLabel: ("Hovedmenu", "Main menu")
        case .navReport: ("Anmeld", "Report")
        case .navBoard: ("Tavle", "Board")
        case .navReview: ("Gennemgang", "Review")
        case .navOnCall: ("Vagter", "On call")
        case .navSilences: ("Tavshed", "Silences")
        case .navHandbook: ("Håndbog", "Handbook")
        case .navSignOut: ("Log ud", "Sign out")
        case .choose: ("Vælg …", "Choose …")
        case .errorSummaryTitle: ("Der er et problem", "There is a problem")
        case .errorPrefix: ("Fejl:", "Error:")
        case .problemRequired: ("Skal udfyldes.", "This must be filled in.")
        case .problemInvalidDateTime: ("Skriv en gyldig dato og tid.", "Enter a valid date and time.")
        case .problemInFuture: ("Tidspunktet må ikke ligge i fremtiden.", "The time cannot be in the future.")
        case .problemEndBeforeStart: ("Skal ligge efter starttidspunktet.", "Must be after the start.")
        case .problemUnknownChoice: ("Vælg en af mulighederne på listen.", "Choose one of the options in the list.")
        case .problemTooLong: ("Højst {max} tegn.", "At most {max} characters.")
        case .problemInvalidAddress:
            ("Skriv en e-mailadresse eller et mobilnummer.", "Enter an e-mail address or a mobile number.")
        case .problemUnknownIncidents: ("Ukendte hændelser: {ids}.", "Unknown incidents: {ids}.")
        case .signInTitle: ("Log ind", "Sign in")
        case .signInIntro:
            (
                "Skriv din e-mailadresse eller dit mobilnummer. Vi sender dig et link, som logger dig ind.",
                "Enter your e-mail address or mobile number. We will send you a link that signs you in."
            )
        case .signInAddress: ("E-mail eller mobilnummer", "E-mail or mobile number")
        case .signInAddressHint:
            (
                "Den adresse eller det nummer, din organisation har registreret for dig.",
                "The address or number your organisation has on record for you."
            )
        case .signInSubmit: ("Send mig et link", "Send me a link")
        case .signInSentTitle: ("Tjek din e-mail eller SMS", "Check your e-mail or text messages")
        case .signInSentText:
            (
                "Hvis adressen er registreret hos os, har vi sendt et link til at logge ind. Linket virker én gang og i {minutes} minutter.",
                "If the address is registered with us, we have sent a sign-in link to it. The link works once and for {minutes} minutes."
            )
        case .signInTryAgain: ("Kom der ikke noget? Prøv igen", "Nothing arrived? Try again")
        case .signInConfirmTitle: ("Log ind på Beredskab", "Sign in to Beredskab")
        case .signInConfirmText:
            ("Tryk på knappen for at logge ind på denne enhed.", "Press the button to sign in on this device.")
        case .signInConfirmButton: ("Log ind", "Sign in")
        case .signInExpiredTitle: ("Linket virker ikke længere", "This link no longer works")
        case .signInExpiredText:
            (
                "Linket til at logge ind er brugt eller udløbet. Bed om et nyt.",
                "The sign-in link has been used or has expired. Ask for a new one."
            )
        case .signInNewLink: ("Få et nyt link", "Get a new link")
        case .reportTitle: ("Anmeld en hændelse", "Report an incident")
        case .reportIntro:
            (
                "Fortæl hvad der er sket. Er der fare for liv, så ring 112 først.",
                "Tell us what happened. If life is in danger, call 112 first."
            )
        case .reportWhat: ("Hvad er der sket?", "What happened?")
        case .reportWhere: ("Hvor?", "Where?")
        case .reportWhen: ("Hvornår?", "When?")
        case .reportPersons: ("Involverede personer", "Persons involved")
        case .reportSubmit: ("Send anmeldelse", "Send report")
        case .fieldCategory: ("Kategori", "Category")
        case .fieldSeverity: ("Alvor", "Severity")
        case .fieldArea: ("Område", "Area")
        case .fieldAddress: ("Adresse", "Address")
        case .fieldCoordinates: ("Koordinater", "Coordinates")
        case .mapLink: ("Vis på kort (OpenStreetMap)", "Show on a map (OpenStreetMap)")
        case .geoLink: ("Åbn i telefonens kort-app", "Open in the phone's map app")
        case .addressHint:
            (
                "Gade og nummer eller et sted, fx „gården bag nr. 12“. Kan udelades.",
                "Street and number or a place, e.g. “the courtyard behind no. 12”. May be left out."
            )
        case .fieldLocation: ("Placering", "Location")
        case .fieldOccurredAt: ("Tidspunkt", "Time")
        case .occurredAtHint:
            (
                "Hvornår skete det? Ret tidspunktet, hvis det ikke var lige nu.",
                "When did it happen? Change the time if it was not just now."
            )
        case .fieldDescription: ("Beskrivelse", "Description")
        case .descriptionHint:
            (
                "Hvad skete der, og hvad sker der nu? Skriv ikke navne her – brug feltet om involverede personer.",
                "What happened, and what is happening now? Do not write names here – use the field for persons involved."
            )
        case .fieldFlags: ("Særlige forhold", "Special circumstances")
        case .flagInjured: ("Der er tilskadekomne", "People are injured")
        case .flagWeapons: ("Der er våben involveret", "Weapons are involved")
        case .flagMinors: ("Der er mindreårige involveret", "Minors are involved")
        case .flagsNone: ("Ingen", "None")
        case .areaNotKnown: ("Ved ikke", "Not known")
        case .areaUnknown: ("Ukendt område", "Area not known")
        case .timeUnknown: ("Ukendt tidspunkt", "Time not known")
        case .locationButton: ("Brug min placering", "Use my location")
        case .locationFinding: ("Finder din placering …", "Finding your location …")
        case .locationFound:
            ("Din placering er med (cirka {accuracy} m).", "Your location is included (about {accuracy} m).")
        case .locationFailed:
            (
                "Din placering kunne ikke findes. Skriv adressen i stedet.",
                "Your location could not be found. Enter the address instead."
            )
        case .locationAttached: ("Din placering er med.", "Your location is included.")
        case .sensitiveLabel: ("Personoplysninger.", "Personal data.")
        case .confidentialLabel: ("Fortroligt.", "Confidential.")
        case .personsNotice:
            (
                "Det, du skriver her, deles kun med myndigheder (kommunen og politiet) efter retsplejelovens § 115 – aldrig med boligorganisationer eller frivillige.",
                "What you write here is shared only with authorities (the municipality and the police) under section 115 of the Danish Administration of Justice Act – never with housing associations or volunteers."
            )
        case .fieldPersons: ("Personer (kan udelades)", "Persons (optional)")
        case .personsHint:
            (
                "Én person pr. linje: navn, alder og hvad du ved. Udelad det, hvis du er i tvivl.",
                "One person a line: name, age and what you know. Leave it out if in doubt."
            )
        case .incidentTitle: ("Hændelse {id}", "Incident {id}")
        case .received: ("Modtaget", "Received")
        case .stateOpen: ("Åben", "Open")
        case .stateClosed: ("Afsluttet", "Closed")
        case .ackHeading: ("Kvittering", "Acknowledgement")
        case .ackYes: ("Kvitteret", "Acknowledged")
        case .ackAwaiting: ("Afventer kvittering", "Awaiting acknowledgement")
        case .notifiedHeading: ("Hvem er underrettet", "Who has been notified")
        case .notifiedAcknowledged: ("kvitteret", "acknowledged")
        case .notifiedNotAcknowledged: ("ikke kvitteret endnu", "not acknowledged yet")
        case .notifiedNone: ("Ingen er underrettet endnu.", "Nobody has been notified yet.")
        case .personOne: ("1 person", "1 person")
        case .personsMany: ("{n} personer", "{n} people")
        case .statusNoScript:
            (
                "Genindlæs siden for at se, om nogen har kvitteret.",
                "Reload the page to see whether anyone has acknowledged."
            )
        case .situationHeading: ("Situationen", "The situation")
        case .updatesHeading: ("Opdateringer", "Updates")
        case .updateHeading: ("Send en opdatering", "Send an update")
        case .updateKindLegend: ("Hvad vil du sende?", "What do you want to send?")
        case .updateInformation: ("Mere information", "More information")
        case .updateAllClear: ("Alt er roligt igen (afblæs)", "All clear")
        case .updateText: ("Tekst", "Text")
        case .updateTextHint: ("Hvad er nyt? Skriv ikke navne her.", "What is new? Do not write names here.")
        case .updateSubmit: ("Send opdatering", "Send update")
        case .responderTo: ("Til {name} som {roles}", "To {name} as {roles}")
        case .ackExplain:
            (
                "Kvittér, så de andre ved, at du har set beskeden. Så stopper eskaleringen.",
                "Acknowledge so the others know you have seen the message. That stops the escalation."
            )
        case .ackButton: ("Kvittér for modtagelsen", "Acknowledge")
        case .youAcknowledgedAt: ("Du kvitterede {time}.", "You acknowledged at {time}.")
        case .messageHeading: ("Beskeden du fik", "The message you were sent")
        case .personalHeading: ("Personoplysninger", "Personal details")
        case .personalNotice:
            (
                "Du ser dem, fordi du er underrettet som myndighed efter retsplejelovens § 115. Del dem kun med andre myndigheder, og kun når det er nødvendigt for at forebygge kriminalitet.",
                "You see them because you were notified as an authority under section 115 of the Danish Administration of Justice Act. Share them only with other authorities, and only where it is necessary to prevent crime."
            )
        case .tasksHeading: ("Dine opgaver", "Your tasks")
        case .tasksNone: ("Du har ingen opgaver i denne hændelse.", "You have no tasks in this incident.")
        case .taskRole: ("Rolle:", "Role:")
        case .taskDue: ("Frist:", "Due:")
        case .taskOverdue: ("Overskredet", "Overdue")
        case .taskDone: ("Udført", "Done")
        case .timelineHeading: ("Forløb", "Timeline")
        case .timelineEmpty: ("Intet endnu.", "Nothing yet.")
        case .columnTime: ("Tid", "Time")
        case .columnEvent: ("Hvad", "What")
        case .columnDetails: ("Detaljer", "Details")
        case .watchTitle: ("Holder institutionen åbent?", "Is the institution open?")
        case .watchIntro:
            ("Hændelse {id} – spørgsmål til {institution}", "Incident {id} – a question for {institution}")
        case .watchLegend: ("Hvordan er situationen på {institution}?", "What is the situation at {institution}?")
        case .watchLegendShort: ("Situationen", "Situation")
        case .watchAnswered: ("Dit seneste svar ({time}): {answer}.", "Your last answer ({time}): {answer}.")
        case .reopenAt: ("Forventet genåbning", "Expected reopening")
        case .reopenAtHint:
            (
                "Kun hvis der er lukket eller nedsat service. Kan udelades.",
                "Only if closed or reduced. May be left out."
            )
        case .watchSubmit: ("Send svar", "Send answer")
        case .watchOpen: ("Åben som normalt", "Open as usual")
        case .watchReduced: ("Åben med nedsat service", "Open with reduced service")
        case .watchClosed: ("Lukket", "Closed")
        case .watchSaidOpen: ("holder åbent", "is open")
        case .watchSaidReduced: ("har nedsat service", "has reduced service")
        case .watchSaidClosed: ("er lukket", "is closed")
        case .thanksSeenTitle:
            ("Tak – det er noteret, at du har set beskeden", "Thank you – it is recorded that you have seen it")
        case .thanksSeenText:
            (
                "Din kvittering er registreret som set. Den stopper ikke eskaleringen: de ansvarlige myndigheder skal selv kvittere.",
                "Your receipt is recorded as seen. It does not stop the escalation: the responsible authorities must acknowledge themselves."
            )
        case .thanksAckTitle: ("Tak – du har kvitteret", "Thank you – you have acknowledged")
        case .thanksAckText:
            (
                "Din kvittering er registreret, og eskaleringen er stoppet.",
                "Your acknowledgement is recorded, and the escalation has stopped."
            )
        case .alreadyAckTitle: ("Allerede kvitteret", "Already acknowledged")
        case .alreadyAckText:
            ("Du kvitterede {time}. Det er registreret.", "You acknowledged at {time}. It is recorded.")
        case .alreadyAckTextNoTime:
            ("Du har allerede kvitteret. Det er registreret.", "You have already acknowledged. It is recorded.")
        case .watchRecordedTitle: ("Tak – registreret", "Thank you – recorded")
        case .watchRecordedText:
            (
                "{institution} {said}. Du kan ændre svaret, så længe hændelsen overvåges.",
                "{institution} {said}. You can change the answer while the incident is being watched."
            )
        case .watchOverTitle: ("Overvågningen er slut", "The watch is over")
        case .watchOverText:
            (
                "Hændelsen overvåges ikke længere. Kontakt vagthavende.",
                "The incident is no longer being watched. Contact the officer on duty."
            )
        case .taskDoneTitle: ("Opgaven er markeret som udført", "The task is marked as done")
        case .taskDoneText:
            ("Tak. De andre kan se, at opgaven er udført.", "Thank you. The others can see that the task is done.")
        case .linkExpiredTitle: ("Linket er udløbet", "The link has expired")
        case .linkExpiredText:
            (
                "Linket til at kvittere er for gammelt. Kontakt vagthavende.",
                "The link to acknowledge is too old. Contact the officer on duty."
            )
        case .linkUnknownTitle: ("Linket kendes ikke", "Unknown link")
        case .linkUnknownText:
            (
                "Linket er ikke gyldigt. Tjek at hele linket er kopieret med.",
                "The link is not valid. Check that the whole link was copied."
            )
        case .backToIncident: ("Tilbage til hændelsen", "Back to the incident")
        case .boardTitle: ("Tavle: åbne hændelser", "Board: open incidents")
        case .boardUpdated: ("Opdateret", "Updated")
        case .boardNoScript:
            (
                "Uden JavaScript opdaterer tavlen sig ikke selv. Genindlæs siden for at se nye hændelser.",
                "Without JavaScript the board does not refresh itself. Reload the page to see new incidents."
            )
        case .boardEmpty: ("Ingen åbne hændelser.", "No open incidents.")
        case .boardCaption:
            (
                "{n} åbne hændelser, {waiting} afventer kvittering",
                "{n} open incidents, {waiting} awaiting acknowledgement"
            )
        case .deliveryWaitingTitle: ("Venter på levering", "Waiting for delivery")
        case .deliveryWaitingText:
            (
                "Beskeder, der ikke er nået frem endnu. Beredskab bliver ved med at prøve på alle personens kanaler, til beskeden er leveret eller kvitteret, eller hændelsen er afblæst. Ring til personen, hvis det haster.",
                "Messages that have not arrived yet. Beredskab keeps trying on all of the person's channels until the message is delivered or acknowledged, or the incident is called off. Call the person if it is urgent."
            )
        case .columnRecipient: ("Modtager", "Recipient")
        case .columnChannel: ("Kanal", "Channel")
        case .columnAttempts: ("Forsøg", "Attempts")
        case .columnWaiting: ("Venter", "Waiting")
        case .columnNextAttempt: ("Næste forsøg", "Next attempt")
        case .columnLastError: ("Seneste fejl", "Last error")
        case .columnIncident: ("Hændelse", "Incident")
        case .columnAge: ("Alder", "Age")
        case .columnAcknowledged: ("Kvitteret", "Acknowledged")
        case .columnEscalation: ("Eskalering", "Escalation")
        case .boardAckYes: ("Ja", "Yes")
        case .boardAckNo: ("Nej – afventer", "No – waiting")
        case .escalationNone: ("Ingen", "None")
        case .escalationPending: ("Venter", "Pending")
        case .escalationFired: ("Eskaleret", "Escalated")
        case .hoursShort: ("t", "h")
        case .justNow: ("lige nu", "just now")
        case .onCallTitle: ("Hvem har vagt", "Who is on call")
        case .onCallPeriod:
            ("Fra {from} til {to}, dansk tid.", "From {from} to {to}, Copenhagen time.")
        case .onCallGapSummary:
            (
                "Huller – ingen på vagt i en periode: {roles}. En melding, der skal nå rollen, når da ingen.",
                "Gaps – nobody on duty for a while: {roles}. A report that needs the role then reaches no one."
            )
        case .onCallNoGaps:
            ("Ingen huller: alle roller er dækket hele perioden.", "No gaps: every role is covered all the time.")
        case .onCallRolesLabel: ("Roller", "Roles")
        case .onCallAllRoles: ("Alle roller", "All roles")
        case .onCallNoRoles: ("Ingen roller at vise.", "No roles to show.")
        case .onCallNow: ("Nu", "Now")
        case .onCallNobody: ("Ingen på vagt", "Nobody on duty")
        case .onCallUntil: ("indtil", "until")
        case .onCallCaption: ("{role}: vagter de næste {n} dage", "{role}: shifts over the next {n} days")
        case .onCallFrom: ("Fra", "From")
        case .onCallTo: ("Til", "To")
        case .onCallWho: ("På vagt", "On duty")
        case .onCallCover: ("{substitute} for {absent}", "{substitute} covering for {absent}")
        case .onCallStartNow: ("nu", "now")
        case .closureTitle: ("Registrér en lukning", "Record a closure")
        case .closureIntro:
            (
                "Registrér, når en institution lukker helt eller delvist under uro eller krise – eller var tæt på at lukke. Økonomiforvaltningen følger op på det.",
                "Record when an institution closes fully or partly during unrest or crisis – or nearly closed. The Finance Administration follows it up."
            )
        case .closureInstitution: ("Institution", "Institution")
        case .vitalMark: ("samfundsvigtig", "vital")
        case .closureWhen: ("Hvornår", "When")
        case .closureFrom: ("Lukket fra", "Closed from")
        case .closureTo: ("Genåbnet", "Reopened")
        case .closureToHint:
            (
                "Lad feltet stå tomt, hvis institutionen stadig er lukket.",
                "Leave it empty if the institution is still closed."
            )
        case .closurePartial: ("Delvis lukning", "Partial closure")
        case .closurePartialHint: ("Fx kun nogle aktiviteter eller lokaler.", "E.g. only some activities or rooms.")
        case .closureNearMiss: ("Nær-lukning", "Near miss")
        case .closureNearMissHint:
            (
                "Lukning blev overvejet, men institutionen holdt åbent.",
                "Closing was considered, but the institution stayed open."
            )
        case .closureWhy: ("Hvorfor", "Why")
        case .closureReason: ("Årsag", "Reason")
        case .closureReasonText: ("Årsagen med egne ord", "The reason in your own words")
        case .closureDecidedBy: ("Besluttet af", "Decided by")
        case .closureDecidedByHint:
            ("Navn og funktion, fx „Klubleder Mette Hansen“.", "Name and position, e.g. “Club leader Mette Hansen”.")
        case .closureIncidents: ("Tilknyttede hændelser", "Linked incidents")
        case .closureIncidentsHint:
            (
                "Hændelsernes id'er adskilt af komma. Kan udelades.",
                "The incidents' ids separated by commas. May be left out."
            )
        case .closureMitigations:
            ("Hvad blev gjort for at holde åbent eller genåbne?", "What was done to stay open or reopen?")
        case .closureMitigationsHint: ("Vælg alt, der passer.", "Select all that apply.")
        case .closureSubmit: ("Registrér lukning", "Record closure")
        case .reasonStaffSafety: ("Personalets sikkerhed", "Staff safety")
        case .reasonPoliceAdvice: ("Politiets anbefaling", "Police advice")
        case .reasonDamage: ("Skader på bygning eller inventar", "Damage to building or equipment")
        case .reasonOther: ("Anden årsag", "Other reason")
        case .mitigationExtraStaff: ("Ekstra personale", "Extra staff")
        case .mitigationPolicePresence: ("Politi til stede", "Police presence")
        case .mitigationActivityMoved: ("Aktiviteten flyttet", "Activity moved")
        case .mitigationHoursChanged: ("Ændret åbningstid", "Opening hours changed")
        case .silencedTag: ("TAVS", "SILENCED")
        case .silencedHeading: ("Tavse retningslinjer", "Silenced guidelines")
        case .silencedIntro:
            (
                "En koordinator har gjort disse retningslinjer tavse: anmeldelsen er registreret, men der er ikke sendt noget for dem.",
                "A coordinator silenced these guidelines: the report is recorded, but nothing was sent for them."
            )
        case .silencedBy: ("tavshed {id}: {reason}", "silence {id}: {reason}")
        case .silencedFiredSince: ("har udløst siden", "has fired since")
        case .silenceBannerHeading: ("Kritisk retningslinje tavs:", "Critical guideline silenced:")
        case .silenceBannerText:
            ("{guidelines} i {area} til {time} — {reason}", "{guidelines} in {area} until {time} — {reason}")
        case .silenceBannerLink: ("Se tavsheder", "See silences")
        case .silenceEverywhere: ("alle områder", "every area")
        case .boardSilencesLink: ("Tavsheder: se, opret og afslut", "Silences: view, create and expire")
        case .silencesTitle: ("Tavsheder", "Silences")
        case .silencesIntro:
            (
                "En tavshed stopper alt, hvad en retningslinje eller en kategori ellers ville sende, i en periode (højst 7 døgn) – fx ved et kendt arrangement. Anmeldelser registreres og vises stadig, og alt står i revisionsloggen.",
                "A silence stops everything a guideline or a category would send, for a period (at most 7 days) – for a known event, say. Reports are still recorded and shown, and everything is in the audit log."
            )
        case .silencesListHeading: ("Aktive og kommende tavsheder", "Active and pending silences")
        case .silencesNone: ("Ingen aktive eller kommende tavsheder.", "No active or pending silences.")
        case .silenceColumnWhat: ("Hvad", "What")
        case .silenceColumnWhen: ("Fra – til", "From – to")
        case .silenceColumnState: ("Status", "State")
        case .silenceColumnReason: ("Begrundelse", "Reason")
        case .silenceColumnBy: ("Oprettet af", "Created by")
        case .silenceStateActive: ("Aktiv", "Active")
        case .silenceStatePending: ("Kommende", "Pending")
        case .silenceCategoryOf: ("Kategori: {category}", "Category: {category}")
        case .silenceCovers: ("Dækker kritiske: {guidelines}", "Covers critical: {guidelines}")
        case .silenceExpire: ("Afslut nu", "Expire now")
        case .silenceNewHeading: ("Ny tavshed", "New silence")
        case .silenceWhatLegend: ("Hvad skal være tavst", "What to silence")
        case .silenceWhatHint:
            (
                "Vælg en retningslinje eller en kategori, ikke begge. Et område dækker også områderne inden i det.",
                "Choose a guideline or a category, not both. An area also covers the areas within it."
            )
        case .silenceGuideline: ("Retningslinje", "Guideline")
        case .silenceCriticalMark: ("kritisk", "critical")
        case .silenceAreaAll: ("Alle områder", "Every area")
        case .silenceWhenLegend: ("Hvornår", "When")
        case .silenceStarts: ("Starter", "Starts")
        case .silenceStartsHint: ("Tomt: nu.", "Empty: now.")
        case .silenceEnds: ("Slutter", "Ends")
        case .silenceEndsHint:
            (
                "Eller vælg en varighed. Højst 7 døgn efter start.",
                "Or choose a duration. At most 7 days after the start."
            )
        case .silenceDuration: ("Varighed", "Duration")
        case .silenceHours: ("{n} timer", "{n} hours")
        case .silenceDays: ("{n} døgn", "{n} days")
        case .silenceReason: ("Begrundelse", "Reason")
        case .silenceReasonHint:
            ("Vises overalt, hvor tavsheden vises.", "Shown wherever the silence is shown.")
        case .silenceConfirmCritical:
            (
                "Jeg bekræfter, at der ikke sendes noget for kritiske retningslinjer i perioden",
                "I confirm that nothing is to be sent for critical guidelines during the period"
            )
        case .silenceConfirmHint:
            (
                "Kræves, når tavsheden dækker en kritisk retningslinje. Den vises så øverst på alle sider, så længe den varer.",
                "Needed when the silence covers a critical guideline. It is then shown at the top of every page while it lasts."
            )
        case .silenceSubmit: ("Opret tavshed", "Create silence")
        case .silenceProblemCritical:
            (
                "Tavsheden dækker kritiske retningslinjer ({guidelines}): der sendes intet for dem. Sæt flueben for at bekræfte.",
                "The silence covers critical guidelines ({guidelines}): nothing is sent for them. Tick to confirm."
            )
        case .silenceProblemEndOrDuration:
            ("Vælg en sluttid eller en varighed, ikke begge.", "Choose an end or a duration, not both.")
        case .errorStatus: ("Fejlkode {status}", "Error code {status}")
        case .error400Title: ("Forespørgslen kunne ikke forstås", "The request could not be understood")
        case .error400Text:
            ("Tjek adressen, eller gå tilbage og prøv igen.", "Check the address, or go back and try again.")
        case .error401Title: ("Du skal logge ind", "You need to sign in")
        case .error401Text: ("Log ind for at se siden.", "Sign in to see this page.")
        case .error403Title: ("Ingen adgang", "Access denied")
        case .error403Text:
            (
                "Din rolle giver ikke adgang til siden. Kontakt din organisation, hvis det er en fejl.",
                "Your role does not give access to this page. Contact your organisation if this is a mistake."
            )
        case .error404Title: ("Siden findes ikke", "Page not found")
        case .error404Text:
            (
                "Tjek adressen. Hændelser, du ikke har adgang til, vises ikke.",
                "Check the address. Incidents you have no access to are not shown."
            )
        case .error405Title: ("Handlingen er ikke mulig her", "Method not allowed")
        case .error405Text: ("Gå tilbage og prøv igen.", "Go back and try again.")
        case .error410Title: ("Siden findes ikke længere", "No longer available")
        case .error410Text:
            ("Linket er udløbet eller allerede brugt.", "The link has expired or has already been used.")
        case .error413Title: ("For meget data", "Too much data")
        case .error413Text:
            (
                "Det, du sendte, er for stort. Forkort teksten og prøv igen.",
                "What you sent is too large. Shorten the text and try again."
            )
        case .error422Title: ("Indholdet kunne ikke bruges", "The content could not be used")
        case .error422Text:
            ("Gå tilbage, ret det markerede og prøv igen.", "Go back, correct what is marked and try again.")
        case .error429Title: ("For mange forsøg", "Too many requests")
        case .error429Text: ("Vent lidt, og prøv igen.", "Wait a moment and try again.")
        case .error500Title: ("Der skete en fejl", "Something went wrong")
        case .error500Text:
            (
                "Prøv igen om lidt. Er der fare for liv, så ring 112.",
                "Try again in a moment. If life is in danger, call 112."
            )
        case .error503Title: ("Tjenesten er midlertidigt utilgængelig", "Service temporarily unavailable")
        case .error503Text:
            (
                "Prøv igen om lidt. Er der fare for liv, så ring 112.",
                "Try again in a moment. If life is in danger, call 112."
            )
        case .toFrontPage: ("Til forsiden", "To the front page")
        case .signInLink: ("Log ind", "Sign in")
        case .timelineReceived: ("Modtaget", "Received")
        case .timelineSent: ("Sendt", "Sent")
        case .timelineRetry: ("Forsøgt igen", "Retried")
        case .timelineFailed: ("Kunne ikke leveres", "Delivery failed")
        case .timelineAcknowledged: ("Kvitteret", "Acknowledged")
        case .timelineEscalated: ("Eskaleret", "Escalated")
        case .timelineUpdate: ("Opdatering", "Update")
        case .timelineTaskDone: ("Opgave udført", "Task done")
        case .timelineWatchAnswer: ("Svar fra institution", "Institution answered")
        case .categoryShooting: ("Skyderi", "Shooting")
        case .categoryWeapons: ("Våbenfund eller våben", "Weapons found or used")
        case .categoryGang: ("Bandeaktivitet", "Gang activity")
        case .categoryUnrest: ("Uro", "Unrest")
        case .categoryVandalism: ("Hærværk", "Vandalism")
        case .categoryViolence: ("Vold", "Violence")
        case .categoryThreat: ("Trusler", "Threats")
        case .categoryBurglary: ("Indbrud", "Burglary")
        case .categoryTheft: ("Tyveri", "Theft")
        case .categoryDrugs: ("Narkotika", "Drugs")
        case .categoryHarassment: ("Chikane", "Harassment")
        case .categoryDiscrimination: ("Diskrimination", "Discrimination")
        case .categoryFire: ("Brand", "Fire")
        case .categoryRelease: ("Løsladelse fra fængsel", "Release from prison")
        case .categoryInsecurity: ("Utryghed (graffiti, lys, forfald)", "Insecurity (graffiti, lighting, neglect)")
        case .categoryOther: ("Andet", "Other")
        case .severityMinor: ("Mindre", "Minor")
        case .severityModerate: ("Moderat", "Moderate")
        case .severitySevere: ("Alvorlig", "Severe")
        case .severityExtreme: ("Meget alvorlig", "Extreme")
        case .severityChoiceMinor: ("Mindre – ingen akut fare", "Minor – no immediate danger")
        case .severityChoiceModerate: ("Moderat – skal følges op i dag", "Moderate – needs follow-up today")
        case .severityChoiceSevere: ("Alvorlig – kræver handling nu", "Severe – needs action now")
        case .severityChoiceExtreme: ("Meget alvorlig – fare for liv", "Extreme – danger to life")
        }
    }
}

/// The texts of one language, escaped for HTML: `t[.key]`, `t(.key, ["n": "3"])`. The pages no longer
/// use it (their templates read `TemplateTexts` and escape as they write); kept for HTML built in Swift.
struct Texts {
    let lang: Language

    init(_ lang: Language) {
        self.lang = lang
    }

    subscript(_ key: WebText) -> String { key.html(lang) }

    func callAsFunction(_ key: WebText, _ values: [String: String]) -> String { key.html(lang, values) }
}

extension StringProtocol {
    /// The length of a text as every limit on reports counts it: the number of Unicode scalar values
    /// (code points) of the decoded string, as JSON Schema's `maxLength` and `minLength` count
    /// "characters". So an emoji flag such as 🇩🇰 is 2, `e` followed by a combining acute accent is 2,
    /// a line break written CR LF is 2, and æ, ø and å are 1 each. Used by the report decoder, the
    /// web forms and the other API limits alike (docs/report.md, "How lengths are counted").
    public var codePointCount: Int { unicodeScalars.count }
}

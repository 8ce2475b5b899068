/// Splitting text into lines the way every reader of textpipe does.
///
/// In Swift a Windows line end `\r\n` is one `Character`, so `text.split(separator: "\n")` does not split a CRLF
/// file at all: 8 lines became 1 document. Every line-oriented reader goes through `textLines` instead.
extension StringProtocol {
    /// The lines of the text, split at `\n`, `\r\n` or a lone `\r`, without their line ends; empty lines are kept
    /// (so line numbers count every line) unless `omittingEmpty`.
    ///
    /// `"a\r\nb\n\nc".textLines()` is `["a", "b", "", "c"]`.
    public func textLines(omittingEmpty: Bool = false) -> [SubSequence] {
        split(omittingEmptySubsequences: omittingEmpty) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}

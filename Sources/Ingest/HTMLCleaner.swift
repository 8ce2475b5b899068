import CLibXML2
import Foundation
import TextCore

/// Turns HTML into plain text with libxml2's HTML parser in recover mode, network off.
///
/// Drops `script`, `style`, `noscript`, `template` and any configured tags with their content; block
/// elements become line breaks; entities are decoded by the parser. `<p>a &amp; <b>b</b></p><p>c</p>`
/// gives `"a & b\nc"` after whitespace normalisation.
public struct HTMLCleaner: Sendable {
    /// Tags always dropped with their content.
    public static let alwaysDropped: Set<String> = ["script", "style", "noscript", "template", "head"]
    /// Elements that start a new line.
    public static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul", "title", "body", "html",
        "option", "caption", "summary", "details"
    ]

    /// Tags whose content is dropped.
    public let dropped: Set<String>
    /// A cleaner that also drops `dropTags`.
    public init(dropTags: [String]) { dropped = Self.alwaysDropped.union(dropTags.map { $0.lowercased() }) }

    /// The visible text of an HTML fragment or page.
    public func clean(_ html: String) -> String {
        LibXML.initialize()
        var bytes = Array(html.utf8)
        if bytes.isEmpty { return "" }
        if let capped = AttributeCap.capped(bytes) { bytes = capped }
        // XML_PARSE_HUGE (the HTML parser reads it too) lifts libxml2's nesting limit (256 levels), past which it
        // stops and the rest of the page is lost silently: 5,000 nested <div>s gave no text at all. The walk below
        // is iterative, so depth costs no stack; the input's size bounds the tree.
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue)
        let doc: htmlDocPtr? = bytes.withUnsafeMutableBufferPointer { p in
            p.start.withMemoryRebound(to: CChar.self, capacity: p.count) {
                htmlReadMemory($0, Int32(p.count), nil, "UTF-8", options)
            }
        }
        guard let doc else { return TextNormalizer.normalizeWhitespace(html) }
        defer { xmlFreeDoc(doc) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes = []
        // Iterative walk: malformed pages can nest deeply, and recursion would risk the stack.
        var node: xmlNodePtr? = xmlDocGetRootElement(doc)
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                let name = current.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if !dropped.contains(name) {
                    if Self.blockElements.contains(name) { out.append(10) }
                    descend = current.pointee.children != nil
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    var p = content
                    while p.pointee != 0 {
                        out.append(p.pointee)
                        p += 1
                    }
                }
            default: break
            }
            if descend {
                node = current.pointee.children
                continue
            }
            // Climb until a sibling exists, closing block elements on the way up.
            var climb: xmlNodePtr? = current
            node = nil
            while let c = climb {
                if let next = c.pointee.next {
                    node = next
                    break
                }
                climb = c.pointee.parent
                if let parent = climb, parent.pointee.type == XML_ELEMENT_NODE,
                    let n = parent.pointee.name, Self.blockElements.contains(String(cString: n).lowercased())
                {
                    out.append(10)
                }
                if climb?.pointee.type == XML_HTML_DOCUMENT_NODE || climb?.pointee.type == XML_DOCUMENT_NODE { break }
            }
        }
        return TextNormalizer.normalizeWhitespace(String(decoding: out, as: UTF8.self))
    }

    /// Element names that mark a text as HTML when they appear as tags (`<a href=...>`, `</td>`).
    static let knownTags: Set<String> = [
        "html", "body", "head", "p", "br", "div", "span", "a", "b", "i", "u", "s", "em", "strong", "small", "big", "tt",
        "code", "pre", "sub", "sup", "strike", "blockquote", "center", "font", "img", "hr", "table", "thead", "tbody",
        "tr", "td", "th", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style",
        "noscript", "template", "meta", "link", "base", "title", "form", "input", "label", "select", "option",
        "textarea", "iframe", "section", "article", "header", "footer", "nav", "main", "aside", "figure", "map",
        "area", "!doctype"
    ]

    /// Whether a text looks like HTML: it contains a tag of a known HTML element or a closing tag.
    ///
    /// `"a <b>bold</b> move"` is HTML; `"i <3 it, 2 < 3"` is not.
    public static func looksLikeHTML(_ text: String) -> Bool {
        let known = Self.knownTags
        let u = Array(text.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "<") {
                var j = i + 1
                if j < u.count && u[j] == UInt8(ascii: "/") { j += 1 }
                var name: [UInt8] = []
                while j < u.count, name.count < 10,
                    (u[j] | 0x20) >= UInt8(ascii: "a") && (u[j] | 0x20) <= UInt8(ascii: "z")
                        || u[j] == UInt8(ascii: "!") || (u[j] >= 0x30 && u[j] <= 0x39 && !name.isEmpty)
                {
                    name.append(u[j] | (u[j] == UInt8(ascii: "!") ? 0 : 0x20))
                    j += 1
                }
                if j < u.count, !name.isEmpty,
                    u[j] == UInt8(ascii: ">") || u[j] == UInt8(ascii: " ") || u[j] == UInt8(ascii: "/") || u[j] == 10
                        || u[j] == 13,
                    known.contains(String(decoding: name, as: UTF8.self))
                {
                    return true
                }
            }
            i += 1
        }
        return false
    }
}

/// Whitespace normalisation shared by every cleaner.
public enum TextNormalizer {
    /// Collapses runs of spaces and tabs to one space, trims each line, and drops blank lines.
    ///
    /// `"  a \t b\n\n\n c "` gives `"a b\nc"`.
    public static func normalizeWhitespace(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var pendingNewline = false
        for b in text.utf8 {
            switch b {
            case 32, 9, 11, 12: if !out.isEmpty { pendingSpace = true }
            case 10, 13:
                if !out.isEmpty { pendingNewline = true }
                pendingSpace = false
            case 0xC2: out.append(b)  // the second byte of U+00A0 is handled below
            default:
                if b == 0xA0, out.last == 0xC2 {  // non-breaking space
                    out.removeLast()
                    if !out.isEmpty { pendingSpace = true }
                    continue
                }
                if pendingNewline {
                    out.append(10)
                    pendingNewline = false
                    pendingSpace = false
                } else if pendingSpace {
                    out.append(32)
                    pendingSpace = false
                }
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

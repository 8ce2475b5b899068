import CLibXML2
import Foundation
import TextCore

/// Reads records out of an XML file with libxml2, safely: no network, no DTD loading, no external
/// entities, and internal entity expansion bounded (a "billion laughs" file fails fast with an error).
///
/// Reuters-21578 as XML: `recordXPath: "//REUTERS"`, `textXPath: "TEXT/BODY"`, `labelXPath: "TOPICS/D"`.
public struct XMLRecordReader: Sendable {
    /// XPath of each record (`//REUTERS`).
    public var recordXPath: String
    /// XPath of a record's text, relative to it (its whole text when nil).
    public var textXPath: String?
    /// XPath of a record's label, relative to it.
    public var labelXPath: String?
    /// Largest amount of text one file may produce, as a multiple of its size (bounds entity expansion).
    public var expansionLimit = 10

    /// Attributes an element of a record file may have (libxml2's duplicate check is quadratic in them).
    public static let attributeLimit = 1_024

    /// A reader with these XPaths.
    public init(recordXPath: String, textXPath: String?, labelXPath: String?) {
        self.recordXPath = recordXPath
        self.textXPath = textXPath
        self.labelXPath = labelXPath
    }

    /// The records of an XML file as documents; records without a label are counted in `notes` and skipped.
    public func read(_ bytes: [UInt8], file: String, notes: inout [String: Int]) throws -> [Document] {
        LibXML.initialize()
        // libxml2 checks an element's attributes for duplicates in quadratic time: refuse an absurd element before
        // parsing instead of spending minutes on it.
        if let offset = AttributeCap.firstOverLimit(bytes, limit: Self.attributeLimit) {
            let line = 1 + bytes[..<offset].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            throw TextpipeError(
                .data, "\(file):\(line): an element has more than \(Self.attributeLimit) attributes; not a record file")
        }
        guard let ctxt = xmlNewParserCtxt() else { throw TextpipeError(.internal, "libxml2: cannot allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        // No XML_PARSE_NOENT (entities are not substituted), no XML_PARSE_DTDLOAD, no XML_PARSE_HUGE.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_NOCDATA.rawValue)
        let doc = bytes.withUnsafeBufferPointer { p in
            p.start.withMemoryRebound(to: CChar.self, capacity: p.count) {
                xmlCtxtReadMemory(ctxt, $0, Int32(p.count), file, nil, options)
            }
        }
        guard let doc, ctxt.pointee.wellFormed != 0 else {
            if let doc { xmlFreeDoc(doc) }
            let err = ctxt.pointee.lastError
            let message =
                err.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
                ?? "not well-formed XML"
            throw TextpipeError(.input, "XML: " + message, file: file, line: err.line > 0 ? Int(err.line) : nil)
        }
        defer { xmlFreeDoc(doc) }
        guard let xpath = xmlXPathNewContext(doc) else {
            throw TextpipeError(.internal, "libxml2: cannot make an XPath context")
        }
        defer { xmlXPathFreeContext(xpath) }

        var budget = max(1 << 20, bytes.count * expansionLimit)
        let records = try evaluate(recordXPath, in: xpath, node: nil, file: file, key: "record")
        var docs: [Document] = []
        for (i, record) in records.enumerated() {
            var text = ""
            if let textXPath {
                for node in try evaluate(textXPath, in: xpath, node: record, file: file, key: "text") {
                    if !text.isEmpty { text += "\n" }
                    text += try LibXML.textContent(of: node, budget: &budget, notes: &notes, file: file)
                }
            } else {
                text = try LibXML.textContent(of: record, budget: &budget, notes: &notes, file: file)
            }
            var label: String? = nil
            if let labelXPath {
                let nodes = try evaluate(labelXPath, in: xpath, node: record, file: file, key: "label")
                if let first = nodes.first {
                    label = try LibXML.textContent(of: first, budget: &budget, notes: &notes, file: file)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    if nodes.count > 1 { notes["XML records with several labels (first kept)", default: 0] += 1 }
                } else {
                    notes["XML records without a label (skipped)", default: 0] += 1
                    continue
                }
            }
            let line = Int(xmlGetLineNo(record))
            docs.append(Document(source: line > 0 ? "\(file):\(line)" : "\(file)#\(i + 1)", text: text, label: label))
        }
        return docs
    }

    private func evaluate(
        _ expression: String, in context: xmlXPathContextPtr, node: xmlNodePtr?, file: String, key: String
    ) throws -> [xmlNodePtr] {
        context.pointee.node = node ?? xmlDocGetRootElement(context.pointee.doc)
        guard let result = xmlXPathEvalExpression(expression, context) else {
            throw TextpipeError(.spec, "invalid XPath expression '\(expression)'", file: file, key: key)
        }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0 else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { set.pointee.nodeTab[$0] }
    }
}

/// Shared libxml2 helpers: one-time initialisation and a text walk that never follows external entities.
enum LibXML {
    private static let once: Void = {
        xmlInitParser()
        textpipe_xml_silence()
    }()
    static func initialize() { _ = once }

    /// The concatenated text below `node`. Internal entity references are expanded within `budget`
    /// characters; external entities are never read (they are counted instead).
    static func textContent(of node: xmlNodePtr, budget: inout Int, notes: inout [String: Int], file: String) throws
        -> String
    {
        var out: [UInt8] = []
        try appendText(node, into: &out, budget: &budget, notes: &notes, file: file, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendText(
        _ node: xmlNodePtr, into out: inout [UInt8], budget: inout Int, notes: inout [String: Int], file: String,
        depth: Int
    ) throws {
        if depth > 64 { throw TextpipeError(.input, "XML entity references nest too deeply", file: file) }
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content {
                let n = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                budget -= n
                if budget < 0 {
                    throw TextpipeError(
                        .input, "XML entity expansion exceeds the limit (possible 'billion laughs' attack)", file: file)
                }
                out.append(contentsOf: UnsafeBufferPointer(start: content, count: n))
            }
        case XML_ENTITY_REF_NODE:
            let entity = xmlGetDocEntity(node.pointee.doc, node.pointee.name)
            guard let entity, entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY else {
                notes["external or undefined XML entities left out", default: 0] += 1
                return
            }
            // The entity's parsed children, if the parser built them; otherwise its literal content.
            if var child = entity.pointee.children {
                while true {
                    try appendText(child, into: &out, budget: &budget, notes: &notes, file: file, depth: depth + 1)
                    guard let next = child.pointee.next else { break }
                    child = next
                }
            } else if let content = entity.pointee.content {
                let n = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                budget -= n
                if budget < 0 {
                    throw TextpipeError(
                        .input, "XML entity expansion exceeds the limit (possible 'billion laughs' attack)", file: file)
                }
                out.append(contentsOf: UnsafeBufferPointer(start: content, count: n))
            }
        case XML_ELEMENT_NODE, XML_DOCUMENT_NODE:
            var child = node.pointee.children
            while let c = child {
                try appendText(c, into: &out, budget: &budget, notes: &notes, file: file, depth: depth)
                child = c.pointee.next
            }
        default:
            break
        }
    }
}

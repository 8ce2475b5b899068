#ifndef TEXTPIPE_LIBXML2_SHIM_H
#define TEXTPIPE_LIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// libxml2's ICU headers clash with the ICU that Foundation ships.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer in libxml2; Swift cannot call it directly.
static inline void textpipe_xml_free(void *pointer) { xmlFree(pointer); }

/// Silences libxml2's default error printer (errors are collected by textpipe instead).
static inline void textpipe_xml_silence(void) {
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
}
#endif

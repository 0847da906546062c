package ispac

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// node is a parsed XML element: a tiny DOM, enough to walk manifests and
// packages without binding to structs whose namespaces vary between SSDT
// versions.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         strings.Builder
	kids         []*node
}

// attr returns the value of the attribute with the given local name (any
// namespace), and whether it is present.
func (n *node) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// child returns the first child element with the given local name.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// children returns the child elements with the given local name.
func (n *node) children(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.local == local {
			out = append(out, k)
		}
	}
	return out
}

// props collects <Properties><Property Name="x">text</Property></Properties>
// into a map; present reports names that had an element at all.
func (n *node) props() map[string]string {
	m := map[string]string{}
	for _, p := range n.child("Properties").children("Property") {
		name, _ := p.attr("Name")
		m[name] = p.text.String()
	}
	return m
}

// errDTD is the text .NET's XmlReader gives for a document with a DTD,
// which is what the real deployment reports for entity-expansion bombs.
const errDTD = "For security reasons DTD is prohibited in this XML document. To enable DTD processing set the DtdProcessing property on XmlReaderSettings to Parse and pass the settings into XmlReader.Create method."

// parseXML reads one document into a tree, refusing DTDs, and bounding
// depth and element count so a hostile document cannot exhaust memory or
// stack.
func parseXML(data []byte, lim Limits) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// Only the five predefined entities exist; anything else fails.
	d.Entity = nil
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", charset)
	}
	var root *node
	var stack []*node
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > lim.MaxXMLElements {
				return nil, fmt.Errorf("the document has more than %d elements", lim.MaxXMLElements)
			}
			if len(stack) >= lim.MaxXMLDepth {
				return nil, fmt.Errorf("the document is nested deeper than %d levels", lim.MaxXMLDepth)
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("the document has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return nil, fmt.Errorf("%s", errDTD)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("root element is missing")
	}
	return root, nil
}

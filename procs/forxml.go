package procs

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/query"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// FOR XML PATH and RAW: the rows fold into one XML text. Scripts use it
// mostly for string aggregation, (SELECT ',' + name ... FOR XML PATH(''))
// wrapped in STUFF, and the ", TYPE).value('.', 'nvarchar(max)')" variant.

// xmlColumnName is the column name SQL Server gives a top-level FOR XML
// result.
const xmlColumnName = "XML_F52E2B61-18A1-11d1-B105-00805F49916B"

func (c *compiler) forClause(fc *tsql.ForClause, in query.Node, top bool) (query.Node, error) {
	unsupported := func(what string) error {
		return c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", what))
	}
	switch fc.Kind {
	case "BROWSE":
		return in, nil
	case "XML":
	default:
		return nil, unsupported("FOR " + fc.Kind)
	}
	x := &forXMLNode{in: in, mode: fc.Mode, root: fc.RootName, hasRoot: fc.Root, elements: fc.Elements != ""}
	switch fc.Mode {
	case "PATH":
		x.row = "row"
		if fc.HasElement {
			x.row = fc.ElementName
		}
	case "RAW":
		x.row = "row"
		if fc.HasElement && fc.ElementName != "" {
			x.row = fc.ElementName
		}
	default:
		return nil, unsupported("FOR XML " + fc.Mode)
	}
	if x.hasRoot && x.root == "" {
		x.root = "root"
	}
	t := sqltype.NVarCharN(sqltype.Max)
	if fc.Type {
		t = sqltype.TXML
	}
	name := ""
	if top {
		name = xmlColumnName
	}
	x.cols = []rows.Column{{Name: name, Type: t, Nullable: true}}
	x.t = t
	for _, col := range in.Columns() {
		if col.Name != "" && !strings.HasPrefix(col.Name, "@") && col.Name != "*" && !strings.HasSuffix(col.Name, "()") {
			for _, part := range strings.Split(col.Name, "/") {
				if !validXMLName(part) {
					bad := '/'
					if r := []rune(part); len(r) > 0 {
						bad = r[0]
					}
					return nil, c.runtimeErr(sqlerr.New(6850, 16, 1, "Column name '%s' contains an invalid XML identifier as required by FOR XML; '%s'(0x%04X) is the first character at fault.", col.Name, string(bad), bad))
				}
			}
		}
	}
	return x, nil
}

func validXMLName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r == ':' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127
		if i > 0 {
			ok = ok || r == '-' || r == '.' || r >= '0' && r <= '9'
		}
		if !ok {
			return false
		}
	}
	return true
}

type forXMLNode struct {
	in       query.Node
	cols     []rows.Column
	t        sqltype.Type
	mode     string
	row      string
	root     string
	hasRoot  bool
	elements bool
}

func (x *forXMLNode) Columns() []rows.Column { return x.cols }

func (x *forXMLNode) Run(ctx context.Context, fn func(rows.Row) (bool, error)) error {
	var b strings.Builder
	cols := x.in.Columns()
	n := 0
	err := x.in.Run(ctx, func(r rows.Row) (bool, error) {
		n++
		if x.mode == "RAW" {
			x.raw(&b, cols, r)
		} else {
			x.path(&b, cols, r)
		}
		return true, nil
	})
	if err != nil || n == 0 {
		return err
	}
	out := b.String()
	if x.hasRoot {
		out = "<" + x.root + ">" + out + "</" + x.root + ">"
	}
	_, err = fn(rows.Row{sqltype.NewString(x.t, out)})
	return err
}

func (x *forXMLNode) raw(b *strings.Builder, cols []rows.Column, r rows.Row) {
	b.WriteString("<" + x.row)
	var inner strings.Builder
	for i, col := range cols {
		if r[i].IsNull() {
			continue
		}
		if x.elements {
			inner.WriteString("<" + col.Name + ">" + xmlText(r[i], false) + "</" + col.Name + ">")
		} else {
			b.WriteString(" " + col.Name + "=\"" + xmlText(r[i], true) + "\"")
		}
	}
	if inner.Len() == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteString(">" + inner.String() + "</" + x.row + ">")
}

func (x *forXMLNode) path(b *strings.Builder, cols []rows.Column, r rows.Row) {
	var attrs, body strings.Builder
	lastData := false
	for i, col := range cols {
		v := r[i]
		name := col.Name
		if v.IsNull() {
			continue
		}
		switch {
		case strings.HasPrefix(name, "@"):
			attrs.WriteString(" " + name[1:] + "=\"" + xmlText(v, true) + "\"")
			lastData = false
		case name == "data()":
			if lastData {
				body.WriteByte(' ')
			}
			body.WriteString(xmlText(v, false))
			lastData = true
		case name == "" || name == "*" || name == "text()" || name == "node()":
			body.WriteString(xmlText(v, false))
			lastData = false
		default:
			parts := strings.Split(name, "/")
			for _, p := range parts {
				body.WriteString("<" + p + ">")
			}
			body.WriteString(xmlText(v, false))
			for k := len(parts) - 1; k >= 0; k-- {
				body.WriteString("</" + parts[k] + ">")
			}
			lastData = false
		}
	}
	if x.row == "" {
		b.WriteString(body.String())
		return
	}
	b.WriteString("<" + x.row + attrs.String())
	if body.Len() == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteString(">" + body.String() + "</" + x.row + ">")
}

// xmlText renders a value as XML text (or attribute) content.
func xmlText(v sqltype.Value, attr bool) string {
	k := v.Kind()
	switch {
	case k == sqltype.XML:
		return v.Str()
	case k.IsBinary():
		return base64.StdEncoding.EncodeToString(v.Bytes())
	case k == sqltype.Bit:
		if v.Bool() {
			return "1"
		}
		return "0"
	case k == sqltype.DateTime || k == sqltype.SmallDateTime:
		return v.Time().Format("2006-01-02T15:04:05.000")
	case k == sqltype.DateTime2:
		return strings.TrimSuffix(v.Time().Format("2006-01-02T15:04:05.0000000"), ".0000000")
	case k == sqltype.DateTimeOffset:
		return v.Time().Format("2006-01-02T15:04:05.0000000Z07:00")
	case k == sqltype.Date:
		return v.Time().Format("2006-01-02")
	}
	return xmlEscape(printable(v), attr)
}

func xmlEscape(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#x0D;")
		case '"':
			if attr {
				b.WriteString("&quot;")
			} else {
				b.WriteRune(r)
			}
		case '\n', '\t':
			if attr {
				b.WriteString("&#x" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ";")
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlStringValue is the string value of an XML fragment: its text with
// the markup removed and the entities decoded (the XPath '.' that
// .value('.', ...) reads).
func xmlStringValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return b.String()
			}
			i += j + 1
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			ent := s[i+1 : i+j]
			switch {
			case ent == "amp":
				b.WriteByte('&')
			case ent == "lt":
				b.WriteByte('<')
			case ent == "gt":
				b.WriteByte('>')
			case ent == "quot":
				b.WriteByte('"')
			case ent == "apos":
				b.WriteByte('\'')
			case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
				if n, err := strconv.ParseInt(ent[2:], 16, 32); err == nil {
					b.WriteRune(rune(n))
				}
			case strings.HasPrefix(ent, "#"):
				if n, err := strconv.ParseInt(ent[1:], 10, 32); err == nil {
					b.WriteRune(rune(n))
				}
			default:
				b.WriteString(s[i : i+j+1])
			}
			i += j + 1
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

// methodCall compiles x.value('.', 'type') on an xml value; the other
// xml methods are not supported.
func (c *compiler) methodCall(x *tsql.MethodCall, sc *rowScope) (*cexpr, error) {
	if !strings.EqualFold(x.Method, "value") || len(x.Args) != 2 {
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "xml method "+x.Method+"()"))
	}
	target, err := c.expr(x.X, sc)
	if err != nil {
		return nil, err
	}
	pathLit, ok1 := x.Args[0].(*tsql.Literal)
	typLit, ok2 := x.Args[1].(*tsql.Literal)
	if !ok1 || !ok2 || (pathLit.Kind != tsql.LitString && pathLit.Kind != tsql.LitNString) || (typLit.Kind != tsql.LitString && typLit.Kind != tsql.LitNString) {
		return nil, c.runtimeErr(sqlerr.New(8172, 16, 1, "The argument %d of the XML data type method \"value\" must be a string literal.", 1))
	}
	switch strings.ReplaceAll(pathLit.Text, " ", "") {
	case ".", "(.)[1]", "text()[1]", "(text())[1]", "(./text())[1]", "./text()[1]":
	default:
		return nil, c.runtimeErr(sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "XQuery '"+pathLit.Text+"'"))
	}
	pb, err := tsql.Parse("DECLARE @x " + typLit.Text)
	var to sqltype.Type
	if err == nil {
		if d, ok := firstStmt(pb).(*tsql.DeclareStmt); ok && len(d.Vars) == 1 && d.Vars[0].Typ != nil {
			to, err = c.dataType(d.Vars[0].Typ, true)
		}
	}
	if err != nil || to.Kind == sqltype.Unknown {
		return nil, c.runtimeErr(sqlerr.New(2715, 16, 3, "Column, parameter, or variable #%d: Cannot find data type %s.", 1, typLit.Text))
	}
	return &cexpr{typ: to, nullable: true, eval: func(f *frame, r rows.Row) (sqltype.Value, error) {
		v, err := target.eval(f, r)
		if err != nil || v.IsNull() {
			return sqltype.Null(to), err
		}
		s := xmlStringValue(printable(v))
		return castValue(sqltype.NewNVarChar(s), to, 0, false, f.dateFormat())
	}}, nil
}

func firstStmt(b *tsql.Batch) tsql.Stmt {
	if b == nil || len(b.Stmts) == 0 {
		return nil
	}
	return b.Stmts[0]
}

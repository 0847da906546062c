package builtin

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// FORMAT follows .NET Framework's formatting, which SQL Server hosts: the
// standard and custom numeric, date/time and time span format strings, for
// a handful of cultures. A format string .NET rejects gives NULL.

type culture struct {
	name                               string
	decimal, group, currency           string
	curPos, curNeg, pctPos, pctNeg     int // .NET pattern numbers
	shortDate, longDate                string
	shortTime, longTime                string
	monthDay, yearMonth                string
	dateSep, am, pm                    string
	months, abbrMonths, days, abbrDays []string
	dateOrder                          sqltype.DateFormat
}

var (
	enMonths   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	enAbbrMon  = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	enDays     = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	enAbbrDays = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

var cultures = map[string]*culture{
	"en-us": {name: "en-US", decimal: ".", group: ",", currency: "$", curPos: 0, curNeg: 0, pctPos: 0, pctNeg: 0,
		shortDate: "M/d/yyyy", longDate: "dddd, MMMM d, yyyy", shortTime: "h:mm tt", longTime: "h:mm:ss tt",
		monthDay: "MMMM d", yearMonth: "MMMM yyyy", dateSep: "/", am: "AM", pm: "PM",
		months: enMonths, abbrMonths: enAbbrMon, days: enDays, abbrDays: enAbbrDays, dateOrder: sqltype.DateMDY},
	"en-gb": {name: "en-GB", decimal: ".", group: ",", currency: "£", curPos: 0, curNeg: 1, pctPos: 1, pctNeg: 1,
		shortDate: "dd/MM/yyyy", longDate: "dd MMMM yyyy", shortTime: "HH:mm", longTime: "HH:mm:ss",
		monthDay: "dd MMMM", yearMonth: "MMMM yyyy", dateSep: "/", am: "AM", pm: "PM",
		months: enMonths, abbrMonths: enAbbrMon, days: enDays, abbrDays: enAbbrDays, dateOrder: sqltype.DateDMY},
	"de-de": {name: "de-DE", decimal: ",", group: ".", currency: "€", curPos: 3, curNeg: 8, pctPos: 0, pctNeg: 0,
		shortDate: "dd.MM.yyyy", longDate: "dddd, d. MMMM yyyy", shortTime: "HH:mm", longTime: "HH:mm:ss",
		monthDay: "d. MMMM", yearMonth: "MMMM yyyy", dateSep: ".", am: "", pm: "",
		months:     []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		abbrMonths: []string{"Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
		days:       []string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		abbrDays:   []string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}, dateOrder: sqltype.DateDMY},
	"fr-fr": {name: "fr-FR", decimal: ",", group: "\u00a0", currency: "€", curPos: 3, curNeg: 8, pctPos: 0, pctNeg: 0,
		shortDate: "dd/MM/yyyy", longDate: "dddd d MMMM yyyy", shortTime: "HH:mm", longTime: "HH:mm:ss",
		monthDay: "d MMMM", yearMonth: "MMMM yyyy", dateSep: "/", am: "", pm: "",
		months:     []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		abbrMonths: []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		days:       []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		abbrDays:   []string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}, dateOrder: sqltype.DateDMY},
	"": {name: "", decimal: ".", group: ",", currency: "¤", curPos: 0, curNeg: 0, pctPos: 0, pctNeg: 0,
		shortDate: "MM/dd/yyyy", longDate: "dddd, dd MMMM yyyy", shortTime: "HH:mm", longTime: "HH:mm:ss",
		monthDay: "MMMM dd", yearMonth: "yyyy MMMM", dateSep: "/", am: "AM", pm: "PM",
		months: enMonths, abbrMonths: enAbbrMon, days: enDays, abbrDays: enAbbrDays, dateOrder: sqltype.DateMDY},
}

var cultureAliases = map[string]string{"en": "en-us", "de": "de-de", "fr": "fr-fr", "invariant": ""}

func cultureByName(name string) (*culture, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := cultureAliases[n]; ok {
		n = a
	}
	c, ok := cultures[n]
	return c, ok
}

// cultureOfLanguage maps @@LANGUAGE to the culture FORMAT uses when no
// culture argument is given.
func cultureOfLanguage(lang string) string {
	switch strings.ToLower(lang) {
	case "british":
		return "en-GB"
	case "deutsch", "german":
		return "de-DE"
	case "français", "french":
		return "fr-FR"
	}
	return "en-US"
}

func badCulture(name string) error {
	return sqlerr.New(9818, 16, 1, "The culture parameter '%s' provided in the function call is not supported.", name)
}

func init() {
	register(&Func{Name: "FORMAT", MinArgs: 2, MaxArgs: 3,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			k := ts[0].Kind
			if !(k.IsNumeric() || k.IsDateTime() || k == sqltype.Unknown) || k == sqltype.Bit {
				return sqltype.Type{}, argTypeErr(ts[0], 1, "format")
			}
			return sqltype.NVarCharN(4000), nil
		},
		eval: func(c *call) (sqltype.Value, error) {
			cname := cultureOfLanguage(c.env.Language())
			if len(c.args) == 3 {
				s, ok, err := str(c.args[2])
				if err != nil || !ok {
					return sqltype.Null(c.typ), err
				}
				cname = s
			}
			cul, ok := cultureByName(cname)
			if !ok {
				return sqltype.Value{}, badCulture(cname)
			}
			f, ok, err := str(c.args[1])
			if err != nil || !ok || c.args[0].IsNull() {
				return sqltype.Null(c.typ), err
			}
			out, ok := Format(c.args[0], f, cul.name)
			if !ok {
				return sqltype.Null(c.typ), nil
			}
			return mkString(c.typ, out), nil
		}})
}

// Format is FORMAT(v, format, culture) without the SQL wrapping: ok is
// false where .NET throws a FormatException (FORMAT returns NULL then) or
// the culture is unknown.
func Format(v sqltype.Value, format, cultureName string) (string, bool) {
	cul, ok := cultureByName(cultureName)
	if !ok || v.IsNull() {
		return "", false
	}
	k := v.Kind()
	switch {
	case k == sqltype.Time:
		return formatTimeSpan(v.Time(), format)
	case k.IsDateTime():
		return formatDate(v, format, cul)
	case k.IsNumeric():
		return formatNumber(v, format, cul)
	}
	return "", false
}

// ---- numbers ----

// decNum is an exact decimal: digits of |value| with scale digits after
// the point.
type decNum struct {
	neg    bool
	u      *big.Int // magnitude, unscaled
	scale  int
	isInt  bool
	isReal bool
}

func toDecNum(v sqltype.Value) decNum {
	switch k := v.Kind(); {
	case k.IsInteger():
		n := v.Int64()
		return decNum{neg: n < 0, u: new(big.Int).Abs(big.NewInt(n)), isInt: true}
	case k == sqltype.Money || k == sqltype.SmallMoney:
		n := v.Int64()
		return decNum{neg: n < 0, u: new(big.Int).Abs(big.NewInt(n)), scale: 4}
	case k == sqltype.Decimal || k == sqltype.Numeric:
		u := v.Unscaled()
		return decNum{neg: u.Sign() < 0, u: new(big.Int).Abs(u), scale: int(v.Type().Scale)}
	}
	// float and real: .NET Framework formats through 15 (7 for real)
	// significant digits.
	prec := 15
	if v.Kind() == sqltype.Real {
		prec = 7
	}
	s := strconv.FormatFloat(v.Float64(), 'e', prec-1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	scale := len(digits) - 1 - e
	u, _ := new(big.Int).SetString(digits, 10)
	if scale < 0 {
		u.Mul(u, pow10(-scale))
		scale = 0
	}
	d := decNum{neg: neg, u: u, scale: scale, isReal: true}
	d.trim()
	return d
}

// trim drops trailing fraction zeros.
func (d *decNum) trim() {
	ten := big.NewInt(10)
	m := new(big.Int)
	for d.scale > 0 {
		q, r := new(big.Int).QuoRem(d.u, ten, m)
		if r.Sign() != 0 {
			break
		}
		d.u = q
		d.scale--
	}
}

// round returns the digits rounded half away from zero to n fraction
// digits: integer part and fraction part strings.
func (d decNum) round(n int) (string, string) {
	u := d.u
	if n < d.scale {
		div := pow10(d.scale - n)
		q, r := new(big.Int).QuoRem(u, div, new(big.Int))
		if new(big.Int).Lsh(r, 1).Cmp(div) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		u = q
	} else if n > d.scale {
		u = new(big.Int).Mul(u, pow10(n-d.scale))
	}
	s := u.String()
	if n == 0 {
		return s, ""
	}
	for len(s) <= n {
		s = "0" + s
	}
	return s[:len(s)-n], s[len(s)-n:]
}

func (d decNum) isZero() bool { return d.u.Sign() == 0 }

func (d decNum) times(pow int) decNum {
	d.u = new(big.Int).Mul(d.u, pow10(pow))
	return d
}

func groupDigits(s, sep string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	b.WriteString(s[:pre])
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func allZero(s string) bool { return strings.Trim(s, "0") == "" }

func formatNumber(v sqltype.Value, format string, cul *culture) (string, bool) {
	if k := v.Kind(); k == sqltype.Float || k == sqltype.Real {
		switch f := v.Float64(); {
		case math.IsNaN(f):
			return "NaN", true
		case math.IsInf(f, 1):
			return "Infinity", true
		case math.IsInf(f, -1):
			return "-Infinity", true
		}
	}
	d := toDecNum(v)
	if format == "" {
		format = "G"
	}
	if len(format) <= 3 && strings.ContainsRune("CcDdEeFfGgNnPpRrXx", rune(format[0])) {
		prec := -1
		if len(format) > 1 {
			n, err := strconv.Atoi(format[1:])
			if err != nil {
				return formatCustomNumber(d, format, cul)
			}
			prec = n
		}
		return formatStandardNumber(v, d, format[0], prec, cul)
	}
	return formatCustomNumber(d, format, cul)
}

func formatStandardNumber(v sqltype.Value, d decNum, spec byte, prec int, cul *culture) (string, bool) {
	sign := func(s string, zero bool) string {
		if d.neg && !zero {
			return "-" + s
		}
		return s
	}
	switch spec {
	case 'D', 'd':
		if !d.isInt {
			return "", false
		}
		s, _ := d.round(0)
		s = zeroPad(s, prec)
		return sign(s, d.isZero()), true
	case 'X', 'x':
		if !d.isInt {
			return "", false
		}
		n := v.Int64()
		u := uint64(n)
		switch v.Kind() {
		case sqltype.TinyInt:
			u = uint64(uint8(n))
		case sqltype.SmallInt:
			u = uint64(uint16(n))
		case sqltype.Int:
			u = uint64(uint32(n))
		}
		s := strconv.FormatUint(u, 16)
		if spec == 'X' {
			s = strings.ToUpper(s)
		}
		s = zeroPad(s, prec)
		return s, true
	case 'F', 'f', 'N', 'n':
		if prec < 0 {
			prec = 2
		}
		ip, fp := d.round(prec)
		if spec == 'N' || spec == 'n' {
			ip = groupDigits(ip, cul.group)
		}
		s := ip
		if fp != "" {
			s += cul.decimal + fp
		}
		return sign(s, allZero(ip+fp)), true
	case 'C', 'c':
		if prec < 0 {
			prec = 2
		}
		ip, fp := d.round(prec)
		n := groupDigits(ip, cul.group)
		if fp != "" {
			n += cul.decimal + fp
		}
		neg := d.neg && !allZero(ip+fp)
		return currencyPattern(n, neg, cul), true
	case 'P', 'p':
		if prec < 0 {
			prec = 2
		}
		ip, fp := d.times(2).round(prec)
		n := groupDigits(ip, cul.group)
		if fp != "" {
			n += cul.decimal + fp
		}
		neg := d.neg && !allZero(ip+fp)
		pat := cul.pctPos
		if neg {
			pat = cul.pctNeg
		}
		var s string
		switch pat {
		case 1:
			s = n + "%"
		case 2:
			s = "%" + n
		default:
			s = n + " %"
		}
		if neg {
			s = "-" + s
		}
		return s, true
	case 'E', 'e':
		if prec < 0 {
			prec = 6
		}
		return sign(expForm(d, prec, spec == 'E', 3, true, cul), d.isZero()), true
	case 'G', 'g', 'R', 'r':
		if d.isInt {
			s, _ := d.round(0)
			return sign(s, d.isZero()), true
		}
		if !d.isReal {
			dd := d
			dd.trim()
			if prec < 0 && spec != 'R' && spec != 'r' {
				dd = d // decimal G keeps its scale
			}
			ip, fp := dd.round(dd.scale)
			s := ip
			if fp != "" {
				s += cul.decimal + fp
			}
			return sign(s, dd.isZero()), true
		}
		f := v.Float64()
		digits := 15
		if v.Kind() == sqltype.Real {
			digits = 7
		}
		if prec > 0 {
			digits = prec
		}
		if spec == 'R' || spec == 'r' {
			digits = -1
		}
		s := strconv.FormatFloat(f, 'g', digits, 64)
		if strings.Contains(s, "e") {
			mant, exp, _ := strings.Cut(s, "e")
			e, _ := strconv.Atoi(exp)
			es := zeroPad(strconv.Itoa(abs(e)), 2)
			sg := "+"
			if e < 0 {
				sg = "-"
			}
			letter := "E"
			if spec == 'g' {
				letter = "e"
			}
			s = mant + letter + sg + es
		}
		return strings.Replace(s, ".", cul.decimal, 1), true
	}
	return "", false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func currencyPattern(n string, neg bool, cul *culture) string {
	c := cul.currency
	if !neg {
		switch cul.curPos {
		case 1:
			return n + c
		case 2:
			return c + " " + n
		case 3:
			return n + " " + c
		}
		return c + n
	}
	switch cul.curNeg {
	case 1:
		return "-" + c + n
	case 5:
		return "-" + n + c
	case 8:
		return "-" + n + " " + c
	case 9:
		return "-" + c + " " + n
	}
	return "(" + c + n + ")"
}

// expForm renders d in scientific notation with prec fraction digits.
func expForm(d decNum, prec int, upper bool, minExp int, plus bool, cul *culture) string {
	if d.isZero() {
		s := "0"
		if prec > 0 {
			s += cul.decimal + strings.Repeat("0", prec)
		}
		return s + map[bool]string{true: "E", false: "e"}[upper] + "+" + strings.Repeat("0", minExp)
	}
	digits := d.u.String()
	exp := len(digits) - 1 - d.scale
	// round to prec+1 significant digits
	dd := decNum{u: d.u, scale: len(digits) - 1}
	ip, fp := dd.round(prec)
	if len(ip) > 1 { // 9.99 -> 10.0
		exp++
		dd.u = new(big.Int).Quo(new(big.Int).Mul(d.u, big.NewInt(1)), big.NewInt(1))
		dd.scale = len(digits)
		ip, fp = dd.round(prec)
	}
	s := ip
	if fp != "" {
		s += cul.decimal + fp
	}
	es := zeroPad(strconv.Itoa(abs(exp)), minExp)
	sg := "+"
	if exp < 0 {
		sg = "-"
	} else if !plus {
		sg = ""
	}
	letter := "e"
	if upper {
		letter = "E"
	}
	return s + letter + sg + es
}

// formatCustomNumber handles custom numeric formats: 0 # . , % ‰ E0,
// literals in quotes, \ escapes, and ;-separated sections.
func formatCustomNumber(d decNum, format string, cul *culture) (string, bool) {
	sections := splitSections(format)
	sec := sections[0]
	useNegSection := false
	switch {
	case d.neg && len(sections) >= 2 && sections[1] != "":
		sec, useNegSection = sections[1], true
	case d.isZero() && len(sections) >= 3 && sections[2] != "":
		sec = sections[2]
	}
	type tok struct {
		kind byte // '0', '#', '.', ',', '%', 'E', 'L' literal
		text string
	}
	var toks []tok
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		switch c {
		case '0', '#', '.', ',', '%':
			toks = append(toks, tok{kind: c})
		case '\\':
			if i+1 < len(sec) {
				i++
				toks = append(toks, tok{kind: 'L', text: sec[i : i+1]})
			}
		case '\'', '"':
			j := strings.IndexByte(sec[i+1:], c)
			if j < 0 {
				toks = append(toks, tok{kind: 'L', text: sec[i+1:]})
				i = len(sec)
			} else {
				toks = append(toks, tok{kind: 'L', text: sec[i+1 : i+1+j]})
				i += j + 1
			}
		case 'E', 'e':
			j := i + 1
			if j < len(sec) && (sec[j] == '+' || sec[j] == '-') {
				j++
			}
			k := j
			for k < len(sec) && sec[k] == '0' {
				k++
			}
			if k > j {
				toks = append(toks, tok{kind: 'E', text: sec[i:k]})
				i = k - 1
			} else {
				toks = append(toks, tok{kind: 'L', text: sec[i : i+1]})
			}
		default:
			_, size := utf8.DecodeRuneInString(sec[i:])
			toks = append(toks, tok{kind: 'L', text: sec[i : i+size]})
			i += size - 1
		}
	}
	// Analyse placeholders.
	intPH, fracZeros, fracPH := 0, 0, 0
	firstZero := -1
	seenPoint := false
	grouping := false
	scaleDiv := 0
	percent := 0
	var exp *tok
	lastDigitTok := -1
	for i, t := range toks {
		switch t.kind {
		case '0', '#':
			lastDigitTok = i
			if seenPoint {
				fracPH++
				if t.kind == '0' {
					fracZeros = fracPH
				}
			} else {
				intPH++
				if t.kind == '0' && firstZero < 0 {
					firstZero = intPH
				}
			}
		case '.':
			seenPoint = true
		case '%':
			percent++
		case 'E':
			tt := t
			exp = &tt
		}
	}
	// Commas: between integer placeholders they group; right before the
	// point (or the end of the integer part) each divides by 1000.
	for i, t := range toks {
		if t.kind != ',' {
			continue
		}
		nextDigit := false
		for j := i + 1; j < len(toks); j++ {
			if toks[j].kind == '.' {
				break
			}
			if toks[j].kind == '0' || toks[j].kind == '#' {
				nextDigit = true
				break
			}
		}
		prevDigit := false
		for j := i - 1; j >= 0; j-- {
			if toks[j].kind == '0' || toks[j].kind == '#' {
				prevDigit = true
				break
			}
			if toks[j].kind == '.' {
				break
			}
		}
		if prevDigit && nextDigit {
			grouping = true
		} else if prevDigit {
			scaleDiv++
		}
	}
	if intPH == 0 && fracPH == 0 {
		// No placeholders: the section is all literal.
		var b strings.Builder
		if d.neg && !useNegSection && !d.isZero() {
			b.WriteString("-")
		}
		for _, t := range toks {
			switch t.kind {
			case 'L':
				b.WriteString(t.text)
			case '%':
				b.WriteString("%")
			case '.':
				b.WriteString(cul.decimal)
			}
		}
		return b.String(), true
	}
	v := d
	if percent > 0 {
		v = v.times(2 * percent)
	}
	if scaleDiv > 0 {
		v.scale += 3 * scaleDiv
	}
	var ip, fp string
	expStr := ""
	if exp != nil {
		// Scientific: intPH digits before the point.
		digits := v.u.String()
		e := len(digits) - v.scale - max(intPH, 1)
		if v.isZero() {
			e = 0
		}
		vv := decNum{u: v.u, scale: v.scale + e}
		ip, fp = vv.round(fracPH)
		if len(ip) > max(intPH, 1) {
			e++
			vv.scale++
			ip, fp = vv.round(fracPH)
		}
		spec := exp.text
		minDigits := len(strings.TrimLeft(spec[1:], "+-"))
		es := zeroPad(strconv.Itoa(abs(e)), minDigits)
		sg := ""
		if e < 0 {
			sg = "-"
		} else if strings.Contains(spec, "+") {
			sg = "+"
		}
		expStr = spec[:1] + sg + es
	} else {
		ip, fp = v.round(fracPH)
	}
	// Drop optional fraction digits (the # ones past the last 0).
	for len(fp) > fracZeros && strings.HasSuffix(fp, "0") {
		fp = fp[:len(fp)-1]
	}
	ip = strings.TrimLeft(ip, "0")
	minInt := 0
	if firstZero > 0 {
		minInt = intPH - firstZero + 1
	}
	ip = zeroPad(ip, minInt)
	isZero := allZero(ip + fp)
	// Emit, right-aligning integer digits on the placeholders.
	var b strings.Builder
	if d.neg && !useNegSection && !isZero {
		b.WriteString("-")
	}
	extra := len(ip) - intPH // digits that go with the first placeholder
	di := 0                  // next integer digit to emit
	phi := 0                 // integer placeholder index
	fi := 0                  // fraction placeholder index
	inFrac := false
	emitInt := func(k int) {
		for ; k > 0 && di < len(ip); k-- {
			b.WriteByte(ip[di])
			di++
			if grouping && len(ip)-di > 0 && (len(ip)-di)%3 == 0 {
				b.WriteString(cul.group)
			}
		}
	}
	for i, t := range toks {
		switch t.kind {
		case '0', '#':
			if inFrac {
				if fi < len(fp) {
					b.WriteByte(fp[fi])
				}
				fi++
				continue
			}
			phi++
			n := 0
			if phi == 1 && extra > 0 {
				n = extra
			}
			// This placeholder shows a digit when the digits reach it.
			if intPH-phi < len(ip) {
				n++
			}
			emitInt(n)
		case '.':
			inFrac = true
			if fp != "" {
				b.WriteString(cul.decimal)
			}
		case '%':
			b.WriteString("%")
		case 'E':
			b.WriteString(expStr)
		case 'L':
			b.WriteString(t.text)
		}
		_ = i
		if i == lastDigitTok && !inFrac {
			emitInt(len(ip)) // anything left (no placeholder after)
		}
	}
	return b.String(), true
}

func splitSections(f string) []string {
	var out []string
	start := 0
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '\\':
			i++
		case '\'', '"':
			if j := strings.IndexByte(f[i+1:], f[i]); j >= 0 {
				i += j + 1
			} else {
				i = len(f)
			}
		case ';':
			out = append(out, f[start:i])
			start = i + 1
		}
	}
	return append(out, f[start:])
}

// ---- dates ----

func formatDate(v sqltype.Value, format string, cul *culture) (string, bool) {
	t := v.Time()
	isOffset := v.Kind() == sqltype.DateTimeOffset
	if v.Kind() == sqltype.DateTime {
		t = sqltype.RoundDateTime(t)
	}
	if format == "" {
		format = "G"
	}
	if len(format) == 1 {
		switch format[0] {
		case 'd':
			format = cul.shortDate
		case 'D':
			format = cul.longDate
		case 'f':
			format = cul.longDate + " " + cul.shortTime
		case 'F':
			format = cul.longDate + " " + cul.longTime
		case 'g':
			format = cul.shortDate + " " + cul.shortTime
		case 'G':
			format = cul.shortDate + " " + cul.longTime
		case 'M', 'm':
			format = cul.monthDay
		case 'Y', 'y':
			format = cul.yearMonth
		case 't':
			format = cul.shortTime
		case 'T':
			format = cul.longTime
		case 's':
			format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss"
		case 'u':
			if isOffset {
				t = t.UTC()
			}
			format = "yyyy'-'MM'-'dd HH':'mm':'ss'Z'"
		case 'U':
			t = t.UTC()
			format = cul.longDate + " " + cul.longTime
		case 'O', 'o':
			if isOffset {
				format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffzzz"
			} else {
				format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff"
			}
		case 'R', 'r':
			if isOffset {
				t = t.UTC()
			}
			return t.Format("Mon, 02 Jan 2006 15:04:05") + " GMT", true
		default:
			return "", false
		}
		cul2 := cul
		if strings.ContainsRune("sSuOoRr", rune(format[0])) {
			cul2 = cultures[""]
		}
		return customDate(t, format, cul2, isOffset)
	}
	return customDate(t, format, cul, isOffset)
}

func customDate(t time.Time, f string, cul *culture, isOffset bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		n := repeatCount(f, i)
		switch c {
		case 'd':
			switch n {
			case 1, 2:
				b.WriteString(formatField(t.Day(), n))
			case 3:
				b.WriteString(cul.abbrDays[t.Weekday()])
			default:
				b.WriteString(cul.days[t.Weekday()])
			}
		case 'M':
			switch n {
			case 1, 2:
				b.WriteString(formatField(int(t.Month()), n))
			case 3:
				b.WriteString(cul.abbrMonths[t.Month()-1])
			default:
				b.WriteString(cul.months[t.Month()-1])
			}
		case 'y':
			y := t.Year()
			switch n {
			case 1, 2:
				b.WriteString(formatField(y%100, n))
			default:
				b.WriteString(zeroPad(strconv.Itoa(y), n))
			}
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(formatField(h, n))
		case 'H':
			b.WriteString(formatField(t.Hour(), n))
		case 'm':
			b.WriteString(formatField(t.Minute(), n))
		case 's':
			b.WriteString(formatField(t.Second(), n))
		case 'f', 'F':
			if n > 7 {
				return "", false
			}
			s := zeroPad(strconv.Itoa(t.Nanosecond()), 9)
			s = s[:n]
			if c == 'F' {
				s = strings.TrimRight(s, "0")
			}
			b.WriteString(s)
		case 't':
			ap := cul.am
			if t.Hour() >= 12 {
				ap = cul.pm
			}
			if n == 1 && ap != "" {
				ap = ap[:1]
			}
			b.WriteString(ap)
		case 'z':
			_, off := t.Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			switch n {
			case 1:
				b.WriteString(sign + strconv.Itoa(off/3600))
			case 2:
				b.WriteString(sign + pad2(off/3600))
			default:
				b.WriteString(sign + pad2(off/3600) + ":" + pad2(off/60%60))
			}
		case 'K':
			if isOffset {
				_, off := t.Zone()
				sign := "+"
				if off < 0 {
					sign, off = "-", -off
				}
				b.WriteString(sign + pad2(off/3600) + ":" + pad2(off/60%60))
			}
		case 'g':
			b.WriteString("A.D.")
		case ':':
			b.WriteString(strings.Repeat(":", n))
		case '/':
			b.WriteString(strings.Repeat(cul.dateSep, n))
		case '\'', '"', '\\':
			lit, next, ok := formatLiteral(f, i)
			if !ok {
				return "", false
			}
			b.WriteString(lit)
			i = next
			continue
		case '%':
			if n == 1 && i+1 < len(f) && f[i+1] != '%' {
				i++
				continue
			}
			return "", false
		default:
			b.WriteString(f[i : i+n])
		}
		i += n
	}
	return b.String(), true
}

// repeatCount is how many times the custom-format letter at f[i] repeats
// from there ("hh" is 2).
func repeatCount(f string, i int) int {
	n := 1
	for i+n < len(f) && f[i+n] == f[i] {
		n++
	}
	return n
}

// formatField writes a date or time field of a custom format: unpadded for
// a single letter ("h"), two digits for more ("hh").
func formatField(v, n int) string {
	if n == 1 {
		return strconv.Itoa(v)
	}
	return pad2(v)
}

// formatLiteral reads the literal at f[i] in a .NET custom format: text
// quoted with ' or " up to the closing quote, or the byte after a \.
// next is where the format goes on; ok is false when the literal is not
// closed.
func formatLiteral(f string, i int) (lit string, next int, ok bool) {
	c := f[i]
	if c == '\\' {
		if i+1 >= len(f) {
			return "", 0, false
		}
		return f[i+1 : i+2], i + 2, true
	}
	j := strings.IndexByte(f[i+1:], c)
	if j < 0 {
		return "", 0, false
	}
	return f[i+1 : i+1+j], i + j + 2, true
}

// zeroPad left-pads s with zeros to n characters.
func zeroPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// formatTimeSpan formats a time value the way .NET formats a TimeSpan:
// standard c/g/G, or custom d h hh m mm s ss f..fffffff with every literal
// quoted or escaped (an unescaped ':' is a FormatException, hence NULL).
func formatTimeSpan(t time.Time, f string) (string, bool) {
	h, m, s, ns := t.Hour(), t.Minute(), t.Second(), t.Nanosecond()
	frac := zeroPad(strconv.Itoa(ns/100), 7)
	switch f {
	case "", "c", "t", "T":
		out := pad2(h) + ":" + pad2(m) + ":" + pad2(s)
		if ns != 0 {
			out += "." + frac
		}
		return out, true
	case "g":
		out := strconv.Itoa(h) + ":" + pad2(m) + ":" + pad2(s)
		if ns != 0 {
			out += "." + strings.TrimRight(frac, "0")
		}
		return out, true
	case "G":
		return "0:" + pad2(h) + ":" + pad2(m) + ":" + pad2(s) + "." + frac, true
	}
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		n := repeatCount(f, i)
		switch c {
		case 'd':
			b.WriteString(strings.Repeat("0", max(n-1, 0)) + "0")
		case 'h', 'm', 's':
			if n > 2 {
				return "", false
			}
			v := map[byte]int{'h': h, 'm': m, 's': s}[c]
			b.WriteString(formatField(v, n))
		case 'f', 'F':
			if n > 7 {
				return "", false
			}
			x := frac[:n]
			if c == 'F' {
				x = strings.TrimRight(x, "0")
			}
			b.WriteString(x)
		case '\'', '"', '\\':
			lit, next, ok := formatLiteral(f, i)
			if !ok {
				return "", false
			}
			b.WriteString(lit)
			i = next
			continue
		default:
			return "", false
		}
		i += n
	}
	return b.String(), true
}

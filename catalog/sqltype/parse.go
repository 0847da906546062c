package sqltype

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// The parsers in this file read strings the way CAST/CONVERT does. They
// report a parse status rather than an error so that the caller can pick
// the message SQL Server uses for its target type.

type parseStatus uint8

const (
	parseOK parseStatus = iota
	parseSyntax
	parseOverflow
)

// trimSpaces drops leading and trailing blanks (only ' ': SQL Server does
// not treat tabs or line breaks as blanks in numeric strings).
func trimSpaces(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] == ' ' {
		i++
	}
	for j > i && s[j-1] == ' ' {
		j--
	}
	return s[i:j]
}

// parseIntString parses an integer string; ”, '+' and '-' are 0, as in SQL
// Server.
func parseIntString(s string) (int64, parseStatus) {
	s = trimSpaces(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n uint64
	overflow := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, parseSyntax
		}
		if n > (math.MaxUint64-9)/10 {
			overflow = true
			continue
		}
		n = n*10 + uint64(c-'0')
	}
	if overflow || (!neg && n > math.MaxInt64) || (neg && n > 1<<63) {
		return 0, parseOverflow
	}
	if neg {
		return -int64(n), parseOK
	}
	return int64(n), parseOK
}

// parseDecimalString parses [sign]digits[.digits] and returns the unscaled
// integer and its scale. It also accepts an exponent when allowExp is set
// (for money-like inputs it is not).
func parseDecimalString(s string) (*big.Int, int, parseStatus) {
	s = trimSpaces(s)
	if s == "" {
		return nil, 0, parseSyntax
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	digits := make([]byte, 0, len(s))
	scale := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			if scale >= 0 {
				scale++
			}
		case c == '.' && scale < 0:
			scale = 0
		default:
			return nil, 0, parseSyntax
		}
	}
	if len(digits) == 0 {
		return nil, 0, parseSyntax
	}
	if scale < 0 {
		scale = 0
	}
	d, ok := new(big.Int).SetString(string(digits), 10)
	if !ok {
		return nil, 0, parseSyntax
	}
	if neg {
		d.Neg(d)
	}
	return d, scale, parseOK
}

// parseFloatString parses a float string: [sign]digits[.digits][e[sign]digits].
// An empty or blank string is 0.
func parseFloatString(s string) (float64, parseStatus) {
	s = strings.Trim(s, " \t\r\n")
	if s == "" {
		return 0, parseOK
	}
	i := 0
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	nd := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		nd++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			nd++
		}
	}
	if nd == 0 {
		return 0, parseSyntax
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ne := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			ne++
		}
		if ne == 0 {
			return 0, parseSyntax
		}
	}
	if i != len(s) {
		return 0, parseSyntax
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, parseOverflow
	}
	return f, parseOK
}

var currencySymbols = "$£¥€¢¤"

// parseMoneyString parses a money string: an optional sign and currency
// symbol, digits with thousands separators anywhere, and a fraction that is
// rounded to 4 places. Blank is 0.
func parseMoneyString(s string) (int64, parseStatus) {
	s = trimSpaces(s)
	neg := false
	sawSign, sawSym := false, false
	for s != "" {
		switch {
		case (s[0] == '+' || s[0] == '-') && !sawSign:
			neg = s[0] == '-'
			sawSign = true
			s = trimSpaces(s[1:])
			continue
		case !sawSym:
			matched := false
			for _, sym := range currencySymbols {
				if strings.HasPrefix(s, string(sym)) {
					s = trimSpaces(s[len(string(sym)):])
					sawSym, matched = true, true
					break
				}
			}
			if matched {
				continue
			}
		}
		break
	}
	var whole, frac big.Int
	fracDigits := 0
	inFrac := false
	anyDigit := false
	var roundUp bool
	ten := big.NewInt(10)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			anyDigit = true
			if inFrac {
				if fracDigits < 4 {
					frac.Mul(&frac, ten).Add(&frac, big.NewInt(int64(c-'0')))
					fracDigits++
				} else if fracDigits == 4 {
					roundUp = c >= '5'
					fracDigits++
				}
			} else {
				whole.Mul(&whole, ten).Add(&whole, big.NewInt(int64(c-'0')))
			}
		case c == ',' && !inFrac:
		case c == '.' && !inFrac:
			inFrac = true
		default:
			return 0, parseSyntax
		}
	}
	if !anyDigit && s != "" && s != "." {
		return 0, parseSyntax
	}
	for fracDigits < 4 {
		frac.Mul(&frac, ten)
		fracDigits++
	}
	units := new(big.Int).Mul(&whole, big.NewInt(10000))
	units.Add(units, &frac)
	if roundUp {
		units.Add(units, big.NewInt(1))
	}
	if neg {
		units.Neg(units)
	}
	if !units.IsInt64() {
		return 0, parseOverflow
	}
	return units.Int64(), parseOK
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseGUIDString reads xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, optionally in
// braces. Characters after the GUID are ignored, as SQL Server truncates
// the string to the 36 (or 38) characters it needs.
func parseGUIDString(s string) ([]byte, bool) {
	brace := strings.HasPrefix(s, "{")
	if brace {
		s = s[1:]
	}
	if len(s) < 36 {
		return nil, false
	}
	if brace && (len(s) < 37 || s[36] != '}') {
		return nil, false
	}
	out := make([]byte, 16)
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return nil, false
			}
			i++
			continue
		}
		hi, ok1 := hexVal(s[i])
		lo, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out[j] = hi<<4 | lo
		j++
		i += 2
	}
	return out, true
}

// parseHex reads hex digits (an odd count gets a leading zero nibble).
func parseHex(s string) ([]byte, bool) {
	if len(s)%2 == 1 {
		s = "0" + s
	}
	out := make([]byte, len(s)/2)
	for i := 0; i < len(out); i++ {
		hi, ok1 := hexVal(s[2*i])
		lo, ok2 := hexVal(s[2*i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out[i] = hi<<4 | lo
	}
	return out, true
}

// DateFormat is the session's SET DATEFORMAT: the order in which numeric
// date strings give day, month and year.
type DateFormat uint8

const (
	DateMDY DateFormat = iota // the us_english default
	DateDMY
	DateYMD
	DateYDM
	DateMYD
	DateDYM
)

var dateFormatNames = [...]string{"mdy", "dmy", "ymd", "ydm", "myd", "dym"}

func (f DateFormat) String() string {
	if int(f) < len(dateFormatNames) {
		return dateFormatNames[f]
	}
	return "mdy"
}

// ParseDateFormat reads a SET DATEFORMAT argument (case-insensitive).
func ParseDateFormat(s string) (DateFormat, bool) {
	for i, n := range dateFormatNames {
		if strings.EqualFold(n, s) {
			return DateFormat(i), true
		}
	}
	return DateMDY, false
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

func monthByName(w string) int {
	w = strings.ToLower(w)
	for i, n := range monthNames {
		if w == n || (len(w) == 3 && n[:3] == w) {
			return i + 1
		}
	}
	return 0
}

type dtToken struct {
	kind byte // 'n' number, 'w' word, or the separator character itself
	text string
}

func tokenizeDate(s string) ([]dtToken, bool) {
	var toks []dtToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, dtToken{'n', s[i:j]})
			i = j
		case (c|0x20) >= 'a' && (c|0x20) <= 'z':
			j := i
			for j < len(s) && (s[j]|0x20) >= 'a' && (s[j]|0x20) <= 'z' {
				j++
			}
			toks = append(toks, dtToken{'w', s[i:j]})
			i = j
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
				i++
			}
			toks = append(toks, dtToken{' ', " "})
		case strings.IndexByte("/-.:,+", c) >= 0:
			toks = append(toks, dtToken{c, s[i : i+1]})
			i++
		default:
			return nil, false
		}
	}
	return toks, true
}

// parsedDateTime is the result of reading a date/time string.
type parsedDateTime struct {
	y, m, d       int
	hasDate       bool
	h, mi, sec    int
	nanos         int
	fracDigits    int
	hasTime       bool
	offsetMinutes int
	hasOffset     bool
	zulu          bool
	badDay        bool // a well-formed date that does not exist (Feb 30)
}

func twoDigitYear(n int, digits int) int {
	if digits <= 2 {
		if n <= 49 {
			return 2000 + n
		}
		return 1900 + n
	}
	return n
}

// parseDateTimeString reads the formats SQL Server accepts for the date and
// time types. legacy selects datetime/smalldatetime rules (yyyy-mm-dd follows
// DATEFORMAT, at most 3 fraction digits, no zone offset but Z).
func parseDateTimeString(s string, df DateFormat, legacy bool) (parsedDateTime, bool) {
	var p parsedDateTime
	s = strings.Trim(s, " \t\r\n")
	if s == "" {
		p.y, p.m, p.d = 1900, 1, 1
		return p, true
	}
	toks, ok := tokenizeDate(s)
	if !ok {
		return p, false
	}
	// ISO 8601 with a T between date and time.
	for i, t := range toks {
		if t.kind == 'w' && strings.HasPrefix(strings.ToUpper(t.text), "T") && i > 0 && toks[i-1].kind == 'n' {
			return parseISO8601(s, legacy)
		}
	}
	var dateToks []dtToken
	i := 0
	timeEnd := -1
	for i < len(toks) {
		t := toks[i]
		// A time starts at a number followed by ':' or by AM/PM.
		if t.kind == 'n' && !p.hasTime && startsTime(toks, i) {
			n, ok := parseTimeToks(toks, &i, &p, legacy)
			if !ok || n == 0 {
				return p, false
			}
			timeEnd = i
			continue
		}
		afterTime := p.hasTime && (i == timeEnd || (i == timeEnd+1 && toks[timeEnd].kind == ' '))
		if (t.kind == '+' || t.kind == '-') && afterTime && !p.hasOffset {
			if parseOffsetToks(toks, &i, &p) {
				timeEnd = i
				continue
			}
		}
		if t.kind == 'w' && strings.EqualFold(t.text, "Z") && afterTime {
			p.zulu = true
			i++
			timeEnd = i
			continue
		}
		dateToks = append(dateToks, t)
		i++
	}
	if p.hasOffset && legacy {
		return p, false
	}
	// Drop blanks at the ends of the date part.
	for len(dateToks) > 0 && dateToks[0].kind == ' ' {
		dateToks = dateToks[1:]
	}
	for len(dateToks) > 0 && dateToks[len(dateToks)-1].kind == ' ' {
		dateToks = dateToks[:len(dateToks)-1]
	}
	if len(dateToks) == 0 {
		if !p.hasTime {
			return p, false
		}
		p.y, p.m, p.d = 1900, 1, 1
		return p, true
	}
	if !parseDateToks(dateToks, &p, df, legacy) {
		return p, false
	}
	p.hasDate = true
	return p, true
}

func startsTime(toks []dtToken, i int) bool {
	if i+1 < len(toks) && toks[i+1].kind == ':' {
		return true
	}
	j := i + 1
	if j < len(toks) && toks[j].kind == ' ' {
		j++
	}
	if j < len(toks) && toks[j].kind == 'w' {
		w := strings.ToUpper(toks[j].text)
		return w == "AM" || w == "PM"
	}
	return false
}

func atoiTok(t dtToken) int {
	if len(t.text) > 9 {
		return math.MaxInt32
	}
	n, _ := strconv.Atoi(t.text)
	return n
}

// parseTimeToks reads hh[:mi[:ss[.fffffff|:mmm]]][ ][AM|PM] starting at *i.
func parseTimeToks(toks []dtToken, i *int, p *parsedDateTime, legacy bool) (int, bool) {
	start := *i
	parts := []int{atoiTok(toks[*i])}
	*i++
	for len(parts) < 3 && *i+1 < len(toks) && toks[*i].kind == ':' && toks[*i+1].kind == 'n' {
		parts = append(parts, atoiTok(toks[*i+1]))
		*i += 2
	}
	if *i < len(toks) && toks[*i].kind == ':' && len(parts) < 3 {
		return 0, false // "10:" with nothing after
	}
	// Fraction: ".digits" (a decimal fraction) or ":digits" (milliseconds).
	if len(parts) >= 2 && *i+1 < len(toks) && (toks[*i].kind == '.' || toks[*i].kind == ':') && toks[*i+1].kind == 'n' {
		digits := toks[*i+1].text
		if toks[*i].kind == ':' {
			if len(parts) < 3 {
				return 0, false
			}
			ms := atoiTok(toks[*i+1])
			if ms > 999 {
				return 0, false
			}
			p.nanos = ms * 1e6
			p.fracDigits = 3
		} else {
			max := 7
			if legacy {
				max = 3
			}
			if len(digits) > max {
				return 0, false
			}
			f := digits
			for len(f) < 9 {
				f += "0"
			}
			p.nanos, _ = strconv.Atoi(f)
			p.fracDigits = len(digits)
		}
		*i += 2
	} else if len(parts) >= 2 && *i < len(toks) && toks[*i].kind == '.' && (*i+1 >= len(toks) || toks[*i+1].kind != 'n') {
		*i++ // "10:00:00." is accepted
	}
	// AM / PM.
	j := *i
	if j < len(toks) && toks[j].kind == ' ' {
		j++
	}
	ampm := ""
	if j < len(toks) && toks[j].kind == 'w' {
		w := strings.ToUpper(toks[j].text)
		if w == "AM" || w == "PM" {
			ampm = w
			*i = j + 1
		}
	}
	for len(parts) < 3 {
		parts = append(parts, 0)
	}
	h, mi, sec := parts[0], parts[1], parts[2]
	if ampm != "" {
		if h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
		if ampm == "PM" {
			h += 12
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	p.h, p.mi, p.sec = h, mi, sec
	p.hasTime = true
	return *i - start, true
}

func parseOffsetToks(toks []dtToken, i *int, p *parsedDateTime) bool {
	j := *i
	sign := 1
	if toks[j].kind == '-' {
		sign = -1
	}
	j++
	if j >= len(toks) || toks[j].kind != 'n' {
		return false
	}
	hh := atoiTok(toks[j])
	mm := 0
	j++
	if j+1 < len(toks) && toks[j].kind == ':' && toks[j+1].kind == 'n' {
		mm = atoiTok(toks[j+1])
		j += 2
	}
	if hh > 14 || mm > 59 || (hh == 14 && mm > 0) {
		return false
	}
	p.offsetMinutes = sign * (hh*60 + mm)
	p.hasOffset = true
	*i = j
	return true
}

// parseDateToks reads the date part: numeric with separators, unseparated
// digits, or with a month name.
func parseDateToks(toks []dtToken, p *parsedDateTime, df DateFormat, legacy bool) bool {
	var nums []dtToken
	month := 0
	var seps []byte
	monthPos := -1
	for _, t := range toks {
		switch t.kind {
		case 'n':
			nums = append(nums, t)
		case 'w':
			if month != 0 {
				return false
			}
			month = monthByName(t.text)
			if month == 0 {
				return false
			}
			monthPos = len(nums)
		case ',', ' ':
			if month == 0 && t.kind == ',' {
				return false
			}
		default:
			seps = append(seps, t.kind)
		}
	}
	if month != 0 {
		return alphaDate(nums, month, monthPos, p)
	}
	switch len(nums) {
	case 1:
		n := nums[0].text
		if len(seps) != 0 {
			return false
		}
		switch len(n) {
		case 8:
			p.y, _ = strconv.Atoi(n[:4])
			p.m, _ = strconv.Atoi(n[4:6])
			p.d, _ = strconv.Atoi(n[6:])
		case 6:
			yy, _ := strconv.Atoi(n[:2])
			p.y = twoDigitYear(yy, 2)
			p.m, _ = strconv.Atoi(n[2:4])
			p.d, _ = strconv.Atoi(n[4:])
		case 4:
			p.y, _ = strconv.Atoi(n)
			p.m, p.d = 1, 1
		default:
			return false
		}
		return checkDay(p)
	case 3:
		if len(seps) != 2 || seps[0] != seps[1] {
			return false
		}
		// There must be nothing but separators between the numbers.
		for _, t := range toks {
			if t.kind == ' ' {
				return false
			}
		}
		a, b, c := nums[0], nums[1], nums[2]
		if len(a.text) == 4 {
			// yyyy-mm-dd; datetime reads it as ydm under dmy-like formats.
			p.y = atoiTok(a)
			if legacy && (df == DateDMY || df == DateYDM || df == DateDYM) && seps[0] != '.' {
				p.d, p.m = atoiTok(b), atoiTok(c)
			} else {
				p.m, p.d = atoiTok(b), atoiTok(c)
			}
			if len(b.text) > 2 || len(c.text) > 2 {
				return false
			}
			return checkDay(p)
		}
		var yt dtToken
		switch df {
		case DateMDY:
			p.m, p.d, yt = atoiTok(a), atoiTok(b), c
		case DateDMY:
			p.d, p.m, yt = atoiTok(a), atoiTok(b), c
		case DateYMD:
			yt, p.m, p.d = a, atoiTok(b), atoiTok(c)
		case DateYDM:
			yt, p.d, p.m = a, atoiTok(b), atoiTok(c)
		case DateMYD:
			p.m, yt, p.d = atoiTok(a), b, atoiTok(c)
		case DateDYM:
			p.d, yt, p.m = atoiTok(a), b, atoiTok(c)
		}
		if len(yt.text) != 2 && len(yt.text) != 4 {
			return false
		}
		p.y = twoDigitYear(atoiTok(yt), len(yt.text))
		return checkDay(p)
	}
	return false
}

func alphaDate(nums []dtToken, month, monthPos int, p *parsedDateTime) bool {
	p.m = month
	switch len(nums) {
	case 1:
		if len(nums[0].text) != 4 {
			return false
		}
		p.y, p.d = atoiTok(nums[0]), 1
	case 2:
		a, b := nums[0], nums[1]
		switch {
		case len(a.text) == 4:
			p.y, p.d = atoiTok(a), atoiTok(b)
		case len(b.text) == 4:
			p.d, p.y = atoiTok(a), atoiTok(b)
		default:
			// Two short numbers: the one next to the month is the day.
			if monthPos == 0 || monthPos == 1 {
				p.d, p.y = atoiTok(a), twoDigitYear(atoiTok(b), len(b.text))
			} else {
				p.y, p.d = twoDigitYear(atoiTok(a), len(a.text)), atoiTok(b)
			}
		}
		if len(a.text) > 4 || len(b.text) > 4 {
			return false
		}
	default:
		return false
	}
	return checkDay(p)
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// checkDay validates month and day; a day past the month's end is marked
// badDay (datetime reports it as out of range, the newer types as a
// conversion failure).
func checkDay(p *parsedDateTime) bool {
	if p.y < 1 || p.y > 9999 || p.m < 1 || p.m > 12 || p.d < 1 || p.d > 31 {
		return false
	}
	if p.d > daysIn(p.y, p.m) {
		p.badDay = true
	}
	return true
}

// parseISO8601 reads yyyy-mm-ddThh:mi[:ss[.fffffff]][Z|±hh:mm].
func parseISO8601(s string, legacy bool) (parsedDateTime, bool) {
	var p parsedDateTime
	ti := strings.IndexAny(s, "Tt")
	date, tm := s[:ti], s[ti+1:]
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return p, false
	}
	y, e1 := strconv.Atoi(date[:4])
	m, e2 := strconv.Atoi(date[5:7])
	d, e3 := strconv.Atoi(date[8:])
	if e1 != nil || e2 != nil || e3 != nil {
		return p, false
	}
	p.y, p.m, p.d = y, m, d
	if !checkDay(&p) {
		return p, false
	}
	p.hasDate = true
	if strings.HasSuffix(tm, "Z") || strings.HasSuffix(tm, "z") {
		p.zulu = true
		tm = tm[:len(tm)-1]
	} else if k := strings.LastIndexAny(tm, "+-"); k >= 0 {
		toks, ok := tokenizeDate(tm[k:])
		if !ok {
			return p, false
		}
		j := 0
		if !parseOffsetToks(toks, &j, &p) || j != len(toks) {
			return p, false
		}
		if legacy {
			return p, false
		}
		tm = tm[:k]
	}
	if len(tm) < 5 || tm[2] != ':' {
		return p, false
	}
	for _, c := range []byte(tm) {
		if !(c >= '0' && c <= '9' || c == ':' || c == '.') {
			return p, false
		}
	}
	toks, ok := tokenizeDate(tm)
	if !ok || len(toks) == 0 || toks[0].kind != 'n' {
		return p, false
	}
	i := 0
	if _, ok := parseTimeToks(toks, &i, &p, legacy); !ok || i != len(toks) {
		return p, false
	}
	return p, true
}

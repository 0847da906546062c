package sqltype

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Format renders v the way CAST(v AS nvarchar(max)) does: the default
// string form SQL Server uses for each type. NULL renders as "".
func Format(v Value) string {
	if v.IsNull() {
		return ""
	}
	s, err := formatStyle(v, 0, true)
	if err != nil {
		return ""
	}
	return s
}

// formatDefault renders v with style 0 for a target character type.
func formatDefault(v Value, to Type) (string, error) {
	return formatStyle(v, 0, to.Kind.IsUnicode())
}

// formatStyle renders a non-NULL value as CONVERT(<string type>, v, style).
func formatStyle(v Value, style int, unicode bool) (string, error) {
	k := v.typ.Kind
	switch {
	case k == Bit:
		if v.n != 0 {
			return "1", nil
		}
		return "0", nil
	case k.IsInteger():
		return strconv.FormatInt(v.n, 10), nil
	case k == Decimal || k == Numeric:
		return formatDecimal(v.Unscaled(), int(v.typ.Scale)), nil
	case k == Money || k == SmallMoney:
		switch style {
		case 0, 1, 2, 126:
		default:
			return "", invalidStyle(style, k)
		}
		return formatMoney(v.n, style), nil
	case k == Float || k == Real:
		switch style {
		case 0, 1, 2, 3, 126, 128, 129:
		default:
			return "", invalidStyle(style, k)
		}
		return formatFloat(v.f, style, k == Real), nil
	case k.IsString() || k == XML:
		return v.s, nil
	case k == UniqueIdentifier:
		return formatGUID(v.b), nil
	case k.IsBinary():
		switch style {
		case 0:
			if unicode {
				return decodeUTF16(v.b), nil
			}
			return decodeCP1252(v.b), nil
		case 1:
			return "0x" + hexUpper(v.b), nil
		case 2:
			return hexUpper(v.b), nil
		}
		return "", invalidStyle(style, k)
	case k.IsDateTime():
		return formatDateTimeStyle(v, style)
	}
	return "", ExplicitNotAllowed(v.typ, NVarCharN(Max))
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i] = digits[c>>4]
		out[2*i+1] = digits[c&15]
	}
	return string(out)
}

// formatDecimal renders an unscaled integer with scale digits after the
// point, always with a leading zero: 0.50, -1.25, 12.
func formatDecimal(d *big.Int, scale int) string {
	neg := d.Sign() < 0
	digits := new(big.Int).Abs(d).String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// formatMoney renders money units (1/10000) under CONVERT styles 0, 1, 2.
// Style 0 rounds to 2 decimals, 1 adds thousands separators, 2 keeps 4.
func formatMoney(units int64, style int) string {
	neg := units < 0
	u := uint64(units)
	if neg {
		u = uint64(-units)
	}
	var whole, frac uint64
	var fracDigits int
	switch style {
	case 2, 126:
		whole, frac, fracDigits = u/10000, u%10000, 4
	default:
		r := (u + 50) / 100 // round half away from zero to cents
		whole, frac, fracDigits = r/100, r%100, 2
	}
	ws := strconv.FormatUint(whole, 10)
	if style == 1 {
		ws = groupThousands(ws, ",")
	}
	fs := strconv.FormatUint(frac, 10)
	for len(fs) < fracDigits {
		fs = "0" + fs
	}
	s := ws + "." + fs
	if neg {
		return "-" + s
	}
	return s
}

func groupThousands(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// formatFloat renders float/real under CONVERT styles: 0 is C's %g with 6
// significant digits and a three-digit exponent (1e+006), 1 is 8 digits in
// scientific notation, 2 is 16 digits in scientific notation, and 3 (and
// 126/128/129) is a lossless 17-digit form.
func formatFloat(f float64, style int, real bool) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	bits := 64
	if real {
		bits = 32
	}
	switch style {
	case 1:
		return widenExponent(strconv.FormatFloat(f, 'e', 7, bits))
	case 2:
		return widenExponent(strconv.FormatFloat(f, 'e', 15, bits))
	case 3, 126, 128, 129:
		if real {
			return widenExponent(strconv.FormatFloat(f, 'e', 8, 32))
		}
		return widenExponent(strconv.FormatFloat(f, 'e', 16, 64))
	}
	s := strconv.FormatFloat(f, 'g', 6, bits)
	if s == "-0" {
		s = "-0"
	}
	return widenExponent(s)
}

// widenExponent turns Go's e+06 into the Microsoft C runtime's e+006.
func widenExponent(s string) string {
	i := strings.IndexByte(s, 'e')
	if i < 0 {
		return s
	}
	mant, exp := s[:i+2], s[i+2:] // keep "e+" / "e-"
	for len(exp) < 3 {
		exp = "0" + exp
	}
	return mant + exp
}

// formatGUID renders the 16 bytes (printed order) in upper case.
func formatGUID(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	h := hexUpper(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// datetimeTicks returns the 1/300-second tick count within the day that a
// datetime wall clock stands for.
func datetimeTicks(t time.Time) int64 {
	ns := int64(t.Hour())*3600e9 + int64(t.Minute())*60e9 + int64(t.Second())*1e9 + int64(t.Nanosecond())
	return (ns*3 + 5e6) / 1e7
}

// fracDigits returns the fraction of t's second with n digits (n <= 9),
// truncated (the value is already rounded to its type's scale).
func fracDigits(t time.Time, n int) string {
	if n <= 0 {
		return ""
	}
	ns := t.Nanosecond()
	s := strconv.Itoa(ns)
	for len(s) < 9 {
		s = "0" + s
	}
	return s[:n]
}

// timeParts is what the style formatter needs from any date/time value.
type timeParts struct {
	t        time.Time
	frac     string // the fractional second, without the point
	fracMs   string // three-digit milliseconds for the :mmm styles
	hasDate  bool
	hasTime  bool
	offset   bool // datetimeoffset: print the zone
	kind     Kind
	isLegacy bool // datetime/smalldatetime
}

func partsOf(v Value) timeParts {
	p := timeParts{t: v.t, kind: v.typ.Kind, hasDate: v.typ.Kind != Time, hasTime: v.typ.Kind != Date}
	switch v.typ.Kind {
	case DateTime, SmallDateTime:
		p.isLegacy = true
		ticks := datetimeTicks(v.t)
		ms := (ticks%300*10 + 1) / 3
		p.fracMs = pad3(int(ms))
		p.frac = p.fracMs
	case Date:
		p.fracMs = "000"
	default:
		p.frac = fracDigits(v.t, int(v.typ.Scale))
		p.fracMs = fracDigits(v.t, 3)
		p.offset = v.typ.Kind == DateTimeOffset
	}
	return p
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func pad3(n int) string {
	switch {
	case n < 10:
		return "00" + strconv.Itoa(n)
	case n < 100:
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func spacePad2(n int) string {
	if n < 10 {
		return " " + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func ampm(t time.Time) (int, string) {
	h := t.Hour()
	suf := "AM"
	if h >= 12 {
		suf = "PM"
	}
	h %= 12
	if h == 0 {
		h = 12
	}
	return h, suf
}

func zoneString(t time.Time) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	return sign + pad2(off/3600) + ":" + pad2(off/60%60)
}

// formatDateTimeStyle renders a date/time value under a CONVERT style.
func formatDateTimeStyle(v Value, style int) (string, error) {
	p := partsOf(v)
	t := p.t
	y, mo, d := t.Date()
	m := int(mo)
	if !p.hasDate {
		y, m, d = 1900, 1, 1
	}
	yy := pad2(y % 100)
	yyyy := pad4(y)
	fracDot := ""
	if p.frac != "" {
		fracDot = "." + p.frac
	}
	hms := pad2(t.Hour()) + ":" + pad2(t.Minute()) + ":" + pad2(t.Second())
	mon := shortMonths[m-1]
	century := style >= 100
	base := style
	if century {
		base = style - 100
	}
	pick := func(short, long string) string {
		if century {
			return long
		}
		return short
	}
	timeMsStyle := func() string { // hh:mi:ss:mmm or hh:mi:ss.fffffff
		if p.isLegacy || p.kind == Date {
			return hms + ":" + p.fracMs
		}
		return hms + fracDot
	}
	switch style {
	case 0:
		switch p.kind {
		case DateTime, SmallDateTime:
			h, suf := ampm(t)
			return mon + " " + spacePad2(d) + " " + yyyy + " " + spacePad2(h) + ":" + pad2(t.Minute()) + suf, nil
		case Date:
			return yyyy + "-" + pad2(m) + "-" + pad2(d), nil
		case Time:
			return hms + fracDot, nil
		case DateTime2:
			return yyyy + "-" + pad2(m) + "-" + pad2(d) + " " + hms + fracDot, nil
		case DateTimeOffset:
			return yyyy + "-" + pad2(m) + "-" + pad2(d) + " " + hms + fracDot + " " + zoneString(t), nil
		}
	case 100:
		h, suf := ampm(t)
		tm := spacePad2(h) + ":" + pad2(t.Minute()) + suf
		if !p.hasDate {
			return tm, nil
		}
		return mon + " " + spacePad2(d) + " " + yyyy + " " + tm, nil
	case 8, 108, 24:
		return hms, nil
	case 9, 109:
		h, suf := ampm(t)
		tm := spacePad2(h) + ":" + pad2(t.Minute()) + ":" + pad2(t.Second())
		if p.isLegacy || p.kind == Date {
			tm += ":" + p.fracMs
		} else {
			tm += fracDot
		}
		tm += suf
		if !p.hasDate {
			return tm, nil
		}
		return mon + " " + spacePad2(d) + " " + yyyy + " " + tm, nil
	case 13, 113:
		tm := timeMsStyle()
		if !p.hasDate {
			return tm, nil
		}
		return pad2(d) + " " + mon + " " + yyyy + " " + tm, nil
	case 14, 114:
		return timeMsStyle(), nil
	case 20, 120:
		if !p.hasDate {
			return hms, nil
		}
		return yyyy + "-" + pad2(m) + "-" + pad2(d) + " " + hms, nil
	case 21, 25, 121:
		f := fracDot
		if p.isLegacy {
			f = "." + p.fracMs
		}
		if p.kind == Date {
			f = ".000"
		}
		if !p.hasDate {
			return hms + f, nil
		}
		s := yyyy + "-" + pad2(m) + "-" + pad2(d) + " " + hms + f
		if p.offset {
			s += " " + zoneString(t)
		}
		return s, nil
	case 22:
		h, suf := ampm(t)
		return pad2(m) + "/" + pad2(d) + "/" + yy + " " + spacePad2(h) + ":" + pad2(t.Minute()) + ":" + pad2(t.Second()) + " " + suf, nil
	case 23:
		return yyyy + "-" + pad2(m) + "-" + pad2(d), nil
	case 126, 127:
		tt := t
		z := ""
		if style == 127 && p.offset {
			tt = t.UTC()
			y, mo, d = tt.Date()
			m = int(mo)
			yyyy = pad4(y)
			z = "Z"
		} else if p.offset {
			z = zoneString(t)
		}
		f := fracDot
		if p.isLegacy {
			f = ""
			if p.fracMs != "000" {
				f = "." + p.fracMs
			}
		}
		hms2 := pad2(tt.Hour()) + ":" + pad2(tt.Minute()) + ":" + pad2(tt.Second())
		if !p.hasDate {
			return hms2 + f, nil
		}
		if p.kind == Date {
			return yyyy + "-" + pad2(m) + "-" + pad2(d), nil
		}
		return yyyy + "-" + pad2(m) + "-" + pad2(d) + "T" + hms2 + f + z, nil
	case 130, 131:
		hy, hm, hd := toHijri(y, m, d)
		h, suf := ampm(t)
		tm := spacePad2(h) + ":" + pad2(t.Minute()) + ":" + pad2(t.Second()) + ":" + p.fracMs + suf
		// The day is blank-padded: " 7/05/1421 12:14:35:727PM".
		if style == 130 {
			return spacePad2(hd) + " " + hijriMonths[hm-1] + " " + pad4(hy) + " " + tm, nil
		}
		return spacePad2(hd) + "/" + pad2(hm) + "/" + pad4(hy) + " " + tm, nil
	}
	switch base {
	case 1:
		return pad2(m) + "/" + pad2(d) + "/" + pick(yy, yyyy), nil
	case 2:
		return pick(yy, yyyy) + "." + pad2(m) + "." + pad2(d), nil
	case 3:
		return pad2(d) + "/" + pad2(m) + "/" + pick(yy, yyyy), nil
	case 4:
		return pad2(d) + "." + pad2(m) + "." + pick(yy, yyyy), nil
	case 5:
		return pad2(d) + "-" + pad2(m) + "-" + pick(yy, yyyy), nil
	case 6:
		return pad2(d) + " " + mon + " " + pick(yy, yyyy), nil
	case 7:
		return mon + " " + pad2(d) + ", " + pick(yy, yyyy), nil
	case 10:
		return pad2(m) + "-" + pad2(d) + "-" + pick(yy, yyyy), nil
	case 11:
		return pick(yy, yyyy) + "/" + pad2(m) + "/" + pad2(d), nil
	case 12:
		return pick(yy, yyyy) + pad2(m) + pad2(d), nil
	}
	return "", invalidStyle(style, v.typ.Kind)
}

var hijriMonths = [...]string{
	"محرم", "صفر", "ربيع الاول", "ربيع الثاني", "جمادى الاولى", "جمادى الثانية",
	"رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
}

// The Kuwaiti algorithm: the tabular Islamic calendar with leap years
// 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each 30-year cycle, which is
// what SQL Server uses for styles 130 and 131.
const hijriEpoch = 227013 // days from 0001-01-01 (day 0) to 1 Muharram 1 AH

var hijriMonthStart = [...]int{0, 30, 59, 89, 118, 148, 177, 207, 236, 266, 295, 325, 355}

func hijriLeap(y int) bool { return (y*11+14)%30 < 11 }

func hijriYearStart(y int) int {
	cycles := (y - 1) / 30
	days := cycles*10631 + hijriEpoch
	for i := 1; i <= (y-1)%30; i++ {
		days += 354
		if hijriLeap(i) {
			days++
		}
	}
	return days
}

func daysFromCE(y, m, d int) int {
	return int(dayNumber(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)))
}

func toHijri(y, m, d int) (int, int, int) {
	abs := daysFromCE(y, m, d)
	hy := (abs-hijriEpoch)*30/10631 + 1
	for hy > 1 && hijriYearStart(hy) > abs {
		hy--
	}
	for hijriYearStart(hy+1) <= abs {
		hy++
	}
	doy := abs - hijriYearStart(hy)
	hm := 1
	for hm < 12 && hijriMonthStart[hm] <= doy {
		hm++
	}
	return hy, hm, doy - hijriMonthStart[hm-1] + 1
}

func fromHijri(hy, hm, hd int) (time.Time, bool) {
	if hy < 1 || hm < 1 || hm > 12 || hd < 1 || hd > 30 {
		return time.Time{}, false
	}
	maxd := 30
	if hm%2 == 0 {
		maxd = 29
	}
	if hm == 12 && hijriLeap((hy-1)%30+1) {
		maxd = 30
	}
	if hd > maxd {
		return time.Time{}, false
	}
	abs := hijriYearStart(hy) + hijriMonthStart[hm-1] + hd - 1
	return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, abs), true
}

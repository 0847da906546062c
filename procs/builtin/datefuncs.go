package builtin

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// DatePart is a datepart keyword of DATEADD, DATEDIFF, DATEPART, DATENAME.
type DatePart uint8

const (
	PartNone DatePart = iota
	PartYear
	PartQuarter
	PartMonth
	PartDayOfYear
	PartDay
	PartWeek
	PartWeekday
	PartHour
	PartMinute
	PartSecond
	PartMillisecond
	PartMicrosecond
	PartNanosecond
	PartTZOffset
	PartISOWeek
)

var partNames = map[string]DatePart{
	"year": PartYear, "yy": PartYear, "yyyy": PartYear,
	"quarter": PartQuarter, "qq": PartQuarter, "q": PartQuarter,
	"month": PartMonth, "mm": PartMonth, "m": PartMonth,
	"dayofyear": PartDayOfYear, "dy": PartDayOfYear, "y": PartDayOfYear,
	"day": PartDay, "dd": PartDay, "d": PartDay,
	"week": PartWeek, "wk": PartWeek, "ww": PartWeek,
	"weekday": PartWeekday, "dw": PartWeekday, "w": PartWeekday,
	"hour": PartHour, "hh": PartHour,
	"minute": PartMinute, "mi": PartMinute, "n": PartMinute,
	"second": PartSecond, "ss": PartSecond, "s": PartSecond,
	"millisecond": PartMillisecond, "ms": PartMillisecond,
	"microsecond": PartMicrosecond, "mcs": PartMicrosecond,
	"nanosecond": PartNanosecond, "ns": PartNanosecond,
	"tzoffset": PartTZOffset, "tz": PartTZOffset,
	"iso_week": PartISOWeek, "isowk": PartISOWeek, "isoww": PartISOWeek,
}

var partCanon = [...]string{"", "year", "quarter", "month", "dayofyear", "day", "week", "weekday", "hour", "minute",
	"second", "millisecond", "microsecond", "nanosecond", "tzoffset", "iso_week"}

func (p DatePart) String() string { return partCanon[p] }

// ParseDatePart reads a datepart keyword (any spelling, any case).
func ParseDatePart(s string) (DatePart, bool) {
	p, ok := partNames[strings.ToLower(strings.TrimSpace(s))]
	return p, ok
}

// CheckDatePart validates the datepart argument of fn (Msg 155, a compile
// error in SQL Server): "'%.*ls' is not a recognized %ls option."
func CheckDatePart(fn, part string) (DatePart, error) {
	p, ok := ParseDatePart(part)
	if !ok {
		word := strings.ToLower(fn)
		if word == "datename" || word == "datetrunc" {
			word = "datepart"
		}
		return PartNone, sqlerr.New(155, 15, 1, "'%s' is not a recognized %s option.", part, word)
	}
	return p, nil
}

func notSupported(p DatePart, fn string, t sqltype.Type) error {
	return sqlerr.New(9810, 16, 1, "The datepart %s is not supported by date function %s for data type %s.", p, strings.ToLower(fn), typeName(t))
}

// partAllowed reports whether part applies to values of kind k.
func partAllowed(p DatePart, k sqltype.Kind) bool {
	switch k {
	case sqltype.Date:
		return p <= PartWeekday || p == PartISOWeek
	case sqltype.Time:
		return p >= PartHour && p <= PartNanosecond
	case sqltype.DateTime, sqltype.SmallDateTime:
		return p != PartTZOffset
	case sqltype.DateTimeOffset, sqltype.DateTime2:
		return p != PartTZOffset || k == sqltype.DateTimeOffset
	}
	return true
}

// dateArg converts argument i to a date/time value: date/time types stay
// as they are, strings convert to def (datetime for DATEADD, datetime2
// for DATEDIFF/DATEPART) under the session's DATEFORMAT, numbers to
// datetime.
func dateArg(c *call, i int, def sqltype.Type) (sqltype.Value, bool, error) {
	a := c.args[i]
	if a.IsNull() {
		return a, false, nil
	}
	k := a.Kind()
	if k.IsDateTime() {
		return a, true, nil
	}
	to := def
	if k.IsNumeric() {
		to = sqltype.TDateTime
	}
	v, err := sqltype.ConvertWith(a, to, sqltype.ConvertOptions{Implicit: true, DateFormat: c.env.DateFormat()})
	return v, err == nil, err
}

// staticDateType is the type a date argument of static type t has after
// its implicit conversion.
func staticDateType(t sqltype.Type, def sqltype.Type) (sqltype.Type, error) {
	switch {
	case t.Kind.IsDateTime():
		return t, nil
	case t.Kind.IsString(), t.Kind == sqltype.Unknown:
		return def, nil
	case t.Kind.IsNumeric():
		return sqltype.TDateTime, nil
	}
	return sqltype.Type{}, sqltype.OperandClash(t, sqltype.TDate)
}

func partArg(c *call) (DatePart, error) {
	s, _, err := str(c.args[0])
	if err != nil {
		return PartNone, err
	}
	return CheckDatePart(c.name, s)
}

// civil is a date/time value broken down: the day number since
// 0001-01-01, the nanoseconds of the day, and the offset in minutes.
type civil struct {
	t      time.Time // wall clock in UTC location
	day    int64
	ns     int64
	offset int
}

func toCivil(v sqltype.Value, utc bool) civil {
	t := v.Time()
	_, off := t.Zone()
	if v.Kind() == sqltype.DateTimeOffset && utc {
		t = t.UTC()
	}
	y, m, d := t.Date()
	if v.Kind() == sqltype.Time {
		y, m, d = 1900, 1, 1
	}
	w := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 + 719162
	ns := int64(t.Hour())*3600e9 + int64(t.Minute())*60e9 + int64(t.Second())*1e9 + int64(t.Nanosecond())
	if v.Kind() == sqltype.Date {
		ns = 0
	}
	if v.Kind() == sqltype.DateTime {
		// datetime keeps 1/300 s ticks: .003 is 3 ms, not 3.33.
		ticks := (ns*3 + 5e6) / 1e7
		ns = (ticks*10 + 1) / 3 * 1e6
	}
	return civil{t: w, day: day, ns: ns, offset: off / 60}
}

func weekdayMon1(day int64) int { // 0001-01-01 was a Monday
	return int(day%7) + 1
}

func init() {
	now := func(t sqltype.Type, f func(e Env) sqltype.Value) *Func {
		return &Func{Volatile: true, resolve: fixed(t), eval: func(c *call) (sqltype.Value, error) { return f(c.env), nil }}
	}
	local := func(e Env) time.Time {
		t := e.Now()
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	utc := func(e Env) time.Time {
		t := e.Now().UTC()
		return t
	}
	for name, f := range map[string]*Func{
		"GETDATE":           now(sqltype.TDateTime, func(e Env) sqltype.Value { return sqltype.NewDateTime(sqltype.RoundDateTime(local(e))) }),
		"CURRENT_TIMESTAMP": now(sqltype.TDateTime, func(e Env) sqltype.Value { return sqltype.NewDateTime(sqltype.RoundDateTime(local(e))) }),
		"GETUTCDATE":        now(sqltype.TDateTime, func(e Env) sqltype.Value { return sqltype.NewDateTime(sqltype.RoundDateTime(utc(e))) }),
		"SYSDATETIME":       now(sqltype.DateTime2S(7), func(e Env) sqltype.Value { return sqltype.NewTime(sqltype.DateTime2S(7), trim100ns(local(e))) }),
		"SYSUTCDATETIME":    now(sqltype.DateTime2S(7), func(e Env) sqltype.Value { return sqltype.NewTime(sqltype.DateTime2S(7), trim100ns(utc(e))) }),
		"SYSDATETIMEOFFSET": now(sqltype.DateTimeOffsetS(7), func(e Env) sqltype.Value {
			return sqltype.NewDateTimeOffset(trim100ns(e.Now()))
		}),
	} {
		f.Name = name
		register(f)
	}

	register(&Func{Name: "DATEADD", MinArgs: 3, MaxArgs: 3, DatePartArg: true,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			return staticDateType(ts[2], sqltype.TDateTime)
		},
		eval: evalDateAdd})
	register(&Func{Name: "DATEDIFF", MinArgs: 3, MaxArgs: 3, DatePartArg: true,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return sqltype.TInt, nil },
		eval:    evalDateDiff})
	register(&Func{Name: "DATEDIFF_BIG", MinArgs: 3, MaxArgs: 3, DatePartArg: true,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) { return sqltype.TBigInt, nil },
		eval:    evalDateDiff})
	register(&Func{Name: "DATETRUNC", MinArgs: 2, MaxArgs: 2, DatePartArg: true,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			return staticDateType(ts[1], sqltype.DateTime2S(7))
		},
		eval: evalDateTrunc})
	register(&Func{Name: "DATEPART", MinArgs: 2, MaxArgs: 2, DatePartArg: true,
		resolve: fixed(sqltype.TInt), eval: evalDatePart})
	register(&Func{Name: "DATENAME", MinArgs: 2, MaxArgs: 2, DatePartArg: true,
		resolve: fixed(sqltype.NVarCharN(30)), eval: evalDateName})
	for _, n := range []struct {
		name string
		part DatePart
	}{{"YEAR", PartYear}, {"MONTH", PartMonth}, {"DAY", PartDay}} {
		part := n.part
		register(&Func{Name: n.name, MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt),
			eval: func(c *call) (sqltype.Value, error) {
				v, ok, err := dateArg(c, 0, sqltype.DateTime2S(7))
				if err != nil || !ok {
					return sqltype.Null(sqltype.TInt), err
				}
				if v.Kind() == sqltype.Time {
					// YEAR/MONTH/DAY of a time read its default date, 1900-01-01.
					return sqltype.NewInt(map[DatePart]int64{PartYear: 1900, PartMonth: 1, PartDay: 1}[part]), nil
				}
				n, err := datePartValue(c, part, v)
				return sqltype.NewInt(n), err
			}})
	}
	register(&Func{Name: "EOMONTH", MinArgs: 1, MaxArgs: 2, resolve: fixed(sqltype.TDate), eval: evalEOMonth})
	register(&Func{Name: "DATEFROMPARTS", MinArgs: 3, MaxArgs: 3, resolve: fixed(sqltype.TDate), eval: evalFromParts})
	register(&Func{Name: "DATETIMEFROMPARTS", MinArgs: 7, MaxArgs: 7, resolve: fixed(sqltype.TDateTime), eval: evalFromParts})
	register(&Func{Name: "SMALLDATETIMEFROMPARTS", MinArgs: 5, MaxArgs: 5, resolve: fixed(sqltype.TSmallDateTime), eval: evalFromParts})
	register(&Func{Name: "DATETIME2FROMPARTS", MinArgs: 8, MaxArgs: 8, resolve: fixed(sqltype.DateTime2S(7)), eval: evalFromParts})
	register(&Func{Name: "TIMEFROMPARTS", MinArgs: 5, MaxArgs: 5, resolve: fixed(sqltype.TimeS(7)), eval: evalFromParts})
	register(&Func{Name: "TODATETIMEOFFSET", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			s := uint8(7)
			if ts[0].Kind == sqltype.DateTime2 || ts[0].Kind == sqltype.DateTimeOffset {
				s = ts[0].Scale
			}
			return sqltype.DateTimeOffsetS(s), nil
		},
		eval: evalToDateTimeOffset})
	register(&Func{Name: "SWITCHOFFSET", MinArgs: 2, MaxArgs: 2,
		resolve: func(ts []sqltype.Type) (sqltype.Type, error) {
			s := uint8(7)
			if ts[0].Kind == sqltype.DateTimeOffset {
				s = ts[0].Scale
			}
			return sqltype.DateTimeOffsetS(s), nil
		},
		eval: evalSwitchOffset})
	register(&Func{Name: "ISDATE", MinArgs: 1, MaxArgs: 1, resolve: fixed(sqltype.TInt), eval: func(c *call) (sqltype.Value, error) {
		a := c.args[0]
		if a.IsNull() {
			return sqltype.NewInt(0), nil
		}
		if a.Kind().IsDateTime() {
			return sqltype.NewInt(b2i(a.Kind() == sqltype.DateTime || a.Kind() == sqltype.SmallDateTime || a.Kind() == sqltype.Date)), nil
		}
		if !a.Kind().IsString() {
			return sqltype.NewInt(0), nil
		}
		// ISDATE answers for datetime: its range and its formats.
		_, err := sqltype.ConvertWith(a, sqltype.TDateTime, sqltype.ConvertOptions{DateFormat: c.env.DateFormat()})
		return sqltype.NewInt(b2i(err == nil && strings.TrimSpace(a.Str()) != "")), nil
	}})
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// trim100ns cuts a clock reading to datetime2(7)'s 100 ns.
func trim100ns(t time.Time) time.Time {
	return t.Add(-time.Duration(t.Nanosecond() % 100))
}

func addOverflow(t sqltype.Type) error {
	return sqlerr.New(517, 16, 1, "Adding a value to a '%s' column caused an overflow.", typeName(t))
}

func evalDateAdd(c *call) (sqltype.Value, error) {
	p, err := partArg(c)
	if err != nil {
		return sqltype.Value{}, err
	}
	if p == PartTZOffset || p == PartISOWeek {
		return sqltype.Value{}, sqlerr.New(9810, 16, 1, "The datepart %s is not supported by date function dateadd for data type %s.", p, typeName(c.typ))
	}
	nArg := c.args[1]
	if nArg.IsNull() {
		return sqltype.Null(c.typ), nil
	}
	var n int64
	switch k := nArg.Kind(); {
	case k.IsInteger():
		n = nArg.Int64()
		if (n > math.MaxInt32 || n < math.MinInt32) && !(p >= PartMillisecond && p <= PartNanosecond) {
			return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Int)
		}
	default:
		f, _, err := float(nArg)
		if err != nil {
			return sqltype.Value{}, err
		}
		n = int64(math.Trunc(f)) // a fraction is dropped
		if n > math.MaxInt32 || n < math.MinInt32 {
			return sqltype.Value{}, sqltype.OverflowError("expression", sqltype.Int)
		}
	}
	v, ok, err := dateArg(c, 2, sqltype.TDateTime)
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	t := v.Type()
	if !partAllowed(p, t.Kind) || (p == PartMicrosecond || p == PartNanosecond) && (t.Kind == sqltype.DateTime || t.Kind == sqltype.SmallDateTime) {
		return sqltype.Value{}, notSupported(p, "dateadd", t)
	}
	w := v.Time()
	loc := w.Location()
	base := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
	if t.Kind == sqltype.Time {
		base = time.Date(1900, 1, 1, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
	}
	var r time.Time
	addMonths := func(months int64) (time.Time, bool) {
		total := int64(base.Year())*12 + int64(base.Month()) - 1 + months
		y, m := total/12, int(total%12)+1
		if y < 1 || y > 9999 {
			return time.Time{}, false
		}
		d := base.Day()
		if dm := daysIn(int(y), m); d > dm {
			d = dm // month ends clamp: Jan 31 + 1 month = Feb 29
		}
		return time.Date(int(y), time.Month(m), d, base.Hour(), base.Minute(), base.Second(), base.Nanosecond(), time.UTC), true
	}
	ok = true
	switch p {
	case PartYear:
		r, ok = addMonths(n * 12)
	case PartQuarter:
		r, ok = addMonths(n * 3)
	case PartMonth:
		r, ok = addMonths(n)
	case PartDayOfYear, PartDay, PartWeekday:
		r, ok = addDays(base, n)
	case PartWeek:
		r, ok = addDays(base, n*7)
	default:
		unit, perDay := nsPerUnit[p], unitsPerDay[p]
		days := n / perDay
		rest := (n % perDay) * unit // less than a day: fits in a Duration
		r, ok = addDays(base, days)
		if ok {
			r = r.Add(time.Duration(rest))
			ok = r.Year() >= 1 && r.Year() <= 9999
		}
		if t.Kind == sqltype.Time {
			r = time.Date(1900, 1, 1, r.Hour(), r.Minute(), r.Second(), r.Nanosecond(), time.UTC)
		}
	}
	if !ok {
		return sqltype.Value{}, addOverflow(t)
	}
	switch t.Kind {
	case sqltype.DateTime:
		r = sqltype.RoundDateTime(r)
		if r.Year() < 1753 {
			return sqltype.Value{}, addOverflow(t)
		}
	case sqltype.SmallDateTime:
		r = sqltype.RoundSmallDateTime(r)
		if r.Year() < 1900 || r.After(time.Date(2079, 6, 6, 23, 59, 0, 0, time.UTC)) {
			return sqltype.Value{}, addOverflow(t)
		}
	case sqltype.DateTimeOffset:
		r = time.Date(r.Year(), r.Month(), r.Day(), r.Hour(), r.Minute(), r.Second(), r.Nanosecond(), loc)
	}
	out := sqltype.NewTime(t, r)
	if t.Kind == sqltype.DateTime2 || t.Kind == sqltype.Time || t.Kind == sqltype.DateTimeOffset {
		// keep the type's scale: digits below it are dropped
		unit := int64(math.Pow10(9 - int(t.Scale)))
		r = r.Add(-time.Duration(int64(r.Nanosecond()) % unit))
		out = sqltype.NewTime(t, r)
	}
	return out, nil
}

// partAndDate reads the arguments of DATEPART, DATENAME and DATETRUNC: the
// datepart, then the date (ok is false when it is NULL).
func partAndDate(c *call) (DatePart, sqltype.Value, bool, error) {
	p, err := partArg(c)
	if err != nil {
		return p, sqltype.Value{}, false, err
	}
	v, ok, err := dateArg(c, 1, sqltype.DateTime2S(7))
	return p, v, ok, err
}

// evalDateTrunc is DATETRUNC(part, d): d with everything below part
// zeroed (week starts on the DATEFIRST day, iso_week on Monday).
func evalDateTrunc(c *call) (sqltype.Value, error) {
	p, v, ok, err := partAndDate(c)
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	t := v.Type()
	bad := p == PartWeekday || p == PartTZOffset || p == PartNanosecond || !partAllowed(p, t.Kind) ||
		(p == PartMicrosecond && (t.Kind == sqltype.DateTime || t.Kind == sqltype.SmallDateTime)) ||
		(p == PartMillisecond && t.Kind == sqltype.SmallDateTime)
	if bad {
		return sqltype.Value{}, notSupported(p, "datetrunc", t)
	}
	w := v.Time()
	y, mo, d := w.Date()
	h, mi, sec := w.Clock()
	ns := w.Nanosecond()
	cv := toCivil(v, false)
	switch p {
	case PartYear:
		mo, d, h, mi, sec, ns = 1, 1, 0, 0, 0, 0
	case PartQuarter:
		mo, d, h, mi, sec, ns = time.Month((int(mo)-1)/3*3+1), 1, 0, 0, 0, 0
	case PartMonth:
		d, h, mi, sec, ns = 1, 0, 0, 0, 0
	case PartDayOfYear, PartDay:
		h, mi, sec, ns = 0, 0, 0, 0
	case PartWeek, PartISOWeek:
		back := weekdayFirst(cv.day, c.env.DateFirst()) - 1
		if p == PartISOWeek {
			back = weekdayMon1(cv.day) - 1
		}
		start := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -back)
		y, mo, d = start.Date()
		h, mi, sec, ns = 0, 0, 0, 0
	case PartHour:
		mi, sec, ns = 0, 0, 0
	case PartMinute:
		sec, ns = 0, 0
	case PartSecond:
		ns = 0
	case PartMillisecond:
		ns -= ns % 1e6
	case PartMicrosecond:
		ns -= ns % 1e3
	}
	r := time.Date(y, mo, d, h, mi, sec, ns, w.Location())
	if r.Year() < 1 {
		return sqltype.Value{}, addOverflow(t)
	}
	return sqltype.NewTime(t, r), nil
}

func addDays(t time.Time, n int64) (time.Time, bool) {
	if n > 3700000 || n < -3700000 {
		return time.Time{}, false
	}
	r := t.AddDate(0, 0, int(n))
	return r, r.Year() >= 1 && r.Year() <= 9999
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

var unitsPerDay = map[DatePart]int64{
	PartHour: 24, PartMinute: 1440, PartSecond: 86400, PartMillisecond: 86400e3, PartMicrosecond: 86400e6, PartNanosecond: 86400e9,
}

var nsPerUnit = map[DatePart]int64{
	PartHour: 3600e9, PartMinute: 60e9, PartSecond: 1e9, PartMillisecond: 1e6, PartMicrosecond: 1e3, PartNanosecond: 1,
}

func evalDateDiff(c *call) (sqltype.Value, error) {
	p, err := partArg(c)
	if err != nil {
		return sqltype.Value{}, err
	}
	a, ok1, err := dateArg(c, 1, sqltype.DateTime2S(7))
	if err != nil {
		return sqltype.Value{}, err
	}
	b, ok2, err := dateArg(c, 2, sqltype.DateTime2S(7))
	if err != nil {
		return sqltype.Value{}, err
	}
	if !ok1 || !ok2 {
		return sqltype.Null(c.typ), nil
	}
	for _, v := range []sqltype.Value{a, b} {
		// Any datepart counts on a date or a time (the missing half is
		// midnight or 1900-01-01); only tzoffset and iso_week are refused.
		if p == PartTZOffset || p == PartISOWeek {
			return sqltype.Value{}, notSupported(p, strings.ToLower(c.name), v.Type())
		}
	}
	x, y := toCivil(a, true), toCivil(b, true)
	var diff *big.Int
	switch p {
	case PartYear:
		diff = big.NewInt(int64(y.t.Year() - x.t.Year()))
	case PartQuarter:
		diff = big.NewInt(int64((y.t.Year()*4 + (int(y.t.Month())-1)/3) - (x.t.Year()*4 + (int(x.t.Month())-1)/3)))
	case PartMonth:
		diff = big.NewInt(int64((y.t.Year()*12 + int(y.t.Month())) - (x.t.Year()*12 + int(x.t.Month()))))
	case PartDayOfYear, PartDay, PartWeekday:
		diff = big.NewInt(y.day - x.day)
	case PartWeek:
		// Weeks start on Sunday for DATEDIFF, whatever DATEFIRST says.
		diff = big.NewInt(floorDiv(y.day+1, 7) - floorDiv(x.day+1, 7))
	default:
		per, unit := unitsPerDay[p], nsPerUnit[p]
		d := new(big.Int).Mul(big.NewInt(y.day-x.day), big.NewInt(per))
		diff = d.Add(d, big.NewInt(y.ns/unit-x.ns/unit))
	}
	if c.name == "DATEDIFF_BIG" {
		if !diff.IsInt64() {
			return sqltype.Value{}, sqlerr.New(535, 16, 0, "The datediff_big function resulted in an overflow. The number of dateparts separating two date/time instances is too large. Try to use datediff_big with a less precise datepart.")
		}
		return sqltype.NewBigInt(diff.Int64()), nil
	}
	if !diff.IsInt64() || diff.Int64() > math.MaxInt32 || diff.Int64() < math.MinInt32 {
		return sqltype.Value{}, sqlerr.New(535, 16, 0, "The datediff function resulted in an overflow. The number of dateparts separating two date/time instances is too large. Try to use datediff with a less precise datepart.")
	}
	return sqltype.NewInt(diff.Int64()), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// datePartValue is DATEPART(p, v) for a converted date/time value.
func datePartValue(c *call, p DatePart, v sqltype.Value) (int64, error) {
	if !partAllowed(p, v.Kind()) {
		return 0, notSupported(p, "datepart", v.Type())
	}
	cv := toCivil(v, false)
	t := cv.t
	switch p {
	case PartYear:
		return int64(t.Year()), nil
	case PartQuarter:
		return int64((int(t.Month())-1)/3 + 1), nil
	case PartMonth:
		return int64(t.Month()), nil
	case PartDayOfYear:
		return int64(t.YearDay()), nil
	case PartDay:
		return int64(t.Day()), nil
	case PartWeekday:
		return int64(weekdayFirst(cv.day, c.env.DateFirst())), nil
	case PartWeek:
		jan1 := cv.day - int64(t.YearDay()-1)
		pos := weekdayFirst(jan1, c.env.DateFirst()) - 1
		return int64((t.YearDay()-1+pos)/7 + 1), nil
	case PartISOWeek:
		_, w := t.ISOWeek()
		return int64(w), nil
	case PartHour:
		return int64(t.Hour()), nil
	case PartMinute:
		return int64(t.Minute()), nil
	case PartSecond:
		return int64(t.Second()), nil
	case PartMillisecond:
		return cv.ns % 1e9 / 1e6, nil
	case PartMicrosecond:
		return cv.ns % 1e9 / 1e3, nil
	case PartNanosecond:
		return cv.ns % 1e9, nil
	case PartTZOffset:
		return int64(cv.offset), nil
	}
	return 0, nil
}

// weekdayFirst numbers a day 1..7 from the DATEFIRST day.
func weekdayFirst(day int64, dateFirst int) int {
	mon1 := weekdayMon1(day)
	return (mon1-dateFirst+7)%7 + 1
}

func evalDatePart(c *call) (sqltype.Value, error) {
	p, v, ok, err := partAndDate(c)
	if err != nil || !ok {
		return sqltype.Null(sqltype.TInt), err
	}
	n, err := datePartValue(c, p, v)
	if err != nil {
		return sqltype.Value{}, err
	}
	return sqltype.NewInt(n), nil
}

var longMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
var weekdayNames = [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

func evalDateName(c *call) (sqltype.Value, error) {
	p, v, ok, err := partAndDate(c)
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	switch p {
	case PartMonth:
		if !partAllowed(p, v.Kind()) {
			return sqltype.Value{}, notSupported(p, "datename", v.Type())
		}
		return mkString(c.typ, longMonths[toCivil(v, false).t.Month()-1]), nil
	case PartWeekday:
		if !partAllowed(p, v.Kind()) {
			return sqltype.Value{}, notSupported(p, "datename", v.Type())
		}
		return mkString(c.typ, weekdayNames[weekdayMon1(toCivil(v, false).day)-1]), nil
	case PartTZOffset:
		if v.Kind() == sqltype.DateTimeOffset {
			_, off := v.Time().Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			return mkString(c.typ, sign+pad2(off/3600)+":"+pad2(off/60%60)), nil
		}
	}
	n, err := datePartValue(c, p, v)
	if err != nil {
		return sqltype.Value{}, err
	}
	return mkString(c.typ, strconv.FormatInt(n, 10)), nil
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func evalEOMonth(c *call) (sqltype.Value, error) {
	v, ok, err := dateArg(c, 0, sqltype.TDate)
	if err != nil || !ok {
		return sqltype.Null(sqltype.TDate), err
	}
	if v.Kind() == sqltype.Time {
		return sqltype.Value{}, argTypeErr(v.Type(), 1, "eomonth")
	}
	var add int64
	if len(c.args) == 2 {
		n, ok, err := integer(c.args[1], false)
		if err != nil {
			return sqltype.Value{}, err
		}
		if !ok {
			return sqltype.Null(sqltype.TDate), nil
		}
		add = n
	}
	t := v.Time()
	total := int64(t.Year())*12 + int64(t.Month()) - 1 + add
	y, m := total/12, int(total%12)+1
	if y < 1 || y > 9999 {
		return sqltype.Value{}, addOverflow(sqltype.TDate)
	}
	return sqltype.NewTime(sqltype.TDate, time.Date(int(y), time.Month(m), daysIn(int(y), m), 0, 0, 0, 0, time.UTC)), nil
}

func evalFromParts(c *call) (sqltype.Value, error) {
	nums := make([]int64, len(c.args))
	for i, a := range c.args {
		n, ok, err := integer(a, false)
		if err != nil {
			return sqltype.Value{}, err
		}
		if !ok {
			return sqltype.Null(c.typ), nil
		}
		nums[i] = n
	}
	bad := func(word string) error {
		return sqlerr.New(289, 16, 1, "Cannot construct data type %s, some of the arguments have values which are not valid.", word)
	}
	validDate := func(y, m, d int64) bool {
		return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= int64(daysIn(int(y), int(m)))
	}
	validTime := func(h, mi, s int64) bool { return h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60 }
	switch c.name {
	case "DATEFROMPARTS":
		if !validDate(nums[0], nums[1], nums[2]) {
			return sqltype.Value{}, bad("date")
		}
		return sqltype.NewTime(sqltype.TDate, time.Date(int(nums[0]), time.Month(nums[1]), int(nums[2]), 0, 0, 0, 0, time.UTC)), nil
	case "DATETIMEFROMPARTS":
		if !validDate(nums[0], nums[1], nums[2]) || !validTime(nums[3], nums[4], nums[5]) || nums[6] < 0 || nums[6] > 999 || nums[0] < 1753 {
			return sqltype.Value{}, bad("datetime")
		}
		t := time.Date(int(nums[0]), time.Month(nums[1]), int(nums[2]), int(nums[3]), int(nums[4]), int(nums[5]), int(nums[6])*1e6, time.UTC)
		return sqltype.NewDateTime(sqltype.RoundDateTime(t)), nil
	case "SMALLDATETIMEFROMPARTS":
		if !validDate(nums[0], nums[1], nums[2]) || !validTime(nums[3], nums[4], 0) || nums[0] < 1900 || nums[0] > 2079 {
			return sqltype.Value{}, bad("smalldatetime")
		}
		return sqltype.NewTime(sqltype.TSmallDateTime, time.Date(int(nums[0]), time.Month(nums[1]), int(nums[2]), int(nums[3]), int(nums[4]), 0, 0, time.UTC)), nil
	case "DATETIME2FROMPARTS":
		prec := nums[7]
		if prec < 0 || prec > 7 {
			return sqltype.Value{}, sqlerr.New(1002, 16, 1, "Line 1: Specified scale %d is invalid.", prec)
		}
		if !validDate(nums[0], nums[1], nums[2]) || !validTime(nums[3], nums[4], nums[5]) || nums[6] < 0 || nums[6] >= int64(math.Pow10(int(prec))) {
			return sqltype.Value{}, bad("datetime2")
		}
		ns := nums[6] * int64(math.Pow10(9-int(prec)))
		t := time.Date(int(nums[0]), time.Month(nums[1]), int(nums[2]), int(nums[3]), int(nums[4]), int(nums[5]), int(ns), time.UTC)
		return sqltype.NewTime(sqltype.DateTime2S(uint8(prec)), t), nil
	case "TIMEFROMPARTS":
		prec := nums[4]
		if prec < 0 || prec > 7 {
			return sqltype.Value{}, sqlerr.New(1002, 16, 1, "Line 1: Specified scale %d is invalid.", prec)
		}
		if !validTime(nums[0], nums[1], nums[2]) || nums[3] < 0 || nums[3] >= int64(math.Pow10(int(prec))) {
			return sqltype.Value{}, bad("time")
		}
		ns := nums[3] * int64(math.Pow10(9-int(prec)))
		return sqltype.NewTime(sqltype.TimeS(uint8(prec)), time.Date(1900, 1, 1, int(nums[0]), int(nums[1]), int(nums[2]), int(ns), time.UTC)), nil
	}
	return sqltype.Null(c.typ), nil
}

// offsetArg reads a time zone offset: '+hh:mm' / '-hh:mm' or a number of
// minutes.
func offsetArg(a sqltype.Value) (int, bool, error) {
	if a.IsNull() {
		return 0, false, nil
	}
	if a.Kind().IsString() {
		s := strings.TrimSpace(a.Str())
		if len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' {
			h, e1 := strconv.Atoi(s[1:3])
			m, e2 := strconv.Atoi(s[4:])
			if e1 == nil && e2 == nil && h <= 14 && m < 60 && (h < 14 || m == 0) {
				off := h*60 + m
				if s[0] == '-' {
					off = -off
				}
				return off, true, nil
			}
		}
		return 0, false, sqlerr.New(9814, 16, 1, "The timezone provided to builtin function todatetimeoffset is invalid.")
	}
	n, ok, err := integer(a, false)
	if err != nil || !ok {
		return 0, ok, err
	}
	if n < -840 || n > 840 {
		return 0, false, sqlerr.New(9814, 16, 1, "The timezone provided to builtin function todatetimeoffset is invalid.")
	}
	return int(n), true, nil
}

func evalToDateTimeOffset(c *call) (sqltype.Value, error) {
	v, ok, err := dateArg(c, 0, sqltype.DateTime2S(7))
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	off, ok, err := offsetArg(c.args[1])
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	w := v.Time()
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.FixedZone("", off*60))
	if v.Kind() == sqltype.Date {
		t = time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.FixedZone("", off*60))
	}
	return sqltype.NewTime(c.typ, t), nil
}

func evalSwitchOffset(c *call) (sqltype.Value, error) {
	v, ok, err := dateArg(c, 0, sqltype.DateTimeOffsetS(7))
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	if v.Kind() != sqltype.DateTimeOffset {
		v, err = sqltype.Assign(v, sqltype.DateTimeOffsetS(7))
		if err != nil {
			return sqltype.Value{}, err
		}
	}
	off, ok, err := offsetArg(c.args[1])
	if err != nil || !ok {
		return sqltype.Null(c.typ), err
	}
	return sqltype.NewTime(c.typ, v.Time().In(time.FixedZone("", off*60))), nil
}

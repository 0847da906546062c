package tds

import "time"

// Date and time wire forms. Dates count days from 0001-01-01 (date,
// datetime2, datetimeoffset) or 1900-01-01 (datetime, smalldatetime); times
// count units of 10^-scale seconds since midnight.

const (
	daysTo1970 = 719162 // 0001-01-01 to 1970-01-01
	daysTo1900 = 693595 // 0001-01-01 to 1900-01-01
	nsPerDay   = int64(86400) * 1e9
)

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// timeLen is the byte length of a time of the given scale.
func timeLen(scale uint8) int {
	switch {
	case scale <= 2:
		return 3
	case scale <= 4:
		return 4
	default:
		return 5
	}
}

// wallDays returns the wall-clock date of t as days since 0001-01-01.
func wallDays(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 + daysTo1970
}

// wallNanos returns the wall-clock time of day of t in nanoseconds.
func wallNanos(t time.Time) int64 {
	h, mi, s := t.Clock()
	return int64(h*3600+mi*60+s)*1e9 + int64(t.Nanosecond())
}

// civil builds a UTC time from days since 0001-01-01 and nanoseconds.
func civil(days, ns int64) time.Time {
	return time.Unix((days-daysTo1970)*86400+ns/1e9, ns%1e9).UTC()
}

// timeUnits rounds a time of day to the scale; it reports a carry into the
// next day when rounding reaches midnight.
func timeUnits(ns int64, scale uint8) (units int64, carry bool) {
	div := pow10[9-scale]
	units = (ns + div/2) / div
	if units >= 86400*pow10[scale] {
		return 0, true
	}
	return units, false
}

func appendUintN(b []byte, v uint64, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

func uintN(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

const (
	minDays = 0
	maxDays = 3652058 // 9999-12-31
)

func appendDate(b []byte, days int64) ([]byte, error) {
	if days < minDays || days > maxDays {
		return b, errRange
	}
	return appendUintN(b, uint64(days), 3), nil
}

// appendTime appends the time part of t (wall clock) at the scale; carry
// reports rounding into the next day.
func appendTime(b []byte, t time.Time, scale uint8) ([]byte, bool) {
	u, carry := timeUnits(wallNanos(t), scale)
	return appendUintN(b, uint64(u), timeLen(scale)), carry
}

func decodeTime(b []byte, scale uint8) (int64, error) {
	u := int64(uintN(b))
	if u >= 86400*pow10[scale] {
		return 0, errRange
	}
	return u * pow10[9-scale], nil
}

// appendDateTime2 appends datetime2(scale) from the wall clock of t.
func appendDateTime2(b []byte, t time.Time, scale uint8) ([]byte, error) {
	days := wallDays(t)
	b, carry := appendTime(b, t, scale)
	if carry {
		days++
	}
	return appendDate(b, days)
}

func decodeDateTime2(b []byte, scale uint8) (time.Time, error) {
	n := timeLen(scale)
	ns, err := decodeTime(b[:n], scale)
	if err != nil {
		return time.Time{}, err
	}
	days := int64(uintN(b[n : n+3]))
	if days > maxDays {
		return time.Time{}, errRange
	}
	return civil(days, ns), nil
}

// appendDateTimeOffset appends the UTC instant of t and its zone offset.
func appendDateTimeOffset(b []byte, t time.Time, scale uint8) ([]byte, error) {
	_, off := t.Zone()
	if off%60 != 0 || off < -14*3600 || off > 14*3600 {
		return b, errRange
	}
	b, err := appendDateTime2(b, t.UTC(), scale)
	if err != nil {
		return b, err
	}
	return appendU16(b, uint16(int16(off/60))), nil
}

func decodeDateTimeOffset(b []byte, scale uint8) (time.Time, error) {
	n := timeLen(scale) + 3
	t, err := decodeDateTime2(b[:n], scale)
	if err != nil {
		return t, err
	}
	off := int(int16(uint16(b[n]) | uint16(b[n+1])<<8))
	if off < -14*60 || off > 14*60 {
		return time.Time{}, errRange
	}
	return t.In(time.FixedZone("", off*60)), nil
}

// datetime: i32 days since 1900-01-01 and u32 ticks of 1/300 second.
func appendDateTime(b []byte, t time.Time) ([]byte, error) {
	days := wallDays(t) - daysTo1900
	ticks := (wallNanos(t)*3 + 5e6) / 1e7
	if ticks >= 300*86400 {
		ticks = 0
		days++
	}
	// 1753-01-01 .. 9999-12-31
	if days < -53690 || days > 2958463 {
		return b, errRange
	}
	b = appendU32(b, uint32(int32(days)))
	return appendU32(b, uint32(ticks)), nil
}

func decodeDateTime(b []byte) (time.Time, error) {
	days := int64(int32(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24))
	ticks := int64(uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24)
	if days < -53690 || days > 2958463 || ticks >= 300*86400 {
		return time.Time{}, errRange
	}
	// Round to whole milliseconds the way SQL Server shows datetime (.000, .003, .007).
	ms := (ticks%300*20 + 3) / 6
	ns := (ticks/300)*1e9 + ms*1e6
	return civil(days+daysTo1900, ns), nil
}

// smalldatetime: u16 days since 1900-01-01 and u16 minutes.
func appendSmallDateTime(b []byte, t time.Time) ([]byte, error) {
	days := wallDays(t) - daysTo1900
	mins := (wallNanos(t) + 30e9) / 60e9
	if mins >= 1440 {
		mins = 0
		days++
	}
	if days < 0 || days > 65535 {
		return b, errRange
	}
	b = appendU16(b, uint16(days))
	return appendU16(b, uint16(mins)), nil
}

func decodeSmallDateTime(b []byte) (time.Time, error) {
	days := int64(uint16(b[0]) | uint16(b[1])<<8)
	mins := int64(uint16(b[2]) | uint16(b[3])<<8)
	if mins >= 1440 {
		return time.Time{}, errRange
	}
	return civil(days+daysTo1900, mins*60e9), nil
}

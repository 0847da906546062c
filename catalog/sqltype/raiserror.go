package sqltype

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// RaiserrorMaxLen is the longest message RAISERROR sends; longer ones are
// cut to RaiserrorMaxLen-3 characters followed by "...".
const RaiserrorMaxLen = 2047

// CheckRaiserrorArgs rejects substitution arguments of a type RAISERROR
// does not take (Msg 2748). Allowed: tinyint, smallint, int, bigint, char,
// varchar, nchar, nvarchar, binary, varbinary; an untyped NULL is fine.
func CheckRaiserrorArgs(args []Type) error {
	for i, t := range args {
		switch t.Kind {
		case Unknown, TinyInt, SmallInt, Int, BigInt, Char, VarChar, NChar, NVarChar, Binary, VarBinary:
			continue
		}
		return newErr(2748, 1, "Cannot specify %s data type (parameter %d) as a substitution parameter.", t.Kind, i+4)
	}
	return nil
}

// FormatRaiserror renders a RAISERROR message: printf-style specifications
// % [flags] [width] [.precision] [h|l|I64] type, with types d i o s u x X,
// flags - + 0 # and space, * for a width or precision taken from the next
// argument, %% for a percent sign, and "(null)" for a NULL or missing
// argument. An unknown specification fails with 2787, an argument of the
// wrong type with 2786.
func FormatRaiserror(format string, args []Value) (string, error) {
	var b strings.Builder
	argi := 0
	next := func() (Value, int, bool) {
		if argi >= len(args) {
			argi++
			return Value{}, argi, false
		}
		v := args[argi]
		argi++
		return v, argi, true
	}
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				b.WriteString(format[i:])
				break
			}
			b.WriteString(format[i : i+j])
			i += j
			continue
		}
		start := i
		i++
		if i < len(format) && format[i] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		var spec fmtSpec
		// flags
		for i < len(format) && strings.IndexByte("-+0# ", format[i]) >= 0 {
			switch format[i] {
			case '-':
				spec.left = true
			case '+':
				spec.plus = true
			case '0':
				spec.zero = true
			case '#':
				spec.alt = true
			case ' ':
				spec.space = true
			}
			i++
		}
		// width
		spec.width = -1
		if i < len(format) && format[i] == '*' {
			v, n, ok := next()
			w, err := starArg(v, n, ok)
			if err != nil {
				return "", err
			}
			if w < 0 {
				spec.left = true
				w = -w
			}
			spec.width = w
			i++
		} else {
			j := i
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			if i > j {
				spec.width = atoiCapped(format[j:i])
			}
		}
		// precision
		spec.prec = -1
		if i < len(format) && format[i] == '.' {
			i++
			if i < len(format) && format[i] == '*' {
				v, n, ok := next()
				p, err := starArg(v, n, ok)
				if err != nil {
					return "", err
				}
				spec.prec = max(p, 0)
				i++
			} else {
				j := i
				for i < len(format) && format[i] >= '0' && format[i] <= '9' {
					i++
				}
				spec.prec = atoiCapped(format[j:i])
			}
		}
		// The message is cut at 2047 characters anyway: bound the padding.
		spec.width = min(spec.width, RaiserrorMaxLen+1)
		spec.prec = min(spec.prec, RaiserrorMaxLen+1)
		// size
		switch {
		case strings.HasPrefix(format[i:], "I64"):
			spec.i64 = true
			i += 3
		case i < len(format) && (format[i] == 'h' || format[i] == 'l'):
			i++
		}
		if i >= len(format) {
			return "", invalidFormatSpec(format[start:])
		}
		_, size := utf8.DecodeRuneInString(format[i:])
		spec.verb = format[i]
		i += size
		switch spec.verb {
		case 'd', 'i', 'o', 'u', 'x', 'X', 's':
		default:
			return "", invalidFormatSpec(format[start:i])
		}
		v, n, ok := next()
		s, err := spec.render(v, n, ok)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	out := b.String()
	if utf8.RuneCountInString(out) > RaiserrorMaxLen {
		out = string([]rune(out)[:RaiserrorMaxLen-3]) + "..."
	}
	return out, nil
}

// atoiCapped reads a run of digits, saturating far above any useful width.
func atoiCapped(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<20 {
			return 1 << 20
		}
	}
	return n
}

func invalidFormatSpec(spec string) *sqlerr.Error {
	return newErr(ErrInvalidFormatSpec, 1, "Invalid format specification: '%s'.", spec)
}

func paramTypeMismatch(n int) *sqlerr.Error {
	return newErr(ErrFormatParamType, 1, "The data type of substitution parameter %d does not match the expected type of the format specification.", n)
}

func starArg(v Value, n int, ok bool) (int, error) {
	if !ok || v.IsNull() {
		return 0, nil
	}
	if !v.typ.Kind.IsInteger() {
		return 0, paramTypeMismatch(n)
	}
	return int(v.n), nil
}

type fmtSpec struct {
	left, plus, zero, alt, space bool
	width, prec                  int
	i64                          bool
	verb                         byte
}

func (f *fmtSpec) pad(s string, zeroOK bool) string {
	n := utf8.RuneCountInString(s)
	if f.width <= n {
		return s
	}
	fill := f.width - n
	switch {
	case f.left:
		return s + strings.Repeat(" ", fill)
	case f.zero && zeroOK:
		// zeros go after any sign or 0x prefix
		sign := ""
		if s != "" && (s[0] == '-' || s[0] == '+' || s[0] == ' ') {
			sign, s = s[:1], s[1:]
		}
		if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
			sign, s = sign+s[:2], s[2:]
		}
		return sign + strings.Repeat("0", fill) + s
	}
	return strings.Repeat(" ", fill) + s
}

func (f *fmtSpec) render(v Value, n int, ok bool) (string, error) {
	if !ok || v.IsNull() {
		s := "(null)"
		if f.prec >= 0 && f.verb == 's' && f.prec < len(s) {
			s = s[:f.prec]
		}
		return f.pad(s, false), nil
	}
	k := v.typ.Kind
	if f.verb == 's' {
		var s string
		switch {
		case k.IsString():
			s = v.s
		case k.IsBinary():
			s = decodeCP1252(v.b)
		default:
			return "", paramTypeMismatch(n)
		}
		if f.prec >= 0 && utf8.RuneCountInString(s) > f.prec {
			s = string([]rune(s)[:f.prec])
		}
		return f.pad(s, false), nil
	}
	if !k.IsInteger() || k == Bit || (k == BigInt && !f.i64) {
		return "", paramTypeMismatch(n)
	}
	x := v.n
	var digits string
	neg := false
	switch f.verb {
	case 'd', 'i':
		if !f.i64 {
			x = int64(int32(x))
		}
		if x < 0 {
			neg = true
			digits = strconv.FormatUint(uint64(-x), 10)
		} else {
			digits = strconv.FormatInt(x, 10)
		}
	default:
		u := uint64(x)
		if !f.i64 {
			u = uint64(uint32(x))
		}
		base := 10
		switch f.verb {
		case 'o':
			base = 8
		case 'x', 'X':
			base = 16
		}
		digits = strconv.FormatUint(u, base)
		if f.verb == 'X' {
			digits = strings.ToUpper(digits)
		}
	}
	if f.prec >= 0 {
		if len(digits) < f.prec {
			digits = strings.Repeat("0", f.prec-len(digits)) + digits
		}
		if f.prec == 0 && x == 0 {
			digits = ""
		}
	}
	prefix := ""
	switch {
	case neg:
		prefix = "-"
	case (f.verb == 'd' || f.verb == 'i') && f.plus:
		prefix = "+"
	case (f.verb == 'd' || f.verb == 'i') && f.space:
		prefix = " "
	}
	if f.alt && x != 0 {
		switch f.verb {
		case 'o':
			if !strings.HasPrefix(digits, "0") {
				digits = "0" + digits
			}
		case 'x':
			prefix += "0x"
		case 'X':
			prefix += "0X"
		}
	}
	return f.pad(prefix+digits, f.prec < 0), nil
}

// FormatMessage fills a SQL Server message template (as in sys.messages and
// the emulator's own message tables) with Go values: %ls, %s, %hs and
// %.*ls take a string (the length argument of %.*ls is implied), %d, %i,
// %ld, %u and %I64d take an integer, %S_MSG a string. Other text is copied.
func FormatMessage(template string, args ...any) string {
	var b strings.Builder
	ai := 0
	next := func() any {
		if ai < len(args) {
			a := args[ai]
			ai++
			return a
		}
		ai++
		return nil
	}
	for i := 0; i < len(template); i++ {
		c := template[i]
		if c != '%' || i+1 >= len(template) {
			b.WriteByte(c)
			continue
		}
		rest := template[i+1:]
		var verb string
		for _, v := range []string{"%", ".*ls", ".*s", "S_MSG", "I64d", "ls", "hs", "ld", "lu", "s", "d", "i", "u", "x", "X"} {
			if strings.HasPrefix(rest, v) {
				verb = v
				break
			}
		}
		if verb == "" {
			b.WriteByte(c)
			continue
		}
		i += len(verb)
		switch verb {
		case "%":
			b.WriteByte('%')
		case "x", "X":
			s := fmt.Sprintf("%x", next())
			if verb == "X" {
				s = strings.ToUpper(s)
			}
			b.WriteString(s)
		default:
			a := next()
			if a == nil {
				b.WriteString("(null)")
				continue
			}
			fmt.Fprint(&b, a)
		}
	}
	return b.String()
}

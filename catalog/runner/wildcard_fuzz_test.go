package runner

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWildcard checks the matcher against a regular expression built from
// the same pattern. Rule patterns come from control procedures, so the
// matcher must also never panic or blow up on odd input.
func FuzzWildcard(f *testing.F) {
	for _, s := range [][2]string{
		{"*", ""}, {"load_*", "Load_Customers"}, {"a*b*c", "axxbyyc"}, {"?", ""}, {"**?*", "x"},
		{"[x]", "[x]"}, {"ü*", "Über"}, {"a*a*a*a*a*b", strings.Repeat("a", 64)}, {"\\.*", "\\.dtsx"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(name) || len(pattern) > 64 || len(name) > 256 {
			return
		}
		got := Wildcard(pattern, name)
		if pattern == "" {
			if !got {
				t.Fatal("empty pattern must match")
			}
			return
		}
		var b strings.Builder
		b.WriteString("(?s)^")
		for _, r := range strings.ToLower(pattern) {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString("$")
		want := regexp.MustCompile(b.String()).MatchString(strings.ToLower(name))
		if got != want {
			t.Fatalf("Wildcard(%q, %q) = %v, regexp says %v", pattern, name, got, want)
		}
	})
}

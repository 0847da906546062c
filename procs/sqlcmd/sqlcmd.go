// Package sqlcmd reads a script the way the sqlcmd tool does before any of
// it reaches a server: it splits the script into batches on lines that say
// GO (or GO n), runs the script's own commands (:setvar, :on error) and
// replaces $(NAME) with the scripting variable's value. Our script runner
// and the tests use it to send real deployment scripts batch by batch.
//
// The rules are sqlcmd's:
//
//   - GO separates batches only on a line of its own: any case, blanks
//     around it, an optional count (GO 3 runs the batch three times) and an
//     optional trailing -- comment. A GO inside a string, a [quoted] or
//     "quoted" name or a /* block comment */ (they nest, as on the server)
//     is text. Text after the last GO is a batch too.
//   - Commands start a line with a colon: :setvar NAME value (the value may
//     be "quoted", with "" for a quote; :setvar NAME alone removes it), :on
//     error exit|ignore, :reset, :quit and :exit. :r, :connect, :out, :error,
//     :serverlist, :listvar, :perftrace, :xml, :help, :ed and !! are
//     reported as unsupported. Any other colon line is T-SQL (and the server
//     will say so).
//   - $(NAME) is replaced everywhere outside comments, inside string
//     literals and bracketed names too. Names are case-insensitive. An
//     undefined name is an error, "'NAME' scripting variable not defined."
//   - Leading blank lines of a batch are dropped (so the server's line 1 is
//     the batch's first line with text); Batch.Line is that line's number in
//     the script, and Batch.ScriptLine turns a line the server reports for
//     the batch into a script line (command lines are not sent, so the
//     batch's lines and the script's can drift apart).
package sqlcmd

import (
	"fmt"
	"strconv"
	"strings"
)

// Batch is one batch of a script, ready to send.
type Batch struct {
	// Text is the batch with variables replaced, lines joined by "\n".
	Text string
	// Line is the 1-based script line where Text begins.
	Line int
	// Repeat is how many times to run the batch: n for GO n, else 1.
	Repeat int
	// ExitOnError is true when :on error exit was in force for the batch.
	ExitOnError bool
	// lines[i] is the script line of the batch's line i+1; command lines
	// such as :setvar are not sent, so the two can drift apart.
	lines []int
}

// ScriptLine turns a line number the server reported for this batch into
// a line number of the script.
func (b Batch) ScriptLine(serverLine int) int {
	switch {
	case serverLine < 1:
		return b.Line
	case serverLine <= len(b.lines):
		return b.lines[serverLine-1]
	case len(b.lines) > 0:
		return b.lines[len(b.lines)-1] + serverLine - len(b.lines)
	}
	return b.Line + serverLine - 1
}

// Options set what the script starts with.
type Options struct {
	// Vars are the scripting variables defined before the script runs, as
	// sqlcmd -v NAME=value defines them.
	Vars map[string]string
}

// Error is a problem sqlcmd itself reports (as opposed to the server).
type Error struct {
	Line    int
	Message string
}

func (e *Error) Error() string { return "Sqlcmd: Error: " + e.Message }

func syntaxErr(line int) *Error {
	return &Error{Line: line, Message: fmt.Sprintf("Syntax error at line %d.", line)}
}

func commandErr(line int, cmd string) *Error {
	return &Error{Line: line, Message: fmt.Sprintf("Syntax error at line %d near command '%s'.", line, cmd)}
}

// Split reads a whole script into its batches.
func Split(script string, opt Options) ([]Batch, error) {
	s := newSplitter(opt)
	// Editors such as SSMS save scripts with a byte order mark; sqlcmd reads
	// past it, and so do we.
	script = strings.TrimPrefix(script, "\ufeff")
	lines := strings.Split(script, "\n")
	// A final newline ends the last line; it does not start another.
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		done, err := s.line(i+1, strings.TrimSuffix(line, "\r"))
		if err != nil {
			return nil, err
		}
		if done {
			return s.out, nil
		}
	}
	s.flush(1)
	return s.out, nil
}

// lexState is where a line starts: in code, in a string or quoted name
// (quote holds the closing character), or inside comments (depth).
type lexState struct {
	quote   byte
	comment int
}

type splitter struct {
	vars        map[string]string
	exitOnError bool
	out         []Batch

	st        lexState
	buf       strings.Builder
	bufLines  int
	startLine int
	lineNos   []int
}

func newSplitter(opt Options) *splitter {
	s := &splitter{vars: map[string]string{}}
	for k, v := range opt.Vars {
		s.vars[strings.ToUpper(k)] = v
	}
	return s
}

// flush ends the current batch; blank batches are dropped, as sqlcmd drops
// them.
func (s *splitter) flush(repeat int) {
	if s.bufLines > 0 {
		s.out = append(s.out, Batch{Text: s.buf.String(), Line: s.startLine, Repeat: repeat, ExitOnError: s.exitOnError, lines: s.lineNos})
	}
	s.reset()
}

func (s *splitter) reset() {
	s.buf.Reset()
	s.bufLines = 0
	s.lineNos = nil
	s.st = lexState{}
}

// line handles one script line; done reports :quit or :exit.
func (s *splitter) line(n int, line string) (done bool, err error) {
	if s.st.quote == 0 && s.st.comment == 0 {
		if repeat, ok, err := goLine(n, line); ok || err != nil {
			if err != nil {
				return false, err
			}
			s.flush(repeat)
			return false, nil
		}
		if handled, done, err := s.command(n, line); handled || err != nil {
			return done, err
		}
	}
	text, err := s.scan(n, line)
	if err != nil {
		return false, err
	}
	if s.bufLines == 0 {
		if strings.TrimSpace(text) == "" && s.st.quote == 0 && s.st.comment == 0 {
			return false, nil // leading blank lines are not part of the batch
		}
		text = strings.TrimLeft(text, " \t")
		s.startLine = n
	} else {
		s.buf.WriteByte('\n')
	}
	s.buf.WriteString(text)
	s.bufLines++
	s.lineNos = append(s.lineNos, n)
	return false, nil
}

// goLine recognises GO, GO n and GO -- comment.
func goLine(n int, line string) (repeat int, ok bool, err error) {
	t := strings.TrimSpace(line)
	if len(t) < 2 || !strings.EqualFold(t[:2], "go") {
		return 0, false, nil
	}
	rest := t[2:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' && !strings.HasPrefix(rest, "--") {
		return 0, false, nil // GOTO, GO;, GOx
	}
	if i := strings.Index(rest, "--"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return 1, true, nil
	}
	count, cerr := strconv.Atoi(rest)
	if cerr != nil || count < 1 {
		return 0, false, commandErr(n, "GO")
	}
	return count, true, nil
}

// command runs a :command line. handled reports that the line was one.
func (s *splitter) command(n int, line string) (handled, done bool, err error) {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "!!") {
		return true, false, &Error{Line: n, Message: fmt.Sprintf("The !! command is not supported (line %d).", n)}
	}
	word, args := t, ""
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		word, args = t[:i], strings.TrimSpace(t[i+1:])
	}
	upper := strings.ToUpper(word)
	if !strings.HasPrefix(upper, ":") {
		// QUIT, EXIT and RESET work without the colon when alone on a line.
		switch upper {
		case "QUIT", "EXIT", "RESET":
			if args != "" {
				return false, false, nil
			}
			upper = ":" + upper
		default:
			return false, false, nil
		}
	}
	switch {
	case upper == ":SETVAR":
		return true, false, s.setvar(n, args)
	case upper == ":ON":
		f := strings.Fields(strings.ToUpper(args))
		if len(f) != 2 || f[0] != "ERROR" || f[1] != "EXIT" && f[1] != "IGNORE" {
			return true, false, commandErr(n, ":ON ERROR")
		}
		s.exitOnError = f[1] == "EXIT"
		return true, false, nil
	case upper == ":RESET":
		s.reset()
		return true, false, nil
	case upper == ":QUIT", upper == ":EXIT" && args == "":
		return true, true, nil
	case upper == ":EXIT", strings.HasPrefix(upper, ":EXIT("):
		return true, false, &Error{Line: n, Message: fmt.Sprintf("The :EXIT(query) command is not supported (line %d).", n)}
	case upper == ":R", upper == ":CONNECT", upper == ":OUT", upper == ":ERROR", upper == ":SERVERLIST",
		upper == ":LISTVAR", upper == ":PERFTRACE", upper == ":XML", upper == ":HELP", upper == ":ED":
		return true, false, &Error{Line: n, Message: fmt.Sprintf("The %s command is not supported (line %d).", strings.ToLower(upper), n)}
	}
	return false, false, nil
}

// setvar runs :setvar NAME [value].
func (s *splitter) setvar(n int, args string) error {
	name, rest := args, ""
	if i := strings.IndexAny(args, " \t"); i >= 0 {
		name, rest = args[:i], strings.TrimSpace(args[i+1:])
	}
	if !validName(name) {
		return commandErr(n, ":setvar")
	}
	key := strings.ToUpper(name)
	if rest == "" {
		delete(s.vars, key)
		return nil
	}
	if rest[0] == '"' {
		var b strings.Builder
		i := 1
		for {
			j := strings.IndexByte(rest[i:], '"')
			if j < 0 {
				return commandErr(n, ":setvar")
			}
			b.WriteString(rest[i : i+j])
			i += j + 1
			if i < len(rest) && rest[i] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		if strings.TrimSpace(rest[i:]) != "" {
			return commandErr(n, ":setvar")
		}
		s.vars[key] = b.String()
		return nil
	}
	if strings.ContainsAny(rest, " \t") {
		return commandErr(n, ":setvar")
	}
	s.vars[key] = rest
	return nil
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c >= 0x80) {
			return false
		}
	}
	return true
}

// scan walks one line of T-SQL, keeping the lexical state across lines and
// replacing $(NAME) outside comments.
func (s *splitter) scan(n int, line string) (string, error) {
	var out strings.Builder
	last := 0
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case s.st.comment > 0:
			switch {
			case c == '/' && i+1 < len(line) && line[i+1] == '*':
				s.st.comment++
				i += 2
			case c == '*' && i+1 < len(line) && line[i+1] == '/':
				s.st.comment--
				i += 2
			default:
				i++
			}
			continue
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			end := strings.IndexByte(line[i+2:], ')')
			if end < 0 {
				return "", syntaxErr(n)
			}
			name := line[i+2 : i+2+end]
			if !validName(name) {
				return "", syntaxErr(n)
			}
			val, ok := s.vars[strings.ToUpper(name)]
			if !ok {
				return "", &Error{Line: n, Message: fmt.Sprintf("'%s' scripting variable not defined.", name)}
			}
			out.WriteString(line[last:i])
			out.WriteString(val)
			i += 2 + end + 1
			last = i
			continue
		case s.st.quote != 0:
			if c == s.st.quote {
				if i+1 < len(line) && line[i+1] == s.st.quote {
					i += 2
					continue
				}
				s.st.quote = 0
			}
		case c == '\'' || c == '"':
			s.st.quote = c
		case c == '[':
			s.st.quote = ']'
		case c == '-' && i+1 < len(line) && line[i+1] == '-':
			i = len(line) // the rest is a comment
			continue
		case c == '/' && i+1 < len(line) && line[i+1] == '*':
			s.st.comment = 1
			i += 2
			continue
		}
		i++
	}
	if last == 0 {
		return line, nil
	}
	out.WriteString(line[last:])
	return out.String(), nil
}

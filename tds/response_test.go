package tds

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// packetLog is a transport that records the packets written to it.
type packetLog struct {
	packets [][]byte
	total   int
}

func (p *packetLog) Write(b []byte) (int, error) {
	p.packets = append(p.packets, append([]byte(nil), b[:headerLen]...))
	p.total += len(b)
	return len(b), nil
}

func testConn(w *packetLog, ver uint32) *conn {
	s := &Server{cfg: Config{ServerName: "TEST"}}
	c := &conn{srv: s, ver: ver, coll: DefaultCollation}
	c.pw = packetWriter{w: w, size: 4096, spid: 51}
	return c
}

// A long result streams: the buffer never holds more than a packet and a
// row, whatever the number of rows.
func TestResponseStreams(t *testing.T) {
	w := &packetLog{}
	c := testConn(w, verTDS74)
	r := newResponse(c, context.Background(), pktBatch)
	cols := []Column{{Name: "n", Type: TypeInfo{ID: TypeInt8}}, {Name: "s", Type: TypeInfo{ID: TypeNVarChar, Size: 100}}}
	if err := r.Columns(cols); err != nil {
		t.Fatal(err)
	}
	const rows = 1000000
	for i := 0; i < rows; i++ {
		if err := r.Row([]any{int64(i), "a row of text"}); err != nil {
			t.Fatal(err)
		}
		if len(r.b) > 4096+64 {
			t.Fatalf("after row %d the response buffer holds %d bytes", i, len(r.b))
		}
	}
	r.Done(Done{Kind: DoneStatement, Status: DoneCount, CurCmd: CmdSelect, RowCount: rows})
	r.finish(nil, false)
	r.release()
	const rowBytes = 1 + 8 + 2 + 26
	if w.total < rows*rowBytes || len(w.packets) < rows*rowBytes/4096 {
		t.Fatalf("%d bytes in %d packets", w.total, len(w.packets))
	}
	for i, h := range w.packets {
		hd, _ := decodeHeader(h)
		last := i == len(w.packets)-1
		if (hd.Status == statusEOM) != last || int(hd.Length) > 4096 {
			t.Fatalf("packet %d: %+v", i, hd)
		}
	}
}

func TestResponseEndings(t *testing.T) {
	i4 := TypeInfo{ID: TypeIntN, Size: 4}
	cases := []struct {
		name  string
		typ   uint8
		write func(r *response)
		fatal error
		attn  bool
		want  string
	}{
		{"engine wrote nothing", pktBatch, func(r *response) {}, nil, false, "DONEFD(st=0x0 cmd=0x0 rows=0)"},
		{"error without a DONE", pktBatch, func(r *response) {
			r.Message(Message{Number: 208, Class: 16, State: 1, Text: "x"})
		}, nil, false, `MSG(208,16,1 "x") DONEFD(st=0x2 cmd=0x0 rows=0)`},
		{"statements: MORE on all but the last", pktBatch, func(r *response) {
			r.Done(Done{Kind: DoneStatement, Status: DoneCount, CurCmd: CmdInsert, RowCount: 1})
			r.Done(Done{Kind: DoneStatement, Status: DoneCount | DoneMore, CurCmd: CmdInsert, RowCount: 2})
		}, nil, false, "DONEFD(st=0x11 cmd=0xc3 rows=1) DONEFD(st=0x10 cmd=0xc3 rows=2)"},
		{"RPC ends with DONEPROC", pktRPC, func(r *response) {
			r.Done(Done{Kind: DoneInProc, Status: DoneCount | DoneInXact, CurCmd: CmdSelect, RowCount: 3})
		}, nil, false, "DONEFF(st=0x15 cmd=0xc1 rows=3) DONEFE(st=0x4 cmd=0x0 rows=0)"},
		{"attention after rows", pktBatch, func(r *response) {
			r.Columns([]Column{{Name: "a", Type: i4}})
			r.Row([]any{int64(1)})
			r.Done(Done{Kind: DoneStatement, Status: DoneCount, CurCmd: CmdSelect, RowCount: 1})
		}, nil, true, "COLMETADATA(1) ROWD1[1] DONEFD(st=0x11 cmd=0xc1 rows=1) DONEFD(st=0x20 cmd=0x0 rows=0)"},
		{"engine error that is not a message", pktBatch, func(r *response) {}, errors.New("bug"), false,
			`MSG(0,20,0 "A severe error occurred on the current command.  The results, if any, should be discarded.") DONEFD(st=0x102 cmd=0x0 rows=0)`},
		{"returned message", pktRPC, func(r *response) {}, &Message{Number: 50000, Class: 20, State: 1, Text: "gone"}, false,
			`MSG(50000,20,1 "gone") DONEFE(st=0x102 cmd=0x0 rows=0)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			conn := testConn(nil, verTDS74)
			conn.pw.w = &out
			r := newResponse(conn, context.Background(), c.typ)
			c.write(r)
			r.finish(c.fatal, c.attn)
			r.release()
			pr := packetReader{r: &out, maxSize: 1 << 20}
			m, err := pr.readMessage()
			if err != nil {
				t.Fatal(err)
			}
			toks, err := parseTokens(m.data, verTDS74)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range toks {
				got = append(got, tk.String())
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}

func TestResponseRejectsEngineMistakes(t *testing.T) {
	conn := testConn(&packetLog{}, verTDS74)
	r := newResponse(conn, context.Background(), pktBatch)
	if err := r.Row([]any{int64(1)}); err == nil {
		t.Error("Row before Columns accepted")
	}
	if err := r.Columns(nil); err == nil {
		t.Error("a result set without columns accepted")
	}
	if err := r.Columns([]Column{{Name: "x", Type: TypeInfo{ID: TypeNull}}}); err == nil {
		t.Error("a NULLTYPE column accepted")
	}
	r.Columns([]Column{{Name: "x", Type: TypeInfo{ID: TypeInt4}}})
	if err := r.Row([]any{int64(1), int64(2)}); err == nil {
		t.Error("a row with too many values accepted")
	}
	if err := r.Row([]any{nil}); err == nil {
		t.Error("NULL in an int NOT NULL column accepted")
	}
	if err := r.Done(Done{Kind: 0x42}); err == nil {
		t.Error("unknown DONE kind accepted")
	}
	if err := r.EnvChange(EnvChange{Type: 13}); err == nil {
		t.Error("mirror-partner ENVCHANGE accepted")
	}
	if err := r.ReturnValue(ReturnValue{Name: "@t", Type: TypeInfo{ID: TypeText}, Value: "x"}); err == nil {
		t.Error("text return value accepted")
	}
	// After cancellation the writer tells the engine to stop, with the cause.
	ctx, cancel := context.WithCancelCause(context.Background())
	r2 := newResponse(testConn(&packetLog{}, verTDS74), ctx, pktBatch)
	cancel(ErrAttention)
	if err := r2.Message(Message{Text: "x"}); !errors.Is(err, ErrAttention) {
		t.Errorf("write after ATTENTION: %v", err)
	}
}

func TestRowFormChoice(t *testing.T) {
	var cols []Column
	var vals, nulls []any
	for i := 0; i < 16; i++ {
		cols = append(cols, Column{Name: "c", Type: TypeInfo{ID: TypeNVarChar, Size: 20, Collation: DefaultCollation}})
		vals = append(vals, "v")
		nulls = append(nulls, nil)
	}
	css := make([]*charset, len(cols))
	for i := range css {
		css[i] = charsetFor(DefaultCollation)
	}
	b, _ := appendRow(nil, cols, css, vals, true)
	if b[0] != tokRow {
		t.Errorf("a row without NULLs used token 0x%02X", b[0])
	}
	b, _ = appendRow(nil, cols, css, nulls, true)
	if b[0] != tokNBCRow || len(b) != 1+2 {
		t.Errorf("a row of NULLs: % X", b)
	}
	b, _ = appendRow(nil, cols, css, nulls, false)
	if b[0] != tokRow || len(b) != 1+2*16 {
		t.Errorf("a row of NULLs for a pre-7.3 client: % X", b)
	}
	// The NBCROW decodes to the same values.
	b, _ = appendRow(nil, cols, css, append([]any{"x"}, nulls[1:]...), true)
	toks, err := parseTokens(append(appendColMetadata(nil, cols), b...), verTDS74)
	if err != nil || len(toks) != 2 || toks[1].Row[0] != "x" || toks[1].Row[15] != nil {
		t.Errorf("NBCROW decoded as %v, %v", toks, err)
	}
}

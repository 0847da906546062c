package tds

import (
	"fmt"
	"io"
)

// ALL_HEADERS header types.
const (
	hdrQueryNotification = 1
	hdrTransaction       = 2
	hdrTraceActivity     = 3
)

// allHeaders is the decoded ALL_HEADERS block that starts SQLBatch, RPC and
// TransMgrReq messages from TDS 7.2 on.
type allHeaders struct {
	Descriptor  uint64
	Outstanding uint32
}

func readAllHeaders(r *rbuf, ver uint32) (allHeaders, error) {
	var h allHeaders
	if ver < verTDS72 {
		return h, nil
	}
	start := r.off
	total := int(r.u32())
	if r.err != nil {
		return h, r.err
	}
	if total < 4 || total > len(r.b)-start {
		return h, malformed("ALL_HEADERS length %d is out of bounds", total)
	}
	end := start + total
	for r.off < end {
		hs := r.off
		n := int(r.u32())
		typ := r.u16()
		if r.err != nil {
			return h, r.err
		}
		if n < 6 || hs+n > end {
			return h, malformed("ALL_HEADERS entry length %d is out of bounds", n)
		}
		if typ == hdrTransaction && n >= 18 {
			h.Descriptor = r.u64()
			h.Outstanding = r.u32()
		}
		r.off = hs + n
	}
	return h, nil
}

// decodeBatch returns the text of an SQLBatch message.
func decodeBatch(b []byte, ver uint32) (string, allHeaders, error) {
	r := rbuf{b: b}
	h, err := readAllHeaders(&r, ver)
	if err != nil {
		return "", h, err
	}
	return decodeUTF16(b[r.off:]), h, nil
}

// procNames are the procedures behind the well-known RPC ids.
var procNames = [...]string{
	ProcCursor:          "sp_cursor",
	ProcCursorOpen:      "sp_cursoropen",
	ProcCursorPrepare:   "sp_cursorprepare",
	ProcCursorExecute:   "sp_cursorexecute",
	ProcCursorPrepExec:  "sp_cursorprepexec",
	ProcCursorUnprepare: "sp_cursorunprepare",
	ProcCursorFetch:     "sp_cursorfetch",
	ProcCursorOption:    "sp_cursoroption",
	ProcCursorClose:     "sp_cursorclose",
	ProcExecuteSQL:      "sp_executesql",
	ProcPrepare:         "sp_prepare",
	ProcExecute:         "sp_execute",
	ProcPrepExec:        "sp_prepexec",
	ProcPrepExecRPC:     "sp_prepexecrpc",
	ProcUnprepare:       "sp_unprepare",
}

// maxRPCParams is SQL Server's limit on parameters per RPC.
const maxRPCParams = 2100

// rpcDecoder walks the RPCs of one RPC message.
type rpcDecoder struct {
	r       rbuf
	ver     uint32
	headers allHeaders
	started bool
}

func newRPCDecoder(b []byte, ver uint32) (*rpcDecoder, error) {
	d := &rpcDecoder{r: rbuf{b: b}, ver: ver}
	h, err := readAllHeaders(&d.r, ver)
	if err != nil {
		return nil, err
	}
	d.headers = h
	return d, nil
}

// isBatchFlag reports whether c separates two RPCs of one message.
func (d *rpcDecoder) isBatchFlag(c uint8) bool {
	if d.ver >= verTDS72 {
		return c == 0xFF || c == 0xFE
	}
	return c == 0x80
}

// next decodes the next RPC; it returns io.EOF after the last one. A
// *Message error is a request the server answers with that error; any
// other error is malformed input.
func (d *rpcDecoder) next() (*RPCRequest, error) {
	r := &d.r
	if d.started {
		c, ok := r.peek()
		if !ok {
			return nil, io.EOF
		}
		if !d.isBatchFlag(c) {
			return nil, malformed("unexpected byte 0x%02X after an RPC", c)
		}
		r.off++
		if r.left() == 0 {
			return nil, io.EOF
		}
	}
	d.started = true
	rpc := &RPCRequest{Descriptor: d.headers.Descriptor}
	n := r.u16()
	if r.err != nil {
		return nil, r.err
	}
	if n == 0xFFFF {
		rpc.ProcID = r.u16()
		if r.err != nil {
			return nil, r.err
		}
		if int(rpc.ProcID) >= len(procNames) || procNames[rpc.ProcID] == "" {
			return nil, rpcError(8004, "The RPC name is invalid.")
		}
		rpc.Name = procNames[rpc.ProcID]
	} else {
		if n == 0 {
			return nil, rpcError(8004, "The RPC name is invalid.")
		}
		rpc.Name = r.ucs2(int(n))
	}
	rpc.Options = r.u16()
	if r.err != nil {
		return nil, r.err
	}
	for {
		c, ok := r.peek()
		if !ok || d.isBatchFlag(c) {
			break
		}
		if len(rpc.Params) == maxRPCParams {
			return nil, rpcError(8003, "Too many parameters were provided in this RPC request. The maximum is %d.", maxRPCParams)
		}
		p, err := d.param(len(rpc.Params) + 1)
		if err != nil {
			return nil, err
		}
		rpc.Params = append(rpc.Params, p)
	}
	if r.err != nil {
		return nil, r.err
	}
	return rpc, nil
}

func (d *rpcDecoder) param(ordinal int) (Param, error) {
	r := &d.r
	var p Param
	p.Name = r.bVarchar()
	status := r.u8()
	if r.err != nil {
		return p, r.err
	}
	if status&^0x03 != 0 {
		// 0x08 marks an Always Encrypted value, which this server cannot decrypt.
		return p, rpcError(8006, "Parameter %d: The parameter status flags are invalid.", ordinal)
	}
	p.Output = status&0x01 != 0
	p.Default = status&0x02 != 0
	ti, err := readTypeInfo(r, formParam)
	if err == nil {
		p.Type = ti
		if ti.ID == TypeNull && p.Output {
			return p, rpcError(8015, "Parameter %d (\"%s\"): Data type 0x%02X is an untyped NULL but is marked as an output parameter.", ordinal, p.Name, uint8(ti.ID))
		}
		if p.Output && (ti.ID == TypeText || ti.ID == TypeNText || ti.ID == TypeImage) {
			return p, rpcError(8018, "Invalid parameter %d ('%s'): Data type 0x%02X is a deprecated large object, or LOB, but is marked as output parameter. Deprecated types are not supported as output parameters. Use current large object types instead.", ordinal, p.Name, uint8(ti.ID))
		}
		p.Value, err = readValue(r, &ti, formParam)
	}
	if err != nil {
		if ve, ok := err.(*valueError); ok {
			if ve.typ == 0 {
				ve.typ = ti.ID
			}
			return p, paramError(ve, ordinal, p.Name)
		}
		return p, err
	}
	return p, nil
}

// rpcError builds an RPC stream error: class 16, state 1, the connection
// stays usable.
func rpcError(number int32, format string, args ...any) *Message {
	const prefix = "The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. "
	text := fmt.Sprintf(format, args...)
	if number != 8018 {
		text = prefix + text
	}
	return &Message{Number: number, State: 1, Class: 16, Text: text}
}

func paramError(ve *valueError, ordinal int, name string) *Message {
	t := uint8(ve.typ)
	switch ve.kind {
	case verrLength:
		return rpcError(8016, "Parameter %d (\"%s\"): Data type 0x%02X has an invalid data length or metadata length.", ordinal, name, t)
	case verrPrecision:
		return rpcError(8017, "Parameter %d (\"%s\"): Data type 0x%02X has an invalid precision or scale.", ordinal, name, t)
	case verrChunks:
		return rpcError(8007, "Parameter %d (\"%s\"): The chunking format is incorrect for a large object parameter of type 0x%02X.", ordinal, name, t)
	case verrVariantLen:
		return rpcError(8011, "Parameter %d (\"%s\"): Data type 0x%02X (sql_variant) has an invalid length for type-specific metadata.", ordinal, name, t)
	case verrVariantPrec:
		return rpcError(8012, "Parameter %d (\"%s\"): Data type 0x%02X (sql_variant) has an invalid precision or scale for type-specific metadata.", ordinal, name, t)
	case verrVariantInst:
		return rpcError(8013, "Parameter %d (\"%s\"): Data type 0x%02X (sql_variant) has an invalid instance length.", ordinal, name, t)
	case verrVariantType:
		return rpcError(8014, "Parameter %d (\"%s\"): Data type 0x%02X (sql_variant) has an invalid type for type-specific metadata.", ordinal, name, t)
	case verrInstance:
		return rpcError(8023, "Parameter %d (\"%s\"): The supplied value is not a valid instance of data type %s. Check the source data for invalid values. An example of an invalid value is data of numeric type with scale greater than precision.", ordinal, name, typeName(ve.typ))
	case verrOddLength:
		return rpcError(8028, "Parameter %d (\"%s\"): The supplied length is not valid for data type %s. Check the source data for invalid lengths. An example of an invalid length is data of nchar type with an odd length in bytes.", ordinal, name, typeName(ve.typ))
	}
	return rpcError(8009, "Parameter %d (\"%s\"): Data type 0x%02X is unknown.", ordinal, name, t)
}

// decodeTransMgr decodes a TransMgrReq message.
func decodeTransMgr(b []byte, ver uint32) (*TransMgrRequest, error) {
	r := rbuf{b: b}
	h, err := readAllHeaders(&r, ver)
	if err != nil {
		return nil, err
	}
	req := &TransMgrRequest{Kind: TransMgrKind(r.u16()), Descriptor: h.Descriptor, OutstandingReqCnt: h.Outstanding}
	if r.err != nil {
		return nil, r.err
	}
	switch req.Kind {
	case TMBegin, TMCommit, TMRollback, TMSave, TMPromote:
	default:
		return req, nil // DTC requests: the session answers them with an error
	}
	body := r
	// Names are B_VARCHAR (a count of characters); tedious writes a count of
	// bytes instead. Try characters first and take whichever reading uses
	// the message exactly.
	for _, unit := range []int{2, 1} {
		r = body
		if decodeTransMgrBody(&r, req, unit) && r.err == nil && r.left() == 0 {
			return req, nil
		}
	}
	return nil, malformed("TransMgrReq of type %d is malformed", req.Kind)
}

func decodeTransMgrBody(r *rbuf, req *TransMgrRequest, unit int) bool {
	name := func() string {
		n := int(r.u8())
		if unit == 1 && n%2 != 0 {
			r.fail(errTruncated)
			return ""
		}
		return r.ucs2(n * unit / 2)
	}
	req.Name, req.BeginNew, req.NewIsolation, req.NewName, req.Isolation = "", false, 0, "", 0
	switch req.Kind {
	case TMBegin:
		req.Isolation = r.u8()
		req.Name = name()
	case TMCommit, TMRollback:
		req.Name = name()
		flags := r.u8()
		if flags&0x01 != 0 {
			req.BeginNew = true
			req.NewIsolation = r.u8()
			req.NewName = name()
		}
	case TMSave:
		req.Name = name()
	}
	return true
}

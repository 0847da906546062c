package tds

import (
	"context"
	"net"
)

// This file is the seam between the wire and the engine. The engine (package
// procs) implements Handler and Session; the wire implements ResultWriter.
// Nothing here knows T-SQL or SSISDB.

// Authenticator checks a login name and password. The catalog's principals
// implement it. It must take the same time whether or not the login exists,
// and the server answers both failures with the same 18456 reply.
type Authenticator interface {
	Authenticate(ctx context.Context, login, password string) bool
}

// NTLMAuthenticator is implemented by an Authenticator that can also check
// Windows-style logins (DOMAIN\name) by NTLM. Real clients turn such a user
// name into integrated security: go-mssqldb and FreeTDS (tsql, ODBC) on
// Linux send NTLM inside LOGIN7, tedious does with authentication type
// 'ntlm'. The server never sees the password; it checks the client's NTLMv2
// (or LMv2) response against the NT hash. Without this interface an
// integrated login gets 18452.
type NTLMAuthenticator interface {
	// NTHash returns the login that an NTLM domain and user name stand for
	// and its NT hash (MD4 of the UTF-16LE password). ok is false when no
	// enabled Windows-style login with a password matches; hash is then a
	// fixed dummy, so that an unknown login costs the server the same work
	// as a wrong password. SQL logins never match.
	NTHash(ctx context.Context, domain, user string) (login string, hash [16]byte, ok bool)
}

// Handler opens a session for a client whose login has been authenticated.
type Handler interface {
	// Open is called once per connection after authentication. An error of
	// type *Message (for example 4060 for an unknown database) is sent to the
	// client, followed by 18456, and the connection is closed.
	Open(ctx context.Context, login *Login) (Session, *LoginResult, error)
}

// Login is the decoded LOGIN7 request plus what the server knows of the
// connection.
type Login struct {
	TDSVersion     uint32 // as the client sent it, e.g. 0x74000004
	PacketSize     uint32 // requested
	ClientProgVer  uint32
	ClientPID      uint32
	ConnectionID   uint32
	OptionFlags1   uint8
	OptionFlags2   uint8
	TypeFlags      uint8
	OptionFlags3   uint8
	ClientTimeZone int32
	ClientLCID     uint32
	HostName       string
	UserName       string
	Password       string // de-obfuscated
	AppName        string
	ServerName     string
	CtlIntName     string // client interface library name
	Language       string
	Database       string // "" means the login's default database
	ClientID       [6]byte
	AttachDBFile   string
	ChangePassword string
	Features       []Feature // FeatureExt entries, in order

	SPID       uint16 // the session id this server assigned
	RemoteAddr net.Addr
	Encrypted  bool // the whole session runs over TLS
	// Integrated is set when the client logged in by NTLM (LOGIN7's
	// fIntSecurity). UserName is then DOMAIN\user as the client spelled it
	// (or the matched login's name when the client sent no domain), and
	// Password is empty.
	Integrated bool

	sspi []byte // LOGIN7's SSPI data, until the login uses it
}

// Feature is one FeatureExt entry of LOGIN7.
type Feature struct {
	ID   uint8
	Data []byte
}

// LoginResult is what the engine decided at login; the wire turns it into
// the ENVCHANGE/INFO sequence of the login reply.
type LoginResult struct {
	Database string // the current database after login, e.g. "master"
	Language string // e.g. "us_english"
}

// Session runs the requests of one connection, one at a time. ctx is
// cancelled (with a cause) when the client sends ATTENTION or disconnects.
// A non-nil error return means the connection must be closed after what has
// been written is flushed (for example after a severity 20 error).
type Session interface {
	Batch(ctx context.Context, sql string, w ResultWriter) error
	// RPC runs one remote procedure call. Several RPCs in one message arrive
	// as consecutive calls with the same writer.
	RPC(ctx context.Context, rpc *RPCRequest, w ResultWriter) error
	TransMgr(ctx context.Context, req *TransMgrRequest, w ResultWriter) error
	// Reset is RESETCONNECTION (keepTransaction=false) or
	// RESETCONNECTIONSKIPTRAN (keepTransaction=true). The wire sends the
	// ENVCHANGE 18 acknowledgement itself.
	Reset(ctx context.Context, keepTransaction bool) error
	Close()
}

// ResultWriter streams one response to the client. The wire keeps the last
// DONE-family token back until it knows whether more follows, so the engine
// never sets DONE_MORE; the wire also adds DONE_ATTN after an ATTENTION. An
// error return means the client is gone or the request was cancelled: stop.
type ResultWriter interface {
	// Columns starts a result set (COLMETADATA).
	Columns(cols []Column) error
	// Row sends one row; values follow the Go conventions of TypeInfo.
	Row(values []any) error
	Done(d Done) error
	// Message sends INFO (class <= 10) or ERROR (class >= 11).
	Message(m Message) error
	ReturnStatus(status int32) error
	ReturnValue(v ReturnValue) error
	EnvChange(c EnvChange) error
	// Flush sends what is buffered now (RAISERROR ... WITH NOWAIT).
	Flush() error
}

// DoneKind selects the DONE token.
type DoneKind uint8

const (
	DoneStatement DoneKind = 0xFD // DONE
	DoneProc      DoneKind = 0xFE // DONEPROC
	DoneInProc    DoneKind = 0xFF // DONEINPROC
)

// DONE status bits the engine may set. DONE_MORE and DONE_ATTN belong to
// the wire.
const (
	DoneFinal    uint16 = 0x00
	DoneMore     uint16 = 0x01
	DoneError    uint16 = 0x02
	DoneInXact   uint16 = 0x04
	DoneCount    uint16 = 0x10
	DoneAttn     uint16 = 0x20
	DoneSrvError uint16 = 0x100
)

// CurCmd values for DONE tokens.
const (
	CmdSelect  uint16 = 0xC1
	CmdInsert  uint16 = 0xC3
	CmdDelete  uint16 = 0xC4
	CmdUpdate  uint16 = 0xC5
	CmdExecute uint16 = 0xE0
	CmdBeginTx uint16 = 0xD4
	CmdCommit  uint16 = 0xD5
	CmdRollbck uint16 = 0xD2
)

// Done is a DONE, DONEPROC or DONEINPROC token.
type Done struct {
	Kind     DoneKind
	Status   uint16
	CurCmd   uint16
	RowCount uint64
}

// Message is an INFO or ERROR token; it is also the error type Handler.Open
// returns for a refused login.
type Message struct {
	Number int32
	State  uint8
	Class  uint8 // severity; <= 10 is sent as INFO
	Text   string
	Server string // filled with the server name when empty
	Proc   string
	Line   int32
}

func (m *Message) Error() string { return m.Text }

// Column describes one column of a result set.
type Column struct {
	Name     string
	Type     TypeInfo
	Nullable bool
	Identity bool
}

// ReturnValue is an OUTPUT parameter (or UDF return value) of an RPC.
type ReturnValue struct {
	Ordinal uint16
	Name    string // with the leading '@'
	UDF     bool   // status 0x02 instead of 0x01
	Type    TypeInfo
	Value   any
}

// EnvChangeType is the ENVCHANGE type byte.
type EnvChangeType uint8

const (
	EnvDatabase     EnvChangeType = 1
	EnvLanguage     EnvChangeType = 2
	EnvPacketSize   EnvChangeType = 4
	EnvCollation    EnvChangeType = 7
	EnvBeginTran    EnvChangeType = 8
	EnvCommitTran   EnvChangeType = 9
	EnvRollbackTran EnvChangeType = 10
	EnvResetConnAck EnvChangeType = 18
)

// EnvChange is an ENVCHANGE token. String-valued types (database, language,
// packet size) use New/Old; transaction types use the 8-byte descriptor in
// Descriptor.
type EnvChange struct {
	Type       EnvChangeType
	New, Old   string
	Descriptor uint64
}

// TransMgrKind is the request type of a transaction manager request.
type TransMgrKind uint16

const (
	TMBegin    TransMgrKind = 5
	TMPromote  TransMgrKind = 6
	TMCommit   TransMgrKind = 7
	TMRollback TransMgrKind = 8
	TMSave     TransMgrKind = 9
)

// TransMgrRequest is a decoded TransMgrReq message (packet type 0x0E).
type TransMgrRequest struct {
	Kind      TransMgrKind
	Isolation uint8  // BEGIN: 0 keep, 1 RU, 2 RC, 3 RR, 4 serializable, 5 snapshot
	Name      string // transaction or savepoint name
	// COMMIT/ROLLBACK with fBeginXact: start a new transaction afterwards.
	BeginNew          bool
	NewIsolation      uint8
	NewName           string
	Descriptor        uint64 // from ALL_HEADERS
	OutstandingReqCnt uint32
}

// Well-known RPC procedure ids (RPC sent with ProcIDSwitch 0xFFFF).
const (
	ProcCursor          uint16 = 1
	ProcCursorOpen      uint16 = 2
	ProcCursorPrepare   uint16 = 3
	ProcCursorExecute   uint16 = 4
	ProcCursorPrepExec  uint16 = 5
	ProcCursorUnprepare uint16 = 6
	ProcCursorFetch     uint16 = 7
	ProcCursorOption    uint16 = 8
	ProcCursorClose     uint16 = 9
	ProcExecuteSQL      uint16 = 10
	ProcPrepare         uint16 = 11
	ProcExecute         uint16 = 12
	ProcPrepExec        uint16 = 13
	ProcPrepExecRPC     uint16 = 14
	ProcUnprepare       uint16 = 15
)

// RPCRequest is one decoded remote procedure call.
type RPCRequest struct {
	// Name is the procedure name as sent; for a call by well-known id it is
	// that procedure's name (for example "sp_executesql").
	Name       string
	ProcID     uint16 // the well-known id, or 0 for a call by name
	Options    uint16 // 0x01 recompile, 0x02 no metadata, 0x04 reuse metadata
	Params     []Param
	Descriptor uint64 // transaction descriptor from ALL_HEADERS
}

// Param is one RPC parameter.
type Param struct {
	Name    string // with '@', or "" for a positional parameter
	Output  bool   // status 0x01 (by reference)
	Default bool   // status 0x02
	Type    TypeInfo
	Value   any
}

// Package tds is the wire side of the emulator: a TDS 7.x/8.0 server that
// speaks to SQL Server clients (go-mssqldb, sqlcmd, ODBC, tedious, FreeTDS)
// and hands their requests to an engine through the Handler and Session
// interfaces of api.go. It knows nothing of T-SQL or SSISDB.
//
// # Lifecycle of a connection
//
//  1. Accept. Over Config.MaxConnections the client still gets a PRELOGIN
//     answer and, at LOGIN7, error 17809 before the connection closes.
//     Config.LoginTimeout covers everything up to the login reply.
//  2. First byte. 0x12 is a TDS 7.x PRELOGIN; 0x16 is a TLS ClientHello, so
//     the client wants TDS 8.0 (strict): TLS (1.2 or 1.3, ALPN tds/8.0) runs
//     first and PRELOGIN follows inside it.
//  3. PRELOGIN. The ENCRYPTION reply follows the table of negotiateEncryption:
//     NOT_SUP when TLS is off; with TLS on, TLS for the LOGIN7 packet only
//     (client said OFF) or for the whole session (ON/REQ); with TLS required,
//     everything is encrypted and a client that will not encrypt is refused.
//     The TDS 7.x handshake travels inside PRELOGIN packets and stops at
//     TLS 1.2 (a TLS 1.3 server sends session tickets the clients misread).
//  4. LOGIN7. Every field is decoded (password de-obfuscated, FeatureExt
//     read). The Authenticator decides; a failure is Msg 18456 and close,
//     the same reply for an unknown login and a wrong password. A LOGIN7
//     with fIntSecurity (what clients send for a DOMAIN\user name) runs
//     NTLM instead when the Authenticator is an NTLMAuthenticator: the
//     NEGOTIATE in LOGIN7's SSPI field is answered with a CHALLENGE in an
//     SSPI token, the AUTHENTICATE comes back as packet type 0x11, and its
//     NTLMv2 or LMv2 response is checked against the login's NT hash
//     (ntlm.go). Anything else integrated gets Msg 18452. The
//     Handler opens the Session (its *Message error, such as 4060, goes out
//     before the 18456). The reply is ENVCHANGE database, INFO 5701,
//     ENVCHANGE collation, ENVCHANGE language, INFO 5703, LOGINACK (TDS 7.4,
//     or the client's older version; SQL Server 16.0.1000), FEATUREEXTACK when
//     asked for, ENVCHANGE packet size, DONE.
//  5. Requests. One reader goroutine per connection owns the socket's read
//     side and never runs a request. SQLBatch, RPC (by name or well-known id,
//     several per message) and TransMgrReq messages are decoded and run on an
//     executor goroutine, which lingers briefly for the next request and
//     then exits, so an idle connection holds one parked goroutine and no
//     buffers. RESETCONNECTION calls Session.Reset and is acknowledged with
//     ENVCHANGE 18. The engine writes its results through a ResultWriter that
//     streams packets of the negotiated size as they fill.
//  6. ATTENTION. The reader cancels the running request's context (cause
//     ErrAttention); the response then ends with DONE_ATTN. An ATTENTION that
//     arrives after the response is answered with a DONE_ATTN of its own.
//  7. Close. Malformed input closes that connection with a log line. A panic
//     in the engine becomes a severity 20 error for that client and closes
//     its connection; other connections do not notice. Shutdown stops
//     accepting, closes idle connections and waits for running requests.
//
// # Errors from the engine
//
// The engine reports SQL errors by writing them (ResultWriter.Message) and
// carries on. A non-nil return from Batch, RPC or TransMgr ends the
// connection: the wire sends the error if it is a *Message (or Msg 0,
// severity 20, "A severe error occurred on the current command." for any
// other error), unless the engine already wrote a severity 20+ message in
// this response, closes the response with a DONE carrying DONE_ERROR and
// DONE_SRVERROR, and closes the connection. After an ATTENTION, returning
// the context's error (context.Cause is ErrAttention) is not an error: the
// response ends with DONE_ATTN and the connection stays. The engine never
// sets DONE_MORE or DONE_ATTN; when it writes no closing DONE (DONE for a
// batch or TransMgrReq, DONEPROC for an RPC), the wire adds one, with
// DONE_ERROR if an ERROR was written since the last DONE.
//
// # Values
//
// Rows, parameters and return values cross the seam as the Go values
// documented on TypeInfo. char, varchar and text travel in the code page of
// their collation (CP1252 for the default SQL_Latin1_General_CP1_CI_AS).
// Clients older than TDS 7.3 get date and time types as nvarchar text, and
// clients older than 7.2 get (max) types as text, ntext and image, as SQL
// Server does.
package tds

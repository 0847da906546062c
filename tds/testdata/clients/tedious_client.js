// Drives the server with tedious: a login, a query through sp_executesql,
// parameters, a procedure with OUTPUT parameters, and a transaction. Prints
// one JSON object with what it saw. Usage: node tedious_client.js '<json config>'
// With "domain" in the config it logs in by NTLM (authentication type
// 'ntlm'); with "loginOnly" it prints {"loginError": ...} or {"select1": ...}
// and stops there.
'use strict';
const fs = require('fs');
const { Connection, Request, TYPES } = require('tedious');

const cfg = JSON.parse(process.argv[2]);

function connect() {
  return new Promise((resolve, reject) => {
    const conn = new Connection({
      server: '127.0.0.1',
      authentication: cfg.domain === undefined
        ? { type: 'default', options: { userName: cfg.user, password: cfg.password } }
        : { type: 'ntlm', options: { domain: cfg.domain, userName: cfg.user, password: cfg.password } },
      options: {
        port: cfg.port,
        database: 'master',
        encrypt: cfg.encrypt,
        // Strict (TDS 8.0) always verifies the certificate, so trust ours.
        trustServerCertificate: true,
        cryptoCredentialsDetails: { ca: fs.readFileSync(cfg.ca) },
        connectTimeout: 10000,
        requestTimeout: 10000,
      },
    });
    conn.on('connect', (err) => (err ? reject(err) : resolve(conn)));
    conn.connect();
  });
}

function query(conn, sql, params) {
  return new Promise((resolve, reject) => {
    const rows = [];
    const req = new Request(sql, (err) => (err ? reject(err) : resolve(rows)));
    for (const [name, type, value] of params || []) {
      req.addParameter(name, TYPES[type], value);
    }
    req.on('row', (cols) => rows.push(cols.map((c) => c.value)));
    conn.execSql(req);
  });
}

function call(conn, name) {
  return new Promise((resolve, reject) => {
    const out = { rows: [], outputs: {}, status: null };
    const req = new Request(name, (err) => (err ? reject(err) : resolve(out)));
    req.addParameter('in', TYPES.NVarChar, 'from tedious');
    req.addOutputParameter('n', TYPES.Int, 41);
    req.addOutputParameter('s', TYPES.NVarChar, 'abc');
    req.on('row', (cols) => out.rows.push(cols.map((c) => c.value)));
    req.on('returnValue', (pname, value) => { out.outputs[pname] = value; });
    req.on('doneProc', (rowCount, more, status) => { out.status = status; });
    conn.callProcedure(req);
  });
}

function tx(conn, fn) {
  return new Promise((resolve, reject) => {
    conn.beginTransaction((err) => {
      if (err) return reject(err);
      fn().then(() => conn.commitTransaction((err2) => (err2 ? reject(err2) : resolve())), reject);
    });
  });
}

(async () => {
  if (cfg.loginOnly) {
    let conn;
    try {
      conn = await connect();
    } catch (e) {
      console.log(JSON.stringify({ loginError: { message: e.message, code: e.code } }));
      return;
    }
    const select1 = await query(conn, 'select 1');
    conn.close();
    console.log(JSON.stringify({ select1 }));
    return;
  }
  const conn = await connect();
  const result = {};
  result.select1 = await query(conn, 'select 1');
  result.params = await query(conn, 'select @a, @b', [['a', 'Int', 5], ['b', 'NVarChar', 'héllo 😀']]);
  result.proc = await call(conn, 'bump');
  await tx(conn, async () => { result.inTx = await query(conn, 'select 1'); });
  result.afterTx = await query(conn, 'select 1');
  try {
    await query(conn, 'error');
  } catch (e) {
    result.error = { number: e.number, class: e.class, message: e.message };
  }
  conn.close();
  console.log(JSON.stringify(result));
})().catch((e) => {
  console.error('tedious client failed:', e && (e.stack || e.message || e));
  process.exit(1);
});

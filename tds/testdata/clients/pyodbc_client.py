"""Drives the server with pyodbc over the FreeTDS ODBC driver: a login, a
plain query, a query with ? parameters (sp_prepexec), and an ODBC procedure
call. Prints one JSON object ({"login_error": ...} when the login fails).
Usage: python3 pyodbc_client.py PORT USER PASSWORD [EXTRA]"""
import json
import sys

import pyodbc

port, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
extra = sys.argv[4] if len(sys.argv) > 4 else ""
try:
    conn = pyodbc.connect(
        "DRIVER={FreeTDS};SERVER=127.0.0.1;PORT=%s;UID=%s;PWD=%s;DATABASE=master;%s" % (port, user, password, extra),
        timeout=10,
    )
except pyodbc.Error as e:
    print(json.dumps({"login_error": str(e)}))
    sys.exit(0)
cur = conn.cursor()
out = {}
out["dbms_ver"] = conn.getinfo(pyodbc.SQL_DBMS_VER)
out["select1"] = [list(r) for r in cur.execute("select 1").fetchall()]
out["params"] = [list(r) for r in cur.execute("select ?, ?", 5, "h\u00e9llo").fetchall()]
out["call"] = [list(r) for r in cur.execute("{call dbo.echo(?, ?)}", 7, "x").fetchall()]
try:
    cur.execute("error")
except pyodbc.Error as e:
    out["error"] = str(e)
conn.close()
print(json.dumps(out))

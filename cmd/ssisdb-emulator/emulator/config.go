// Package emulator assembles the product: the TDS server, the T-SQL engine,
// the SSISDB catalog and the Scale Out master, with their configuration. The
// command and the emulatortest package for users' Go tests both use it.
package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// DefaultSAPassword is the documented default password of the sa login, the
// same as the SQL Server container image's example.
const DefaultSAPassword = "yourStrong(!)Password"

// DemoWorkerID is the worker agent of the Scale Out documentation's example.
const DemoWorkerID = "64c020e2-f819-4c2d-a22f-efb31a91e70a"

// Config is the whole configuration: flags override the file, the file
// overrides the defaults. The YAML keys are the `yaml` tags.
type Config struct {
	Addr       string    `yaml:"addr"`      // TDS listener
	HTTPAddr   string    `yaml:"http_addr"` // health, metrics and console; "" disables
	HTTPTLS    bool      `yaml:"http_tls"`  // serve http_addr over HTTPS (tls.cert/tls.key, or a generated certificate)
	DataDir    string    `yaml:"data_dir"`  // persistence; "" keeps everything in memory
	TLS        TLSConfig `yaml:"tls"`
	Strict     bool      `yaml:"strict"` // fidelity mode: SQL logins get 27123 from catalog procedures
	Seed       []string  `yaml:"seed"`   // directories or files of .ispac/.dtsx to load at start
	NoDemo     bool      `yaml:"no_demo"`
	SAPassword string    `yaml:"sa_password"`
	ServerName string    `yaml:"server_name"`
	Log        LogConfig `yaml:"log"`
	Limits     Limits    `yaml:"limits"`
	Logins     []Login   `yaml:"logins"`
	Workers    []Worker  `yaml:"workers"`
	// Packages are the package behaviour rules of the simulated runner:
	// the first rule that matches a run decides its outcome.
	Packages []runner.Rule   `yaml:"packages"`
	Timing   scaleout.Timing `yaml:"timing"`
	// BulkDirs are the directories OPENROWSET(BULK ...) may read from.
	BulkDirs []string `yaml:"bulk_dirs"`
}

// TLSConfig selects the encryption mode of the TDS listener.
type TLSConfig struct {
	Mode string `yaml:"mode"` // off, on or required
	Cert string `yaml:"cert"` // PEM files; both empty means a generated self-signed certificate
	Key  string `yaml:"key"`
}

// LogConfig selects the slog handler.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Limits bound what one client can make the server hold.
type Limits struct {
	MaxConnections int           `yaml:"max_connections"`
	MaxMessageSize int           `yaml:"max_message_size"` // bytes of one request
	LoginTimeout   time.Duration `yaml:"login_timeout"`
}

// Login is a server login with its roles.
type Login struct {
	Name            string   `yaml:"name"`     // `DOMAIN\name` makes a Windows-style login
	Password        string   `yaml:"password"` // also for Windows-style logins: the emulator has no domain to ask
	DefaultDatabase string   `yaml:"default_database"`
	ServerRoles     []string `yaml:"server_roles"` // sysadmin
	SSISDBRoles     []string `yaml:"ssisdb_roles"` // ssis_admin, ssis_logreader, ssis_cluster_executor, ssis_cluster_worker
	Disabled        bool     `yaml:"disabled"`
}

// Worker is a Scale Out worker agent defined at start.
type Worker struct {
	ID           string `yaml:"id"`
	DisplayName  string `yaml:"display_name"`
	Description  string `yaml:"description"`
	MachineName  string `yaml:"machine_name"`
	UserAccount  string `yaml:"user_account"`
	Tags         string `yaml:"tags"`
	Enabled      *bool  `yaml:"enabled"` // default true for configured workers
	MaxTaskCount int    `yaml:"max_task_count"`
}

// Defaults returns the configuration with nothing set by the user.
func Defaults() Config {
	return Config{
		Addr:       "127.0.0.1:1433",
		HTTPAddr:   "127.0.0.1:8391",
		TLS:        TLSConfig{Mode: "off"},
		SAPassword: DefaultSAPassword,
		ServerName: defaultServerName(),
		Log:        LogConfig{Level: "info", Format: "text"},
		Limits: Limits{
			MaxConnections: 10000,
			MaxMessageSize: 64 << 20,
			LoginTimeout:   30 * time.Second,
		},
		Timing: scaleout.Timing{Mode: scaleout.ModeFast, TimeFactor: 1},
	}
}

func defaultServerName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "SSISDB-EMULATOR"
	}
	if i := strings.IndexByte(h, '.'); i > 0 {
		h = h[:i]
	}
	return strings.ToUpper(h)
}

// ConfigError names the key that is wrong and what is wrong with it.
type ConfigError struct {
	Source string // the file name, or "flag"
	Key    string // e.g. "workers[0].id"
	Line   int    // in the file; 0 when not known
	Msg    string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// LoadFile reads a YAML configuration file over cfg. Unknown keys and values
// of the wrong type are errors that name the key and its line.
func LoadFile(cfg *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &ConfigError{Source: path, Msg: fmt.Sprintf("cannot read the configuration file: %v", unwrapPathError(err))}
	}
	return loadYAML(cfg, path, data)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type`)
	reTypeError    = regexp.MustCompile(`^line (\d+): cannot unmarshal (\S+) ` + "`" + `(.*)` + "`" + ` into (\S+)`)
	reLineOnly     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

func loadYAML(cfg *Config, source string, data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return yamlSyntaxError(source, err)
	}
	keys := keyPathsByLine(&root)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && err != io.EOF {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return typeError(source, te.Errors[0], keys)
		}
		// A value type's own UnmarshalText refused the value; its message
		// quotes the value, which finds the key.
		if line, key := findQuotedValue(&root, err.Error(), keys); line > 0 {
			return &ConfigError{Source: source, Line: line, Key: key, Msg: err.Error()}
		}
		return yamlSyntaxError(source, err)
	}
	return nil
}

func yamlSyntaxError(source string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := reLineOnly.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &ConfigError{Source: source, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return &ConfigError{Source: source, Msg: "not valid YAML: " + msg}
}

func typeError(source, text string, keys map[int]string) error {
	if m := reUnknownField.FindStringSubmatch(text); m != nil {
		line, _ := strconv.Atoi(m[1])
		key := keys[line]
		if key == "" {
			key = m[2]
		}
		return &ConfigError{Source: source, Line: line, Key: key, Msg: "unknown key"}
	}
	if m := reTypeError.FindStringSubmatch(text); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &ConfigError{Source: source, Line: line, Key: keys[line],
			Msg: fmt.Sprintf("%q is not a valid %s", m[3], goTypeWord(m[4]))}
	}
	return &ConfigError{Source: source, Msg: text}
}

func goTypeWord(t string) string {
	switch {
	case t == "time.Duration":
		return "duration (e.g. 1500ms, 2s, 1m)"
	case strings.HasPrefix(t, "int"):
		return "integer"
	case strings.HasPrefix(t, "float"):
		return "number"
	case t == "bool" || t == "*bool":
		return "boolean (true or false)"
	case strings.HasPrefix(t, "[]"):
		return "list"
	case t == "string":
		return "string"
	}
	return "value for this key"
}

func findQuotedValue(n *yaml.Node, msg string, keys map[int]string) (int, string) {
	if n.Kind == yaml.ScalarNode && n.Value != "" && strings.Contains(msg, strconv.Quote(n.Value)) {
		return n.Line, keys[n.Line]
	}
	for _, c := range n.Content {
		if line, key := findQuotedValue(c, msg, keys); line > 0 {
			return line, key
		}
	}
	return 0, ""
}

// keyPathsByLine maps each line of the document that holds a key to the
// dotted path of that key (lists as [i]), so that decoding errors, which only
// know lines, can name the key.
func keyPathsByLine(root *yaml.Node) map[int]string {
	out := map[int]string{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if _, ok := out[k.Line]; !ok {
					out[k.Line] = p
				}
				if v.Line != k.Line {
					if _, ok := out[v.Line]; !ok && v.Kind == yaml.ScalarNode {
						out[v.Line] = p
					}
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if _, ok := out[c.Line]; !ok && c.Kind == yaml.ScalarNode {
					out[c.Line] = p
				}
				walk(c, p)
			}
		}
	}
	walk(root, "")
	return out
}

// Validate checks every value; the first problem is returned as a
// *ConfigError naming the key.
func (c *Config) Validate(source string) error {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{Source: source, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	if err := checkHostPort(c.Addr); err != nil {
		return bad("addr", "%v", err)
	}
	if c.HTTPAddr != "" {
		if err := checkHostPort(c.HTTPAddr); err != nil {
			return bad("http_addr", "%v", err)
		}
	}
	switch c.TLS.Mode {
	case "off", "on", "required":
	default:
		return bad("tls.mode", "must be off, on or required, not %q", c.TLS.Mode)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return bad("tls.cert", "tls.cert and tls.key go together: give both or neither")
	}
	if c.TLS.Cert != "" && c.TLS.Mode == "off" && !c.HTTPTLS {
		return bad("tls.mode", "a certificate is configured but tls.mode is off and http_tls is false")
	}
	if c.HTTPTLS && c.HTTPAddr == "" {
		return bad("http_tls", "http_tls is set but http_addr is off")
	}
	for _, f := range []struct{ key, path string }{{"tls.cert", c.TLS.Cert}, {"tls.key", c.TLS.Key}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return bad(f.key, "cannot read %s: %v", f.path, unwrapPathError(err))
		}
	}
	for i, s := range c.Seed {
		if _, err := os.Stat(s); err != nil {
			return bad(fmt.Sprintf("seed[%d]", i), "cannot read %s: %v", s, unwrapPathError(err))
		}
	}
	for i, d := range c.BulkDirs {
		st, err := os.Stat(d)
		if err != nil {
			return bad(fmt.Sprintf("bulk_dirs[%d]", i), "cannot read %s: %v", d, unwrapPathError(err))
		}
		if !st.IsDir() {
			return bad(fmt.Sprintf("bulk_dirs[%d]", i), "%s is not a directory", d)
		}
	}
	if c.DataDir != "" {
		if err := checkDataDir(c.DataDir); err != nil {
			return bad("data_dir", "%v", err)
		}
	}
	if c.SAPassword == "" {
		return bad("sa_password", "must not be empty")
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "warning", "error":
	default:
		return bad("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return bad("log.format", "must be text or json, not %q", c.Log.Format)
	}
	if c.Limits.MaxConnections < 1 {
		return bad("limits.max_connections", "must be at least 1, not %d", c.Limits.MaxConnections)
	}
	if c.Limits.MaxMessageSize < 4096 {
		return bad("limits.max_message_size", "must be at least 4096 bytes, not %d", c.Limits.MaxMessageSize)
	}
	if c.Limits.LoginTimeout <= 0 {
		return bad("limits.login_timeout", "must be a positive duration, not %s", c.Limits.LoginTimeout)
	}
	names := map[string]bool{"sa": true}
	for i, l := range c.Logins {
		key := fmt.Sprintf("logins[%d]", i)
		if strings.TrimSpace(l.Name) == "" {
			return bad(key+".name", "must not be empty")
		}
		if names[strings.ToLower(l.Name)] {
			return bad(key+".name", "login %q is defined twice (sa is built in)", l.Name)
		}
		names[strings.ToLower(l.Name)] = true
		if l.Password == "" {
			return bad(key+".password", "must not be empty (Windows-style logins also sign in with a password here)")
		}
		for j, r := range l.ServerRoles {
			if !strings.EqualFold(r, "sysadmin") {
				return bad(fmt.Sprintf("%s.server_roles[%d]", key, j), "unknown server role %q (the emulator knows sysadmin)", r)
			}
		}
		for j, r := range l.SSISDBRoles {
			if !knownSSISDBRole(r) {
				return bad(fmt.Sprintf("%s.ssisdb_roles[%d]", key, j),
					"unknown SSISDB role %q (ssis_admin, ssis_logreader, ssis_cluster_executor, ssis_cluster_worker, ssis_failover_monitoring_agent)", r)
			}
		}
	}
	ids := map[uuid.UUID]bool{}
	for i, w := range c.Workers {
		key := fmt.Sprintf("workers[%d]", i)
		id, err := uuid.Parse(w.ID)
		if err != nil {
			return bad(key+".id", "%q is not a GUID", w.ID)
		}
		if ids[id] {
			return bad(key+".id", "worker %s is defined twice", id)
		}
		ids[id] = true
		if w.MaxTaskCount < 0 {
			return bad(key+".max_task_count", "must be positive, not %d", w.MaxTaskCount)
		}
	}
	if _, err := runner.NewSim(runner.Config{Rules: c.Packages}); err != nil {
		return bad("packages", "%v", err)
	}
	switch c.Timing.Mode {
	case "", scaleout.ModeFast, scaleout.ModeRealistic:
	default:
		return bad("timing.mode", "must be %s or %s, not %q", scaleout.ModeFast, scaleout.ModeRealistic, c.Timing.Mode)
	}
	if c.Timing.TimeFactor < 0 {
		return bad("timing.time_factor", "must be a positive number, not %g", c.Timing.TimeFactor)
	}
	return nil
}

// checkDataDir makes sure the data directory exists (creating it) and
// that files can be created in it.
func checkDataDir(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %v", dir, unwrapPathError(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %v", dir, unwrapPathError(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

func knownSSISDBRole(r string) bool {
	switch strings.ToLower(r) {
	case "ssis_admin", "ssis_logreader", "ssis_cluster_executor", "ssis_cluster_worker", "ssis_failover_monitoring_agent":
		return true
	}
	return false
}

func checkHostPort(a string) error {
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port", a)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q has no valid port", a)
	}
	return nil
}

// Loopback reports whether addr binds only the loopback interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

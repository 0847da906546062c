package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// emuProc is a running emulator binary.
type emuProc struct {
	cmd        *exec.Cmd
	tds, http  string
	readyAfter time.Duration // process start to the ready line
	stderr     *lockedBuffer
	done       chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var readyRe = regexp.MustCompile(`^ready tds=(\S+)(?: http=http://(\S+))?`)

// buildEmulator builds the command into dir.
func buildEmulator(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "ssisdb-emulator")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/ssisdb-emulator").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/ssisdb-emulator: %v\n%s", err, out)
	}
	return bin, nil
}

// startEmulator runs bin with args on free loopback ports and waits for the
// ready line.
func startEmulator(ctx context.Context, bin string, args ...string) (*emuProc, error) {
	args = append([]string{"--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--log-level", "warn"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "MSSQL_SA_PASSWORD=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &emuProc{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
		cmd.Wait()
		close(p.done)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			return nil, fmt.Errorf("the emulator exited before it was ready: %s", p.stderr)
		}
		p.readyAfter = time.Since(start)
		m := readyRe.FindStringSubmatch(line)
		if m == nil {
			p.stop()
			return nil, fmt.Errorf("unexpected first line %q", line)
		}
		p.tds, p.http = m[1], m[2]
		return p, nil
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("no ready line in 30s: %s", p.stderr)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

func (p *emuProc) pid() int { return p.cmd.Process.Pid }

func (p *emuProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// rss is VmRSS of the process, in bytes.
func (p *emuProc) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// metric reads one series of the emulator's /metrics.
func (p *emuProc) metrics(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.http+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out, sc.Err()
}

package soak

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// scrape is one reading of a Prometheus text exposition: every series by
// its full name with labels ("errors_total{number=\"208\"}").
type scrape map[string]float64

// sum adds every series of a metric name, whatever its labels.
func (s scrape) sum(name string) float64 {
	var t float64
	for k, v := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			t += v
		}
	}
	return t
}

// parseExposition reads the text format: comment lines are skipped, a
// sample line is `name{labels} value [timestamp]`.
func parseExposition(r io.Reader) (scrape, error) {
	out := scrape{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// The value follows the last space outside the label braces.
		end := strings.LastIndexByte(line, '}')
		rest := line
		name := ""
		if end >= 0 {
			name, rest = line[:end+1], strings.TrimSpace(line[end+1:])
		} else {
			i := strings.IndexByte(line, ' ')
			if i < 0 {
				return nil, fmt.Errorf("soak: metrics line without a value: %q", line)
			}
			name, rest = line[:i], strings.TrimSpace(line[i+1:])
		}
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			rest = rest[:i] // a timestamp
		}
		v, err := strconv.ParseFloat(rest, 64)
		if err != nil {
			return nil, fmt.Errorf("soak: metrics line %q: %v", line, err)
		}
		out[name] = v
	}
	return out, sc.Err()
}

func fetchMetrics(ctx context.Context, c *http.Client, url string) (scrape, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("soak: %s answered %s", url, resp.Status)
	}
	return parseExposition(resp.Body)
}

// readRSS is VmRSS of /proc/<pid>/status, in bytes.
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmRSS(f)
}

func parseVmRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "VmRSS:") {
			continue
		}
		f := strings.Fields(line[len("VmRSS:"):])
		if len(f) < 1 {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("soak: VmRSS %q: %v", line, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("soak: no VmRSS line")
}

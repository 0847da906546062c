package soak

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// series is one line of a panel.
type series struct {
	name  string
	color string
	value func(Sample) float64
}

type panel struct {
	title string
	unit  string
	lines []series
}

// SVG draws the samples: memory, goroutines and connections, and the
// catalog's executions over time, with the load phase shaded and the
// catalog reset marked.
func (s *Soak) SVG() []byte {
	s.mu.Lock()
	samples := append([]Sample(nil), s.samples...)
	loadAt, resetAt := s.loadAt, s.resetAt
	s.mu.Unlock()
	return drawSVG(samples, loadAt, resetAt)
}

func drawSVG(samples []Sample, loadAt [2]time.Duration, resetAt time.Duration) []byte {
	const (
		width  = 960
		left   = 80
		right  = 150
		top    = 40
		panelH = 170
		gap    = 50
	)
	panels := []panel{
		{"Memory", "MiB", []series{
			{"RSS", "#d62728", func(s Sample) float64 { return float64(s.RSS) / (1 << 20) }},
			{"heap in use", "#1f77b4", func(s Sample) float64 { return float64(s.HeapInuse) / (1 << 20) }},
		}},
		{"Goroutines and connections", "count", []series{
			{"goroutines", "#2ca02c", func(s Sample) float64 { return float64(s.Goroutines) }},
			{"TDS connections", "#9467bd", func(s Sample) float64 { return float64(s.Connections) }},
		}},
		{"Executions kept in the catalog", "thousands", []series{
			{"executions", "#ff7f0e", func(s Sample) float64 { return float64(s.Executions) / 1000 }},
		}},
	}
	height := top + len(panels)*(panelH+gap) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">ssisdb-load soak: %d samples over %s</text>`+"\n",
		left, len(samples), lastAt(samples).Round(time.Second))
	if len(samples) == 0 {
		b.WriteString("</svg>\n")
		return []byte(b.String())
	}
	tMax := math.Max(lastAt(samples).Minutes(), 1.0/60)
	plotW := float64(width - left - right)
	xOf := func(d time.Duration) float64 { return float64(left) + d.Minutes()/tMax*plotW }
	for pi, p := range panels {
		y0 := float64(top + pi*(panelH+gap) + 20)
		y1 := y0 + panelH
		vMax := 0.0
		for _, l := range p.lines {
			for _, s := range samples {
				vMax = math.Max(vMax, l.value(s))
			}
		}
		vMax = niceCeil(vMax)
		yOf := func(v float64) float64 { return y1 - v/vMax*panelH }
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" font-weight="bold">%s (%s)</text>`+"\n", left, y0-8, html.EscapeString(p.title), p.unit)
		if loadAt[1] > loadAt[0] {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="#f2f2f2"/>`+"\n",
				xOf(loadAt[0]), y0, xOf(loadAt[1])-xOf(loadAt[0]), panelH)
		}
		if resetAt > 0 {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#555" stroke-dasharray="4 3"/>`+"\n",
				xOf(resetAt), y0, xOf(resetAt), y1)
			if pi == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" fill="#555">catalog reset</text>`+"\n", xOf(resetAt)+3, y0+10)
			}
		}
		for i := 0; i <= 4; i++ {
			v := vMax * float64(i) / 4
			y := yOf(v)
			fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, float64(left)+plotW, y)
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y+4, tick(v))
		}
		for _, m := range minuteTicks(tMax) {
			x := xOf(time.Duration(m * float64(time.Minute)))
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`+"\n", x, y1, x, y1+4)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, y1+16, tick(m))
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" font-size="10" fill="#555">minutes</text>`+"\n", float64(left)+plotW, y1+30)
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%.0f" height="%d" fill="none" stroke="#333"/>`+"\n", left, y0, plotW, panelH)
		for li, l := range p.lines {
			var pts strings.Builder
			for _, s := range samples {
				fmt.Fprintf(&pts, "%.1f,%.1f ", xOf(s.At), yOf(l.value(s)))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", l.color, strings.TrimSpace(pts.String()))
			ly := y0 + 14 + float64(li)*18
			fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s" stroke-width="3"/>`+"\n",
				float64(left)+plotW+12, ly-4, float64(left)+plotW+30, ly-4, l.color)
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f">%s</text>`+"\n", float64(left)+plotW+36, ly, html.EscapeString(l.name))
		}
	}
	if loadAt[1] > loadAt[0] {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#555">shaded: the load (%s)</text>`+"\n",
			left, height-6, (loadAt[1] - loadAt[0]).Round(time.Second))
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

func lastAt(s []Sample) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1].At
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// minuteTicks spreads about eight ticks over [0, tMax] minutes.
func minuteTicks(tMax float64) []float64 {
	step := niceCeil(tMax / 8)
	var out []float64
	for m := 0.0; m <= tMax+1e-9; m += step {
		out = append(out, m)
	}
	return out
}

func tick(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

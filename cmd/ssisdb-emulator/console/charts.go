package console

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The charts are plain SVG computed here and drawn by the templates, so
// every label goes through html/template's escaping like any other text.

// series are the chart's status groups, in stacking order, as the report's
// counters group them (running and pending share "in progress").
var series = []struct{ Class, Label string }{
	{"ok", "Succeeded"}, {"bad", "Failed"}, {"live", "Running or pending"}, {"other", "Other"},
}

type seg struct {
	Y, H  float64
	Class string
}

type tlBar struct {
	X, W  float64
	Segs  []seg
	Title string
}

type tick struct {
	Pos   float64
	Label string
}

type legend struct{ Class, Label string }

type timelineChart struct {
	W, H                       int
	PlotX, PlotY, PlotW, PlotH float64
	Bottom                     float64
	Step                       string
	Bars                       []tlBar
	YTicks, XLabels            []tick
	Series                     []legend
}

var steps = []struct {
	D    time.Duration
	Name string
}{{time.Minute, "minute"}, {5 * time.Minute, "5 minutes"}, {15 * time.Minute, "15 minutes"},
	{30 * time.Minute, "30 minutes"}, {time.Hour, "hour"}, {3 * time.Hour, "3 hours"}, {6 * time.Hour, "6 hours"},
	{12 * time.Hour, "12 hours"}, {24 * time.Hour, "day"}, {7 * 24 * time.Hour, "week"}, {30 * 24 * time.Hour, "30 days"}}

const (
	maxBuckets = 36
	minBuckets = 12
)

// timeline counts executions per time bucket and status group, over
// [from, to] (zero bounds: the executions' own span, ending now).
func timeline(ex []exec, from, to, now time.Time) *timelineChart {
	if len(ex) == 0 {
		return nil
	}
	lo, hi := from, to
	if lo.IsZero() || hi.IsZero() {
		first, last := ex[0].when(), ex[0].when()
		for _, e := range ex {
			if w := e.when(); w.Before(first) {
				first = w
			} else if w.After(last) {
				last = w
			}
		}
		if now.After(last) {
			last = now
		}
		if lo.IsZero() {
			lo = first
		}
		if hi.IsZero() {
			hi = last
		}
	}
	if !hi.After(lo) {
		hi = lo.Add(time.Minute)
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if hi.Sub(lo)/s.D < maxBuckets {
			step = s
			break
		}
	}
	start := lo.Truncate(step.D)
	n := int(hi.Sub(start)/step.D) + 1
	n = min(n, maxBuckets+1)
	// A short span still gets a dozen buckets, ending at the last one, so
	// that the bars read as a history and not as one block.
	if n < minBuckets && from.IsZero() {
		start = start.Add(-time.Duration(minBuckets-n) * step.D)
		n = minBuckets
	}
	counts := make([][4]int, n)
	for _, e := range ex {
		i := int(e.when().Sub(start) / step.D)
		if i < 0 || i >= n {
			continue
		}
		counts[i][seriesIndex(e.Status)]++
	}
	top := 1
	for _, c := range counts {
		top = max(top, c[0]+c[1]+c[2]+c[3])
	}
	tickStep := niceStep(top)
	top = (top + tickStep - 1) / tickStep * tickStep

	ch := &timelineChart{W: 720, H: 210, PlotX: 40, PlotY: 10, PlotW: 668, PlotH: 160, Step: step.Name}
	ch.Bottom = ch.PlotY + ch.PlotH
	for _, s := range series {
		ch.Series = append(ch.Series, legend{Class: "s-" + s.Class, Label: s.Label})
	}
	for v := 0; v <= top; v += tickStep {
		ch.YTicks = append(ch.YTicks, tick{Pos: ch.Bottom - float64(v)/float64(top)*ch.PlotH, Label: strconv.Itoa(v)})
	}
	bw := ch.PlotW / float64(n)
	gap := min(bw*0.15, 4)
	dayLabels := step.D >= 24*time.Hour || hi.Sub(lo) > 24*time.Hour
	for i, c := range counts {
		b := tlBar{X: ch.PlotX + float64(i)*bw + gap/2, W: bw - gap}
		y := ch.Bottom
		at := start.Add(time.Duration(i) * step.D)
		title := fmt.Sprintf("%s: ", at.Format(timeLayout))
		total := 0
		for k, cnt := range c {
			total += cnt
			if cnt == 0 {
				continue
			}
			h := float64(cnt) / float64(top) * ch.PlotH
			y -= h
			b.Segs = append(b.Segs, seg{Y: y, H: h, Class: "s-" + series[k].Class})
			title += fmt.Sprintf("%d %s, ", cnt, series[k].Label)
		}
		if total == 0 {
			title += "none"
		} else {
			title = title[:len(title)-2]
		}
		b.Title = title
		ch.Bars = append(ch.Bars, b)
		if n <= 8 || i == 0 || i == n-1 || i == n/2 {
			label := at.Format("15:04")
			if dayLabels {
				label = at.Format("Jan 2 15:04")
				if step.D >= 24*time.Hour {
					label = at.Format("Jan 2")
				}
			}
			ch.XLabels = append(ch.XLabels, tick{Pos: b.X + b.W/2, Label: label})
		}
	}
	return ch
}

func seriesIndex(status int64) int {
	switch statusClass(status) {
	case "ok":
		return 0
	case "bad":
		return 1
	case "live":
		return 2
	}
	return 3
}

// niceStep is a 1-2-5 tick step dividing [0, top] into at most five
// intervals.
func niceStep(top int) int {
	for m := 1; ; m *= 10 {
		for _, s := range []int{1, 2, 5} {
			if (top+s*m-1)/(s*m) <= 5 {
				return s * m
			}
		}
	}
}

type durRow struct {
	Y, BarY, TextY    float64
	Label, Full, Text string
	AvgW, MinX, MaxX  float64
	Count             int
}

type durationChart struct {
	W, H            int
	BarX, BarW      float64
	Bottom          float64
	Rows            []durRow
	Ticks           []tick
	Shown, Packages int
}

const maxDurationRows = 12

// durations summarises the finished executions' durations per package:
// average (the bar), and the shortest and longest run (the whisker).
func durations(ex []exec) *durationChart {
	type agg struct {
		key           string
		n             int
		sum, min, max time.Duration
	}
	byPkg := map[string]*agg{}
	for _, e := range ex {
		if e.Start.IsZero() || e.End.IsZero() {
			continue
		}
		d := max(e.End.Sub(e.Start), 0)
		k := e.Folder + "/" + e.Project + "/" + e.Package
		a := byPkg[k]
		if a == nil {
			a = &agg{key: k, min: d, max: d}
			byPkg[k] = a
		}
		a.n++
		a.sum += d
		a.min, a.max = min(a.min, d), max(a.max, d)
	}
	if len(byPkg) == 0 {
		return nil
	}
	all := make([]*agg, 0, len(byPkg))
	for _, a := range byPkg {
		all = append(all, a)
	}
	slices.SortFunc(all, func(a, b *agg) int {
		return cmp.Or(cmp.Compare(b.sum/time.Duration(b.n), a.sum/time.Duration(a.n)), cmp.Compare(a.key, b.key))
	})
	ch := &durationChart{W: 720, BarX: 230, BarW: 300, Packages: len(all)}
	if len(all) > maxDurationRows {
		all = all[:maxDurationRows]
	}
	ch.Shown = len(all)
	longest := time.Millisecond
	for _, a := range all {
		longest = max(longest, a.max)
	}
	x := func(d time.Duration) float64 { return ch.BarX + float64(d)/float64(longest)*ch.BarW }
	const rowH = 24.0
	for i, a := range all {
		avg := a.sum / time.Duration(a.n)
		y := 8 + float64(i)*rowH
		label := a.key
		if r := []rune(label); len(r) > 34 {
			label = "…" + string(r[len(r)-33:])
		}
		ch.Rows = append(ch.Rows, durRow{Y: y, BarY: y + 4, TextY: y + 15, Label: label, Full: a.key,
			AvgW: max(x(avg)-ch.BarX, 1), MinX: x(a.min), MaxX: x(a.max), Count: a.n,
			Text: fmt.Sprintf("avg %s · max %s · %d run%s", fmtDuration(avg), fmtDuration(a.max), a.n, plural(a.n))})
	}
	ch.Bottom = 8 + float64(len(all))*rowH
	ch.H = int(ch.Bottom) + 22
	for _, f := range []float64{0, 0.5, 1} {
		ch.Ticks = append(ch.Ticks, tick{Pos: ch.BarX + f*ch.BarW,
			Label: fmtDuration(time.Duration(f * float64(longest)))})
	}
	return ch
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

package clock

import (
	"testing"
	"time"
)

func TestFakeFiresInOrder(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewFake(start)
	var got []string
	c.AfterFunc(2*time.Second, func() { got = append(got, "b") })
	c.AfterFunc(time.Second, func() {
		got = append(got, "a")
		c.AfterFunc(500*time.Millisecond, func() { got = append(got, "a2") })
	})
	stopped := c.AfterFunc(1500*time.Millisecond, func() { got = append(got, "never") })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer returned false")
	}
	c.Advance(1800 * time.Millisecond)
	if want := "a,a2"; join(got) != want {
		t.Fatalf("after 1.8s got %q, want %q", join(got), want)
	}
	if !c.Now().Equal(start.Add(1800 * time.Millisecond)) {
		t.Fatalf("Now = %v", c.Now())
	}
	c.Advance(time.Second)
	if want := "a,a2,b"; join(got) != want {
		t.Fatalf("got %q, want %q", join(got), want)
	}
	if c.Pending() != 0 {
		t.Fatalf("pending = %d", c.Pending())
	}
}

func TestFakeChangedSignals(t *testing.T) {
	c := NewFake(time.Unix(0, 0))
	ch := c.Changed()
	go c.AfterFunc(time.Minute, func() {})
	<-ch // closed when the goroutine schedules its timer
	if c.Pending() != 1 {
		t.Fatalf("pending = %d, want 1", c.Pending())
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

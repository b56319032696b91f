package slave

import (
	"context"
	"fmt"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// timeModule is Python's time: clocks, sleep, and the struct_time
// functions (localtime, gmtime, mktime, strftime, strptime, asctime,
// ctime) in the server's local time zone.
type timeModule struct {
	Module
	// Timezone, Altzone, Daylight and Tzname describe the local zone as
	// Python's do.
	Timezone int         `rpyc:"timezone"`
	Altzone  int         `rpyc:"altzone"`
	Daylight int         `rpyc:"daylight"`
	Tzname   brine.Tuple `rpyc:"tzname"`
}

func newTime() *timeModule {
	m := &timeModule{Module: newModule("time")}
	year := time.Now().Year()
	jan := time.Date(year, 1, 1, 0, 0, 0, 0, time.Local)
	jul := time.Date(year, 7, 1, 0, 0, 0, 0, time.Local)
	jn, jo := jan.Zone()
	ln, lo := jul.Zone()
	std, dst, stdOff, dstOff := jn, ln, jo, lo
	if lo < jo { // southern hemisphere
		std, dst, stdOff, dstOff = ln, jn, lo, jo
	}
	m.Timezone, m.Altzone = -stdOff, -dstOff
	if stdOff != dstOff {
		m.Daylight = 1
	}
	m.Tzname = brine.Tuple{std, dst}
	return m
}

var start = time.Now()

// RPyCParams gives the functions Python's keyword arguments.
func (timeModule) RPyCParams() map[string]string {
	return map[string]string{
		"Localtime": "secs=None", "Gmtime": "secs=None", "Ctime": "secs=None", "Asctime": "t=None",
		"Strftime": "format, t=None", "Strptime": "string, format='%a %b %d %H:%M:%S %Y'", "Mktime": "t",
		"Sleep": "secs",
	}
}

// RPyCNames keeps struct_time's spelling.
func (timeModule) RPyCNames() map[string]string {
	return map[string]string{"StructTime": "struct_time"}
}

// Time is time.time.
func (timeModule) Time() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// TimeNs is time.time_ns.
func (timeModule) TimeNs() int64 { return time.Now().UnixNano() }

// Monotonic is time.monotonic.
func (timeModule) Monotonic() float64 { return time.Since(start).Seconds() }

// MonotonicNs is time.monotonic_ns.
func (timeModule) MonotonicNs() int64 { return int64(time.Since(start)) }

// PerfCounter is time.perf_counter.
func (timeModule) PerfCounter() float64 { return time.Since(start).Seconds() }

// PerfCounterNs is time.perf_counter_ns.
func (timeModule) PerfCounterNs() int64 { return int64(time.Since(start)) }

// ProcessTime is time.process_time: CPU time of the server process.
func (timeModule) ProcessTime() float64 { return processTime() }

// Sleep is time.sleep; it ends early, with an error, when the client
// gives up on the call or the connection ends.
func (timeModule) Sleep(ctx context.Context, secs any) error {
	f, ok := number(secs)
	if !ok {
		return vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(secs)))
	}
	if f < 0 {
		return vinegar.New("ValueError", "sleep length must be non-negative")
	}
	t := time.NewTimer(time.Duration(f * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// secsArg reads an optional seconds argument: None is now.
func secsArg(secs any) (time.Time, error) {
	if secs == nil {
		return time.Now(), nil
	}
	f, ok := number(secs)
	if !ok {
		return time.Time{}, vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(secs)))
	}
	return time.Unix(int64(f), 0), nil
}

// Localtime is time.localtime(secs=None).
func (timeModule) Localtime(secs any) (*StructTime, error) {
	t, err := secsArg(secs)
	if err != nil {
		return nil, err
	}
	return structTime(t.Local()), nil
}

// Gmtime is time.gmtime(secs=None).
func (timeModule) Gmtime(secs any) (*StructTime, error) {
	t, err := secsArg(secs)
	if err != nil {
		return nil, err
	}
	return structTime(t.UTC()), nil
}

// Mktime is time.mktime(t): local time as seconds since the epoch.
func (timeModule) Mktime(ctx context.Context, t any) (float64, error) {
	tm, err := timeOf(ctx, t, time.Local)
	if err != nil {
		return 0, err
	}
	return float64(tm.Unix()), nil
}

// Ctime is time.ctime(secs=None).
func (timeModule) Ctime(secs any) (string, error) {
	t, err := secsArg(secs)
	if err != nil {
		return "", err
	}
	return t.Local().Format("Mon Jan _2 15:04:05 2006"), nil
}

// Asctime is time.asctime(t=None).
func (timeModule) Asctime(ctx context.Context, t any) (string, error) {
	tm := time.Now()
	if t != nil {
		var err error
		if tm, err = timeOf(ctx, t, time.Local); err != nil {
			return "", err
		}
	}
	return tm.Format("Mon Jan _2 15:04:05 2006"), nil
}

// Strftime is time.strftime(format, t=None).
func (timeModule) Strftime(ctx context.Context, format string, t any) (string, error) {
	tm := time.Now()
	zone, _ := tm.Zone()
	if t != nil {
		var err error
		if tm, err = timeOf(ctx, t, time.Local); err != nil {
			return "", err
		}
		if st, ok := t.(*StructTime); ok && st.Zone != nil {
			zone, _ = st.Zone.(string)
		} else {
			zone, _ = tm.Zone()
		}
	}
	return strftime(tm, format, zone, true), nil
}

// Strptime is time.strptime: a struct_time, with tm_isdst -1.
func (timeModule) Strptime(text, format string) (*StructTime, error) {
	p, err := strptime(text, format)
	if err != nil {
		return nil, err
	}
	t := time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, p.second, 0, time.UTC)
	st := structTime(t)
	st.Isdst, st.Zone, st.Gmtoff = -1, nil, nil
	if p.hasOffset {
		st.Gmtoff = int64(p.offset)
	}
	return st.seal(), nil
}

// StructTime is time.struct_time: the class, callable with a 9-tuple.
func (timeModule) StructTime(ctx context.Context, seq any) (*StructTime, error) {
	items, err := listOf(ctx, seq)
	if err != nil {
		return nil, err
	}
	if len(items) < 9 {
		return nil, vinegar.New("TypeError", fmt.Sprintf("time.struct_time() takes an at least 9-sequence (%d-sequence given)", len(items)))
	}
	n := make([]int64, 9)
	for i := range n {
		if n[i], err = intArg(items[i], "struct_time"); err != nil {
			return nil, err
		}
	}
	st := &StructTime{Year: n[0], Mon: n[1], Mday: n[2], Hour: n[3], Min: n[4], Sec: n[5], Wday: n[6], Yday: n[7], Isdst: n[8]}
	return st.seal(), nil
}

// StructTime is time.struct_time.
type StructTime struct {
	*structSeq
	Year   int64 `rpyc:"tm_year"`
	Mon    int64 `rpyc:"tm_mon"`
	Mday   int64 `rpyc:"tm_mday"`
	Hour   int64 `rpyc:"tm_hour"`
	Min    int64 `rpyc:"tm_min"`
	Sec    int64 `rpyc:"tm_sec"`
	Wday   int64 `rpyc:"tm_wday"`
	Yday   int64 `rpyc:"tm_yday"`
	Isdst  int64 `rpyc:"tm_isdst"`
	Zone   any   `rpyc:"tm_zone"`
	Gmtoff any   `rpyc:"tm_gmtoff"`
}

var structTimeNames = []string{"tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst"}

func structTime(t time.Time) *StructTime {
	zone, off := t.Zone()
	st := &StructTime{Year: int64(t.Year()), Mon: int64(t.Month()), Mday: int64(t.Day()), Hour: int64(t.Hour()),
		Min: int64(t.Minute()), Sec: int64(t.Second()), Wday: int64((int(t.Weekday()) + 6) % 7), Yday: int64(t.YearDay()),
		Zone: zone, Gmtoff: int64(off)}
	if t.IsDST() {
		st.Isdst = 1
	}
	return st.seal()
}

func (st *StructTime) seal() *StructTime {
	st.structSeq = newStructSeq("time.struct_time", structTimeNames, st.Year, st.Mon, st.Mday, st.Hour, st.Min, st.Sec, st.Wday, st.Yday, st.Isdst)
	return st
}

// timeOf reads a struct_time argument (ours, or the client's own as a
// 9-sequence) as a time in loc.
func timeOf(ctx context.Context, v any, loc *time.Location) (time.Time, error) {
	if st, ok := v.(*StructTime); ok {
		return time.Date(int(st.Year), time.Month(st.Mon), int(st.Mday), int(st.Hour), int(st.Min), int(st.Sec), 0, loc), nil
	}
	items, err := listOf(ctx, v)
	if err != nil || len(items) < 9 {
		return time.Time{}, vinegar.New("TypeError", "Tuple or struct_time argument required")
	}
	n := make([]int, 6)
	for i := range n {
		x, err := intArg(items[i], "struct_time")
		if err != nil {
			return time.Time{}, err
		}
		n[i] = int(x)
	}
	return time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, loc), nil
}

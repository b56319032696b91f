package slave

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// datetimeModule is Python's datetime: datetime, date and timedelta
// classes (calling one makes an instance; now, today, fromtimestamp,
// fromisoformat and strptime are its class methods), and timezone.utc.
// Instances answer Python's attributes, methods, str and repr,
// arithmetic with timedeltas, and comparisons. Naive datetimes are in
// the server's local time, as Python's.
type datetimeModule struct {
	Module
	Datetime  *dtClass  `rpyc:"datetime"`
	Date      *dtClass  `rpyc:"date"`
	Timedelta *dtClass  `rpyc:"timedelta"`
	Timezone  *tzClass  `rpyc:"timezone"`
	MINYEAR   int       `rpyc:"MINYEAR"`
	MAXYEAR   int       `rpyc:"MAXYEAR"`
	UTC       *Timezone `rpyc:"UTC"`
}

var utcZone = &Timezone{offset: 0, name: "UTC", utc: true}

func newDatetime() *datetimeModule {
	m := &datetimeModule{Module: newModule("datetime"), MINYEAR: 1, MAXYEAR: 9999, UTC: utcZone}
	m.Datetime = &dtClass{classBase: newClassBase("datetime", "datetime"), kind: "datetime"}
	m.Date = &dtClass{classBase: newClassBase("datetime", "date"), kind: "date"}
	m.Timedelta = &dtClass{classBase: newClassBase("datetime", "timedelta"), kind: "timedelta"}
	m.Timezone = &tzClass{classBase: newClassBase("datetime", "timezone"), Utc: utcZone}
	return m
}

// dtClass is datetime.datetime, datetime.date or datetime.timedelta.
type dtClass struct {
	classBase
	kind string
}

// RPyCNames makes Call the class's __call__.
func (c *dtClass) RPyCNames() map[string]string {
	return map[string]string{"Call": "__call__", "Now": "now", "Utcnow": "utcnow", "Today": "today",
		"Fromtimestamp": "fromtimestamp", "Fromisoformat": "fromisoformat", "Strptime": "strptime"}
}

// RPyCParams gives the class methods Python's arguments.
func (c *dtClass) RPyCParams() map[string]string {
	return map[string]string{"Now": "tz=None", "Fromtimestamp": "timestamp, tz=None"}
}

// Call is the constructor.
func (c *dtClass) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return c.construct(ctx, kw, args)
}

func (c *dtClass) instance(v any) bool {
	switch v.(type) {
	case *Datetime:
		return c.kind == "datetime" || c.kind == "date"
	case *Date:
		return c.kind == "date"
	case *Timedelta:
		return c.kind == "timedelta"
	}
	return false
}

// intArgs reads positional-or-keyword int arguments by name.
func intArgs(name string, names []string, required int, kw rpyc.Kwargs, args []any) ([]int, any, error) {
	out := make([]int, len(names))
	var tz any
	for i, a := range args {
		if i >= len(names) {
			if i == len(names) {
				tz = a
				continue
			}
			return nil, nil, vinegar.New("TypeError", fmt.Sprintf("%s() takes at most %d arguments (%d given)", name, len(names)+1, len(args)))
		}
		n, err := intArg(a, names[i])
		if err != nil {
			return nil, nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(a)))
		}
		out[i] = int(n)
	}
	for k, v := range kw {
		if k == "tzinfo" {
			tz = v
			continue
		}
		found := false
		for i, n := range names {
			if n == k {
				x, err := intArg(v, k)
				if err != nil {
					return nil, nil, err
				}
				out[i], found = int(x), true
			}
		}
		if !found {
			return nil, nil, vinegar.New("TypeError", fmt.Sprintf("'%s' is an invalid keyword argument for %s()", k, name))
		}
	}
	if len(args) < required {
		missing := names[len(args)]
		if _, ok := kw[missing]; !ok {
			return nil, nil, vinegar.New("TypeError", fmt.Sprintf("function missing required argument '%s' (pos %d)", missing, len(args)+1))
		}
	}
	return out, tz, nil
}

func (c *dtClass) construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
	switch c.kind {
	case "timedelta":
		return newTimedelta(kw, args)
	case "date":
		v, _, err := intArgs("date", []string{"year", "month", "day"}, 3, kw, args)
		if err != nil {
			return nil, err
		}
		if err := checkDate(v[0], v[1], v[2]); err != nil {
			return nil, err
		}
		return mkDate(time.Date(v[0], time.Month(v[1]), v[2], 0, 0, 0, 0, time.UTC)), nil
	}
	v, tz, err := intArgs("datetime", []string{"year", "month", "day", "hour", "minute", "second", "microsecond"}, 3, kw, args)
	if err != nil {
		return nil, err
	}
	if err := checkDate(v[0], v[1], v[2]); err != nil {
		return nil, err
	}
	for i, lim := range []struct {
		max  int
		name string
	}{{23, "hour"}, {59, "minute"}, {59, "second"}, {999999, "microsecond"}} {
		if v[3+i] < 0 || v[3+i] > lim.max {
			return nil, vinegar.New("ValueError", fmt.Sprintf("%s must be in 0..%d", lim.name, lim.max))
		}
	}
	d := &Datetime{}
	loc := time.UTC
	if z, ok := tz.(*Timezone); ok {
		d.tz, loc = z, z.location()
	} else if tz != nil {
		return nil, vinegar.New("TypeError", "tzinfo argument must be None or of a tzinfo subclass, not type '"+pyType(tz)+"'")
	}
	d.t = time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*1000, loc)
	return d.fill(), nil
}

func checkDate(y, m, d int) error {
	if y < 1 || y > 9999 {
		return vinegar.New("ValueError", fmt.Sprintf("year %d is out of range", y))
	}
	if m < 1 || m > 12 {
		return vinegar.New("ValueError", "month must be in 1..12")
	}
	if d < 1 || d > daysIn(y, m) {
		return vinegar.New("ValueError", "day is out of range for month")
	}
	return nil
}

// naiveLocal is t in local time, without a zone (a naive datetime).
func naiveLocal(t time.Time) *Datetime {
	l := t.Local()
	return (&Datetime{t: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond()/1000*1000, time.UTC)}).fill()
}

// Now is datetime.now(tz=None).
func (c *dtClass) Now(tz any) (any, error) {
	if c.kind == "date" {
		return c.Today()
	}
	if z, ok := tz.(*Timezone); ok {
		return (&Datetime{t: time.Now().In(z.location()).Truncate(time.Microsecond), tz: z}).fill(), nil
	}
	return naiveLocal(time.Now()), nil
}

// Utcnow is datetime.utcnow(): naive, in UTC.
func (c *dtClass) Utcnow() *Datetime {
	return (&Datetime{t: time.Now().UTC().Truncate(time.Microsecond)}).fill()
}

// Today is today().
func (c *dtClass) Today() (any, error) {
	n := time.Now()
	if c.kind == "date" {
		return mkDate(time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)), nil
	}
	return naiveLocal(n), nil
}

// Fromtimestamp is fromtimestamp(timestamp, tz=None).
func (c *dtClass) Fromtimestamp(ts any, tz any) (any, error) {
	f, ok := number(ts)
	if !ok {
		return nil, vinegar.New("TypeError", "'"+pyType(ts)+"' object cannot be interpreted as an integer")
	}
	t := floatTime(f).Round(time.Microsecond)
	if c.kind == "date" {
		l := t.Local()
		return mkDate(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)), nil
	}
	if z, ok := tz.(*Timezone); ok {
		return (&Datetime{t: t.In(z.location()), tz: z}).fill(), nil
	}
	return naiveLocal(t), nil
}

// Utcfromtimestamp is utcfromtimestamp(timestamp).
func (c *dtClass) Utcfromtimestamp(ts any) (*Datetime, error) {
	f, ok := number(ts)
	if !ok {
		return nil, vinegar.New("TypeError", "'"+pyType(ts)+"' object cannot be interpreted as an integer")
	}
	return (&Datetime{t: floatTime(f).Round(time.Microsecond).UTC()}).fill(), nil
}

// Fromisoformat is fromisoformat(text).
func (c *dtClass) Fromisoformat(text string) (any, error) {
	bad := vinegar.New("ValueError", "Invalid isoformat string: "+brine.Repr(text))
	if c.kind == "date" {
		t, err := time.Parse("2006-01-02", text)
		if err != nil {
			return nil, bad
		}
		return mkDate(t), nil
	}
	s := strings.Replace(text, " ", "T", 1)
	for _, layout := range []string{"2006-01-02T15:04:05.999999Z07:00", "2006-01-02T15:04:05.999999", "2006-01-02T15:04Z07:00",
		"2006-01-02T15:04", "2006-01-02T15Z07:00", "2006-01-02T15", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			d := &Datetime{t: t}
			if strings.Contains(layout, "Z07") {
				_, off := t.Zone()
				d.tz = fixedZone(off)
			}
			return d.fill(), nil
		}
	}
	return nil, bad
}

// Strptime is datetime.strptime(text, format).
func (c *dtClass) Strptime(text, format string) (*Datetime, error) {
	p, err := strptime(text, format)
	if err != nil {
		return nil, err
	}
	d := &Datetime{t: time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, p.second, p.micro*1000, time.UTC)}
	if p.hasOffset {
		d.tz = fixedZone(p.offset)
		d.t = time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, p.second, p.micro*1000, d.tz.location())
	}
	return d.fill(), nil
}

// Datetime is a datetime.datetime.
type Datetime struct {
	t  time.Time // the wall time (in UTC's location for naive values)
	tz *Timezone // nil: naive
	// The attributes.
	Year        int `rpyc:"year"`
	Month       int `rpyc:"month"`
	Day         int `rpyc:"day"`
	Hour        int `rpyc:"hour"`
	Minute      int `rpyc:"minute"`
	Second      int `rpyc:"second"`
	Microsecond int `rpyc:"microsecond"`
	Tzinfo      any `rpyc:"tzinfo"`
}

func (d *Datetime) fill() *Datetime {
	d.Year, d.Month, d.Day = d.t.Year(), int(d.t.Month()), d.t.Day()
	d.Hour, d.Minute, d.Second, d.Microsecond = d.t.Hour(), d.t.Minute(), d.t.Second(), d.t.Nanosecond()/1000
	if d.tz != nil {
		d.Tzinfo = d.tz
	}
	return d
}

// RPyCNames gives the dunders.
func (d *Datetime) RPyCNames() map[string]string {
	return map[string]string{"Add": "__add__", "Radd": "__radd__", "Sub": "__sub__", "Eq": "__eq__", "Ne": "__ne__",
		"Lt": "__lt__", "Le": "__le__", "Gt": "__gt__", "Ge": "__ge__", "Hash": "__hash__", "TimeOf": "time", "DateOf": "date"}
}

// RPyCParams gives the methods Python's arguments.
func (d *Datetime) RPyCParams() map[string]string {
	return map[string]string{"Isoformat": "sep='T', timespec='auto'", "Astimezone": "tz=None"}
}

// RPyCTypeName is Python's class.
func (d *Datetime) RPyCTypeName() string { return "datetime.datetime" }

// RPyCPickle copies the datetime by value as its ISO text.
func (d *Datetime) RPyCPickle() (any, error) { return d.Isoformat("T", "auto"), nil }

// GoString is Python's repr.
func (d *Datetime) GoString() string {
	parts := []any{d.Year, d.Month, d.Day, d.Hour, d.Minute}
	if d.Second != 0 || d.Microsecond != 0 {
		parts = append(parts, d.Second)
	}
	if d.Microsecond != 0 {
		parts = append(parts, d.Microsecond)
	}
	s := "datetime.datetime(" + joinInts(parts)
	if d.tz != nil {
		s += ", tzinfo=" + d.tz.GoString()
	}
	return s + ")"
}

func joinInts(parts []any) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

// String is str(): isoformat with a space.
func (d *Datetime) String() string { return d.Isoformat(" ", "auto") }

// Isoformat is isoformat(sep='T', timespec='auto').
func (d *Datetime) Isoformat(sep, timespec string) string {
	s := fmt.Sprintf("%04d-%02d-%02d%s%02d:%02d:%02d", d.Year, d.Month, d.Day, sep, d.Hour, d.Minute, d.Second)
	if d.Microsecond != 0 && timespec == "auto" || timespec == "microseconds" {
		s += fmt.Sprintf(".%06d", d.Microsecond)
	}
	if d.tz != nil {
		s += offsetText(d.t, true)
	}
	return s
}

// Strftime is strftime(format).
func (d *Datetime) Strftime(format string) string {
	name := ""
	if d.tz != nil {
		name = d.tz.name
	}
	return strftime(d.t, format, name, d.tz != nil)
}

// Timestamp is timestamp(): seconds since the epoch (naive values are
// local time).
func (d *Datetime) Timestamp() float64 {
	t := d.t
	if d.tz == nil {
		t = time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Microsecond*1000, time.Local)
	}
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// DateOf is date().
func (d *Datetime) DateOf() *Date {
	return mkDate(time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC))
}

// TimeOf is time(): a datetime.time, as its repr and text.
func (d *Datetime) TimeOf() *TimeOfDay {
	return &TimeOfDay{Hour: d.Hour, Minute: d.Minute, Second: d.Second, Microsecond: d.Microsecond}
}

// Weekday is weekday() (Monday 0).
func (d *Datetime) Weekday() int { return (int(d.t.Weekday()) + 6) % 7 }

// Isoweekday is isoweekday() (Monday 1).
func (d *Datetime) Isoweekday() int { return d.Weekday() + 1 }

// Isocalendar is isocalendar(): (year, week, weekday).
func (d *Datetime) Isocalendar() brine.Tuple {
	y, w := d.t.ISOWeek()
	return brine.Tuple{int64(y), int64(w), int64(d.Isoweekday())}
}

// Ctime is ctime().
func (d *Datetime) Ctime() string { return d.t.Format("Mon Jan _2 15:04:05 2006") }

// Utcoffset is utcoffset(): a timedelta, None for naive values.
func (d *Datetime) Utcoffset() any {
	if d.tz == nil {
		return nil
	}
	return makeTimedelta(int64(d.tz.offset) * 1e6)
}

// Tzname is tzname().
func (d *Datetime) Tzname() any {
	if d.tz == nil {
		return nil
	}
	return d.tz.name
}

// Astimezone is astimezone(tz=None).
func (d *Datetime) Astimezone(tz any) (*Datetime, error) {
	t := d.t
	if d.tz == nil {
		t = time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Microsecond*1000, time.Local)
	}
	z, ok := tz.(*Timezone)
	if !ok {
		_, off := t.Local().Zone()
		name, _ := t.Local().Zone()
		z = &Timezone{offset: off, name: name}
	}
	return (&Datetime{t: t.In(z.location()), tz: z}).fill(), nil
}

// Replace is replace(year=..., ...).
func (d *Datetime) Replace(ctx context.Context, kw rpyc.Kwargs) (*Datetime, error) {
	vals := map[string]any{"year": int64(d.Year), "month": int64(d.Month), "day": int64(d.Day), "hour": int64(d.Hour),
		"minute": int64(d.Minute), "second": int64(d.Second), "microsecond": int64(d.Microsecond)}
	var tz any = d.tz
	if d.tz == nil {
		tz = nil
	}
	for k, v := range kw {
		if k == "tzinfo" {
			tz = v
			continue
		}
		if _, ok := vals[k]; !ok {
			return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' is an invalid keyword argument for replace()", k))
		}
		vals[k] = v
	}
	args := []any{vals["year"], vals["month"], vals["day"], vals["hour"], vals["minute"], vals["second"], vals["microsecond"]}
	if tz != nil {
		args = append(args, tz)
	}
	v, err := (&dtClass{kind: "datetime"}).construct(ctx, nil, args)
	if err != nil {
		return nil, err
	}
	return v.(*Datetime), nil
}

// instant is the moment, for aware values, or the wall time as UTC.
func (d *Datetime) instant() time.Time { return d.t }

// Add is datetime + timedelta.
func (d *Datetime) Add(other any) any {
	td, ok := other.(*Timedelta)
	if !ok {
		return brine.NotImplemented
	}
	return (&Datetime{t: d.t.Add(time.Duration(td.us) * time.Microsecond), tz: d.tz}).fill()
}

// Radd is timedelta + datetime.
func (d *Datetime) Radd(other any) any { return d.Add(other) }

// Sub is datetime - timedelta or datetime - datetime.
func (d *Datetime) Sub(other any) (any, error) {
	switch o := other.(type) {
	case *Timedelta:
		return (&Datetime{t: d.t.Add(-time.Duration(o.us) * time.Microsecond), tz: d.tz}).fill(), nil
	case *Datetime:
		if (d.tz == nil) != (o.tz == nil) {
			return nil, vinegar.New("TypeError", "can't subtract offset-naive and offset-aware datetimes")
		}
		return makeTimedelta(d.instant().Sub(o.instant()).Microseconds()), nil
	}
	return brine.NotImplemented, nil
}

func (d *Datetime) cmp(other any) (int, bool) {
	o, ok := other.(*Datetime)
	if !ok || (d.tz == nil) != (o.tz == nil) {
		return 0, false
	}
	return d.instant().Compare(o.instant()), true
}

// Eq is ==.
func (d *Datetime) Eq(other any) any {
	c, ok := d.cmp(other)
	if !ok {
		return false
	}
	return c == 0
}

// Ne is !=.
func (d *Datetime) Ne(other any) any {
	c, ok := d.cmp(other)
	return !ok || c != 0
}

// Lt is <.
func (d *Datetime) Lt(other any) (any, error) {
	return d.order(other, func(c int) bool { return c < 0 })
}

// Le is <=.
func (d *Datetime) Le(other any) (any, error) {
	return d.order(other, func(c int) bool { return c <= 0 })
}

// Gt is >.
func (d *Datetime) Gt(other any) (any, error) {
	return d.order(other, func(c int) bool { return c > 0 })
}

// Ge is >=.
func (d *Datetime) Ge(other any) (any, error) {
	return d.order(other, func(c int) bool { return c >= 0 })
}

func (d *Datetime) order(other any, f func(int) bool) (any, error) {
	c, ok := d.cmp(other)
	if !ok {
		return nil, vinegar.New("TypeError", "can't compare "+pyType(d)+" to "+pyType(other))
	}
	return f(c), nil
}

// Hash is hash().
func (d *Datetime) Hash() int64 { return d.instant().UnixMicro() }

// Date is a datetime.date.
type Date struct {
	t     time.Time
	Year  int `rpyc:"year"`
	Month int `rpyc:"month"`
	Day   int `rpyc:"day"`
}

func mkDate(t time.Time) *Date {
	return &Date{t: t, Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}

// RPyCNames gives the dunders.
func (d *Date) RPyCNames() map[string]string {
	return map[string]string{"Add": "__add__", "Sub": "__sub__", "Eq": "__eq__", "Lt": "__lt__", "Gt": "__gt__", "Hash": "__hash__"}
}

// RPyCTypeName is Python's class.
func (d *Date) RPyCTypeName() string { return "datetime.date" }

// GoString is Python's repr.
func (d *Date) GoString() string {
	return fmt.Sprintf("datetime.date(%d, %d, %d)", d.t.Year(), int(d.t.Month()), d.t.Day())
}

// String is str().
func (d *Date) String() string { return d.Isoformat() }

// Isoformat is isoformat().
func (d *Date) Isoformat() string { return d.t.Format("2006-01-02") }

// Strftime is strftime(format).
func (d *Date) Strftime(format string) string { return strftime(d.t, format, "", false) }

// Weekday is weekday().
func (d *Date) Weekday() int { return (int(d.t.Weekday()) + 6) % 7 }

// Isoweekday is isoweekday().
func (d *Date) Isoweekday() int { return d.Weekday() + 1 }

// Toordinal is toordinal().
func (d *Date) Toordinal() int64 {
	return int64(d.t.Sub(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)).Hours()/24) + 1
}

// Add is date + timedelta.
func (d *Date) Add(other any) any {
	td, ok := other.(*Timedelta)
	if !ok {
		return brine.NotImplemented
	}
	return mkDate(d.t.AddDate(0, 0, int(td.days())))
}

// Sub is date - timedelta or date - date.
func (d *Date) Sub(other any) any {
	switch o := other.(type) {
	case *Timedelta:
		return mkDate(d.t.AddDate(0, 0, -int(o.days())))
	case *Date:
		return makeTimedelta(d.t.Sub(o.t).Microseconds())
	}
	return brine.NotImplemented
}

// Eq is ==.
func (d *Date) Eq(other any) bool { o, ok := other.(*Date); return ok && d.t.Equal(o.t) }

// Lt is <.
func (d *Date) Lt(other any) (bool, error) {
	o, ok := other.(*Date)
	if !ok {
		return false, vinegar.New("TypeError", "can't compare date to "+pyType(other))
	}
	return d.t.Before(o.t), nil
}

// Gt is >.
func (d *Date) Gt(other any) (bool, error) {
	o, ok := other.(*Date)
	if !ok {
		return false, vinegar.New("TypeError", "can't compare date to "+pyType(other))
	}
	return d.t.After(o.t), nil
}

// Hash is hash().
func (d *Date) Hash() int64 { return d.t.Unix() }

// TimeOfDay is a datetime.time.
type TimeOfDay struct {
	Hour        int `rpyc:"hour"`
	Minute      int `rpyc:"minute"`
	Second      int `rpyc:"second"`
	Microsecond int `rpyc:"microsecond"`
}

// RPyCTypeName is Python's class.
func (t *TimeOfDay) RPyCTypeName() string { return "datetime.time" }

// GoString is Python's repr.
func (t *TimeOfDay) GoString() string {
	parts := []any{t.Hour, t.Minute}
	if t.Second != 0 || t.Microsecond != 0 {
		parts = append(parts, t.Second)
	}
	if t.Microsecond != 0 {
		parts = append(parts, t.Microsecond)
	}
	return "datetime.time(" + joinInts(parts) + ")"
}

// String is str().
func (t *TimeOfDay) String() string { return t.Isoformat() }

// Isoformat is isoformat().
func (t *TimeOfDay) Isoformat() string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	if t.Microsecond != 0 {
		s += fmt.Sprintf(".%06d", t.Microsecond)
	}
	return s
}

// Timedelta is a datetime.timedelta, kept in microseconds.
type Timedelta struct {
	us int64
	// Days, Seconds and Microseconds are Python's normalised fields.
	Days         int64 `rpyc:"days"`
	Seconds      int64 `rpyc:"seconds"`
	Microseconds int64 `rpyc:"microseconds"`
}

func (td *Timedelta) days() int64 { return floorDiv(td.us, 86400e6) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func makeTimedelta(us int64) *Timedelta {
	td := &Timedelta{us: us}
	td.Days = floorDiv(us, 86400e6)
	rest := us - td.Days*86400e6
	td.Seconds, td.Microseconds = rest/1e6, rest%1e6
	return td
}

func newTimedelta(kw rpyc.Kwargs, args []any) (*Timedelta, error) {
	names := []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"}
	scale := map[string]float64{"days": 86400e6, "seconds": 1e6, "microseconds": 1, "milliseconds": 1e3, "minutes": 60e6, "hours": 3600e6, "weeks": 7 * 86400e6}
	vals := map[string]any{}
	for i, a := range args {
		if i >= len(names) {
			return nil, vinegar.New("TypeError", "timedelta() takes at most 7 arguments")
		}
		vals[names[i]] = a
	}
	for k, v := range kw {
		if _, ok := scale[k]; !ok {
			return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' is an invalid keyword argument for __new__()", k))
		}
		vals[k] = v
	}
	var total float64
	for k, v := range vals {
		f, ok := number(v)
		if !ok {
			return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported type for timedelta %s component: %s", k, pyType(v)))
		}
		total += f * scale[k]
	}
	return makeTimedelta(int64(roundHalfEven(total))), nil
}

func roundHalfEven(f float64) float64 {
	r, _ := toInt(f, 10, false)
	i, _ := r.(int64)
	frac := f - float64(i)
	switch {
	case frac > 0.5 || (frac == 0.5 && i%2 != 0):
		return float64(i + 1)
	case frac < -0.5 || (frac == -0.5 && i%2 != 0):
		return float64(i - 1)
	}
	return float64(i)
}

// RPyCNames gives the dunders.
func (td *Timedelta) RPyCNames() map[string]string {
	return map[string]string{"Add": "__add__", "Sub": "__sub__", "Mul": "__mul__", "Rmul": "__rmul__", "Neg": "__neg__",
		"Abs": "__abs__", "Floordiv": "__floordiv__", "Truediv": "__truediv__", "Eq": "__eq__", "Ne": "__ne__",
		"Lt": "__lt__", "Le": "__le__", "Gt": "__gt__", "Ge": "__ge__", "Hash": "__hash__", "Bool": "__bool__"}
}

// RPyCTypeName is Python's class.
func (td *Timedelta) RPyCTypeName() string { return "datetime.timedelta" }

// GoString is Python's repr.
func (td *Timedelta) GoString() string {
	t := makeTimedelta(td.us)
	var parts []string
	if t.Days != 0 {
		parts = append(parts, fmt.Sprintf("days=%d", t.Days))
	}
	if t.Seconds != 0 {
		parts = append(parts, fmt.Sprintf("seconds=%d", t.Seconds))
	}
	if t.Microseconds != 0 {
		parts = append(parts, fmt.Sprintf("microseconds=%d", t.Microseconds))
	}
	if len(parts) == 0 {
		return "datetime.timedelta(0)"
	}
	return "datetime.timedelta(" + strings.Join(parts, ", ") + ")"
}

// String is str(): "1 day, 1:01:01".
func (td *Timedelta) String() string {
	t := makeTimedelta(td.us)
	s := fmt.Sprintf("%d:%02d:%02d", t.Seconds/3600, t.Seconds/60%60, t.Seconds%60)
	if t.Microseconds != 0 {
		s += fmt.Sprintf(".%06d", t.Microseconds)
	}
	if t.Days != 0 {
		unit := "days"
		if t.Days == 1 || t.Days == -1 {
			unit = "day"
		}
		s = fmt.Sprintf("%d %s, %s", t.Days, unit, s)
	}
	return s
}

// TotalSeconds is total_seconds().
func (td *Timedelta) TotalSeconds() float64 { return float64(td.us) / 1e6 }

// Add is +.
func (td *Timedelta) Add(other any) any {
	switch o := other.(type) {
	case *Timedelta:
		return makeTimedelta(td.us + o.us)
	case *Datetime:
		return o.Add(td)
	case *Date:
		return o.Add(td)
	}
	return brine.NotImplemented
}

// Sub is -.
func (td *Timedelta) Sub(other any) any {
	if o, ok := other.(*Timedelta); ok {
		return makeTimedelta(td.us - o.us)
	}
	return brine.NotImplemented
}

// Mul is * a number.
func (td *Timedelta) Mul(other any) any {
	f, ok := number(other)
	if !ok {
		return brine.NotImplemented
	}
	return makeTimedelta(int64(roundHalfEven(float64(td.us) * f)))
}

// Rmul is number * timedelta.
func (td *Timedelta) Rmul(other any) any { return td.Mul(other) }

// Neg is -td.
func (td *Timedelta) Neg() *Timedelta { return makeTimedelta(-td.us) }

// Abs is abs(td).
func (td *Timedelta) Abs() *Timedelta {
	if td.us < 0 {
		return td.Neg()
	}
	return makeTimedelta(td.us)
}

// Floordiv is // (by a timedelta: an int; by an int: a timedelta).
func (td *Timedelta) Floordiv(other any) (any, error) {
	switch o := other.(type) {
	case *Timedelta:
		if o.us == 0 {
			return nil, vinegar.New("ZeroDivisionError", "integer division or modulo by zero")
		}
		return floorDiv(td.us, o.us), nil
	case int64:
		if o == 0 {
			return nil, vinegar.New("ZeroDivisionError", "integer division or modulo by zero")
		}
		return makeTimedelta(floorDiv(td.us, o)), nil
	}
	return brine.NotImplemented, nil
}

// Truediv is / (by a timedelta: a float; by a number: a timedelta).
func (td *Timedelta) Truediv(other any) (any, error) {
	if o, ok := other.(*Timedelta); ok {
		if o.us == 0 {
			return nil, vinegar.New("ZeroDivisionError", "division by zero")
		}
		return float64(td.us) / float64(o.us), nil
	}
	f, ok := number(other)
	if !ok {
		return brine.NotImplemented, nil
	}
	if f == 0 {
		return nil, vinegar.New("ZeroDivisionError", "division by zero")
	}
	return makeTimedelta(int64(roundHalfEven(float64(td.us) / f))), nil
}

func (td *Timedelta) cmp(other any) (int, bool) {
	o, ok := other.(*Timedelta)
	if !ok {
		return 0, false
	}
	switch {
	case td.us < o.us:
		return -1, true
	case td.us > o.us:
		return 1, true
	}
	return 0, true
}

// Eq is ==.
func (td *Timedelta) Eq(other any) bool { c, ok := td.cmp(other); return ok && c == 0 }

// Ne is !=.
func (td *Timedelta) Ne(other any) bool { c, ok := td.cmp(other); return !ok || c != 0 }

// Lt is <.
func (td *Timedelta) Lt(other any) bool { c, ok := td.cmp(other); return ok && c < 0 }

// Le is <=.
func (td *Timedelta) Le(other any) bool { c, ok := td.cmp(other); return ok && c <= 0 }

// Gt is >.
func (td *Timedelta) Gt(other any) bool { c, ok := td.cmp(other); return ok && c > 0 }

// Ge is >=.
func (td *Timedelta) Ge(other any) bool { c, ok := td.cmp(other); return ok && c >= 0 }

// Hash is hash().
func (td *Timedelta) Hash() int64 { return td.us }

// Bool is bool(td).
func (td *Timedelta) Bool() bool { return td.us != 0 }

// tzClass is datetime.timezone: timezone(offset, name=None) and
// timezone.utc.
type tzClass struct {
	classBase
	Utc *Timezone `rpyc:"utc"`
}

// RPyCNames makes Call the class's __call__.
func (c *tzClass) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call is timezone(offset, name=None).
func (c *tzClass) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return c.construct(ctx, kw, args)
}

func (c *tzClass) instance(v any) bool { _, ok := v.(*Timezone); return ok }

func (c *tzClass) construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
	if len(args) == 0 {
		return nil, vinegar.New("TypeError", "timezone() missing required argument 'offset' (pos 1)")
	}
	td, ok := args[0].(*Timedelta)
	if !ok {
		return nil, vinegar.New("TypeError", "timezone() argument 1 must be datetime.timedelta, not "+pyType(args[0]))
	}
	z := fixedZone(int(td.us / 1e6))
	if len(args) > 1 {
		z.name, _ = args[1].(string)
	}
	return z, nil
}

// Timezone is a fixed-offset datetime.timezone.
type Timezone struct {
	offset int // seconds east of UTC
	name   string
	utc    bool
}

func fixedZone(off int) *Timezone {
	if off == 0 {
		return utcZone
	}
	sign := '+'
	a := off
	if a < 0 {
		sign, a = '-', -a
	}
	return &Timezone{offset: off, name: fmt.Sprintf("UTC%c%02d:%02d", sign, a/3600, a/60%60)}
}

func (z *Timezone) location() *time.Location {
	if z.utc {
		return time.UTC
	}
	return time.FixedZone(z.name, z.offset)
}

// RPyCTypeName is Python's class.
func (z *Timezone) RPyCTypeName() string { return "datetime.timezone" }

// GoString is Python's repr.
func (z *Timezone) GoString() string {
	if z.utc {
		return "datetime.timezone.utc"
	}
	return fmt.Sprintf("datetime.timezone(%s)", makeTimedelta(int64(z.offset)*1e6).GoString())
}

// String is str(): the name.
func (z *Timezone) String() string { return z.name }

// Utcoffset is utcoffset(dt).
func (z *Timezone) Utcoffset(dt any) *Timedelta { return makeTimedelta(int64(z.offset) * 1e6) }

// Tzname is tzname(dt).
func (z *Timezone) Tzname(dt any) string { return z.name }

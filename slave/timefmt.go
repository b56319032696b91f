package slave

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// strftime formats t as C's strftime in the C locale (which Python's
// time.strftime and datetime.strftime call), with %f (microseconds) for
// datetime. tzName is %Z's text ("" for a naive datetime), offset says
// whether %z has a value (naive datetimes give "").
func strftime(t time.Time, format string, tzName string, hasOffset bool) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'F':
			fmt.Fprintf(&b, "%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
		case 'G':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%d", y)
		case 'g':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", y%100)
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", hour12(t.Hour()))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'l':
			fmt.Fprintf(&b, "%2d", hour12(t.Hour()))
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'n':
			b.WriteByte('\n')
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'P':
			if t.Hour() < 12 {
				b.WriteString("am")
			} else {
				b.WriteString("pm")
			}
		case 'r':
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", hour12(t.Hour()), t.Minute(), t.Second(), map[bool]string{true: "AM", false: "PM"}[t.Hour() < 12])
		case 'R':
			fmt.Fprintf(&b, "%02d:%02d", t.Hour(), t.Minute())
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 't':
			b.WriteByte('\t')
		case 'T', 'X':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'u':
			fmt.Fprintf(&b, "%d", (int(t.Weekday())+6)%7+1)
		case 'U':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-int(t.Weekday()))/7)
		case 'V':
			_, w := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'W':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'z':
			if hasOffset {
				b.WriteString(offsetText(t, false))
			}
		case 'Z':
			b.WriteString(tzName)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func hour12(h int) int {
	if h%12 == 0 {
		return 12
	}
	return h % 12
}

// offsetText is a UTC offset as +HHMM (colon: +HH:MM), with seconds when
// it has some.
func offsetText(t time.Time, colon bool) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	sep := ""
	if colon {
		sep = ":"
	}
	s := fmt.Sprintf("%c%02d%s%02d", sign, off/3600, sep, off/60%60)
	if off%60 != 0 {
		s += fmt.Sprintf("%s%02d", sep, off%60)
	}
	return s
}

// parsed is what strptime read.
type parsed struct {
	year, month, day, hour, minute, second, micro int
	wday, yday                                    int
	hasOffset                                     bool
	offset                                        int // seconds east of UTC
	tzName                                        string
	hasWday, hasYday                              bool
}

var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
var dayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// strptime parses text by format as Python's _strptime does (C locale):
// ValueError "time data %r does not match format %r" when it does not,
// "unconverted data remains: ..." when text is longer.
func strptime(text, format string) (*parsed, error) {
	p := &parsed{year: 1900, month: 1, day: 1}
	mismatch := func() error {
		return vinegar.New("ValueError", fmt.Sprintf("time data %s does not match format %s", brine.Repr(text), brine.Repr(format)))
	}
	s := text
	pm, hasPM := false, false
	num := func(maxDigits int) (int, bool) {
		n := 0
		for n < maxDigits && n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 {
			return 0, false
		}
		v, _ := strconv.Atoi(s[:n])
		s = s[n:]
		return v, true
	}
	name := func(names []string) (int, bool) {
		low := strings.ToLower(s)
		for i, n := range names {
			if strings.HasPrefix(low, n) {
				s = s[len(n):]
				return i, true
			}
		}
		for i, n := range names {
			if strings.HasPrefix(low, n[:3]) {
				s = s[3:]
				return i, true
			}
		}
		return 0, false
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == ' ' || c == '\t' || c == '\n' {
			s = strings.TrimLeft(s, " \t\n")
			continue
		}
		if c != '%' || i+1 == len(format) {
			if !strings.HasPrefix(s, string(c)) {
				return nil, mismatch()
			}
			s = s[1:]
			continue
		}
		i++
		var ok bool
		switch format[i] {
		case 'Y':
			p.year, ok = num(4)
		case 'y':
			var y int
			if y, ok = num(2); ok {
				if y < 69 {
					p.year = 2000 + y
				} else {
					p.year = 1900 + y
				}
			}
		case 'm':
			p.month, ok = num(2)
			ok = ok && p.month >= 1 && p.month <= 12
		case 'd':
			p.day, ok = num(2)
			ok = ok && p.day >= 1 && p.day <= 31
		case 'e':
			s = strings.TrimLeft(s, " ")
			p.day, ok = num(2)
		case 'H':
			p.hour, ok = num(2)
			ok = ok && p.hour <= 23
		case 'I':
			p.hour, ok = num(2)
			ok = ok && p.hour >= 1 && p.hour <= 12
		case 'M':
			p.minute, ok = num(2)
			ok = ok && p.minute <= 59
		case 'S':
			p.second, ok = num(2)
			ok = ok && p.second <= 61
		case 'f':
			start := s
			var v int
			if v, ok = num(6); ok {
				digits := len(start) - len(s)
				for ; digits < 6; digits++ {
					v *= 10
				}
				p.micro = v
			}
		case 'j':
			p.yday, ok = num(3)
			p.hasYday = ok
		case 'b', 'B', 'h':
			var m int
			if m, ok = name(monthNames); ok {
				p.month = m + 1
			}
		case 'a', 'A':
			p.wday, ok = name(dayNames)
			p.hasWday = ok
		case 'w':
			var w int
			if w, ok = num(1); ok {
				p.wday, p.hasWday = (w+6)%7, true
			}
		case 'p':
			low := strings.ToLower(s)
			switch {
			case strings.HasPrefix(low, "am"):
				ok, hasPM, pm = true, true, false
			case strings.HasPrefix(low, "pm"):
				ok, hasPM, pm = true, true, true
			}
			if ok {
				s = s[2:]
			}
		case 'z':
			ok = p.parseOffset(&s)
		case 'Z':
			for _, z := range []string{"UTC", "GMT", time.Local.String()} {
				if strings.HasPrefix(s, z) {
					p.tzName, s, ok = z, s[len(z):], true
					break
				}
			}
		case '%':
			ok = strings.HasPrefix(s, "%")
			if ok {
				s = s[1:]
			}
		default:
			return nil, vinegar.New("ValueError", fmt.Sprintf("'%c' is a bad directive in format %s", format[i], brine.Repr(format)))
		}
		if !ok {
			return nil, mismatch()
		}
	}
	if s != "" {
		return nil, vinegar.New("ValueError", "unconverted data remains: "+s)
	}
	if hasPM {
		if pm && p.hour != 12 {
			p.hour += 12
		} else if !pm && p.hour == 12 {
			p.hour = 0
		}
	}
	if p.day > daysIn(p.year, p.month) {
		return nil, vinegar.New("ValueError", "day is out of range for month")
	}
	if p.hasYday && !strings.Contains(format, "%m") && !strings.Contains(format, "%d") {
		t := time.Date(p.year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p.yday-1)
		p.month, p.day = int(t.Month()), t.Day()
	}
	return p, nil
}

// parseOffset reads %z: Z, +HHMM, +HH:MM, optionally with seconds.
func (p *parsed) parseOffset(s *string) bool {
	t := *s
	if strings.HasPrefix(t, "Z") {
		p.hasOffset, p.offset, *s = true, 0, t[1:]
		return true
	}
	if len(t) < 5 || (t[0] != '+' && t[0] != '-') {
		return false
	}
	sign := 1
	if t[0] == '-' {
		sign = -1
	}
	t = t[1:]
	var parts []int
	for len(parts) < 3 {
		if len(t) < 2 {
			break
		}
		v, err := strconv.Atoi(t[:2])
		if err != nil {
			break
		}
		parts = append(parts, v)
		t = t[2:]
		if strings.HasPrefix(t, ":") && len(parts) < 3 {
			t = t[1:]
		}
	}
	if len(parts) < 2 {
		return false
	}
	off := parts[0]*3600 + parts[1]*60
	if len(parts) == 3 {
		off += parts[2]
	}
	p.hasOffset, p.offset, *s = true, sign*off, t
	return true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

package slave

import (
	"strings"
	"syscall"
)

// uname returns the machine and kernel release (platform.machine and
// platform.release).
func uname() (machine, release string) {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return "", ""
	}
	return utsString(u.Machine[:]), utsString(u.Release[:])
}

func utsString[T int8 | uint8](b []T) string {
	var sb strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return sb.String()
}

// statTimes returns st_atime and st_ctime in float seconds.
func statTimes(st *syscall.Stat_t) (atime, ctime float64) {
	return float64(st.Atim.Sec) + float64(st.Atim.Nsec)/1e9, float64(st.Ctim.Sec) + float64(st.Ctim.Nsec)/1e9
}

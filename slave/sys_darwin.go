package slave

import "syscall"

// uname is empty on macOS: platform.machine falls back to GOARCH.
func uname() (machine, release string) { return "", "" }

// statTimes returns st_atime and st_ctime in float seconds.
func statTimes(st *syscall.Stat_t) (atime, ctime float64) {
	return float64(st.Atimespec.Sec) + float64(st.Atimespec.Nsec)/1e9,
		float64(st.Ctimespec.Sec) + float64(st.Ctimespec.Nsec)/1e9
}

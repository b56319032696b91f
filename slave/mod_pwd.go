//go:build unix

package slave

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pwdModule and grpModule are Python's pwd and grp, read from
// /etc/passwd and /etc/group (users only a directory service knows are
// looked up through os/user, without a shell). They exist on Unix only,
// as in Python.
type pwdModule struct{ Module }

type grpModule struct{ Module }

// Passwd is pwd.struct_passwd.
type Passwd struct {
	*structSeq
	Name   string `rpyc:"pw_name"`
	Passwd string `rpyc:"pw_passwd"`
	UID    int64  `rpyc:"pw_uid"`
	GID    int64  `rpyc:"pw_gid"`
	Gecos  string `rpyc:"pw_gecos"`
	Dir    string `rpyc:"pw_dir"`
	Shell  string `rpyc:"pw_shell"`
}

func newPasswd(name, passwd string, uid, gid int64, gecos, dir, shell string) *Passwd {
	p := &Passwd{Name: name, Passwd: passwd, UID: uid, GID: gid, Gecos: gecos, Dir: dir, Shell: shell}
	p.structSeq = newStructSeq("pwd.struct_passwd",
		[]string{"pw_name", "pw_passwd", "pw_uid", "pw_gid", "pw_gecos", "pw_dir", "pw_shell"},
		name, passwd, uid, gid, gecos, dir, shell)
	return p
}

// Group is grp.struct_group.
type Group struct {
	*structSeq
	Name   string `rpyc:"gr_name"`
	Passwd string `rpyc:"gr_passwd"`
	GID    int64  `rpyc:"gr_gid"`
	Mem    []any  `rpyc:"gr_mem"`
}

func newGroup(name, passwd string, gid int64, mem []any) *Group {
	g := &Group{Name: name, Passwd: passwd, GID: gid, Mem: mem}
	g.structSeq = newStructSeq("grp.struct_group", []string{"gr_name", "gr_passwd", "gr_gid", "gr_mem"}, name, passwd, gid, mem)
	return g
}

// readTable reads a colon-separated table such as /etc/passwd.
func readTable(path string, fields int) [][]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-") {
			continue
		}
		parts := strings.Split(line, ":")
		if len(parts) >= fields {
			out = append(out, parts)
		}
	}
	return out
}

func passwdEntries() []*Passwd {
	var out []*Passwd
	for _, p := range readTable("/etc/passwd", 7) {
		uid, err1 := strconv.ParseInt(p[2], 10, 64)
		gid, err2 := strconv.ParseInt(p[3], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, newPasswd(p[0], p[1], uid, gid, p[4], p[5], p[6]))
	}
	return out
}

func fromUser(u *user.User) *Passwd {
	uid, _ := strconv.ParseInt(u.Uid, 10, 64)
	gid, _ := strconv.ParseInt(u.Gid, 10, 64)
	return newPasswd(u.Username, "*", uid, gid, u.Name, u.HomeDir, "")
}

// Getpwnam is pwd.getpwnam.
func (pwdModule) Getpwnam(name string) (*Passwd, error) {
	for _, p := range passwdEntries() {
		if p.Name == name {
			return p, nil
		}
	}
	if u, err := user.Lookup(name); err == nil {
		return fromUser(u), nil
	}
	return nil, vinegar.New("KeyError", "getpwnam(): name not found: "+brine.Repr(name))
}

// Getpwuid is pwd.getpwuid.
func (pwdModule) Getpwuid(uid int64) (*Passwd, error) {
	for _, p := range passwdEntries() {
		if p.UID == uid {
			return p, nil
		}
	}
	if u, err := user.LookupId(strconv.FormatInt(uid, 10)); err == nil {
		return fromUser(u), nil
	}
	return nil, vinegar.New("KeyError", fmt.Sprintf("getpwuid(): uid not found: %d", uid))
}

// Getpwall is pwd.getpwall.
func (pwdModule) Getpwall() []any {
	out := []any{}
	for _, p := range passwdEntries() {
		out = append(out, p)
	}
	return out
}

func groupEntries() []*Group {
	var out []*Group
	for _, g := range readTable("/etc/group", 4) {
		gid, err := strconv.ParseInt(g[2], 10, 64)
		if err != nil {
			continue
		}
		mem := []any{}
		for _, m := range strings.Split(g[3], ",") {
			if m != "" {
				mem = append(mem, m)
			}
		}
		out = append(out, newGroup(g[0], g[1], gid, mem))
	}
	return out
}

// Getgrnam is grp.getgrnam.
func (grpModule) Getgrnam(name string) (*Group, error) {
	for _, g := range groupEntries() {
		if g.Name == name {
			return g, nil
		}
	}
	if g, err := user.LookupGroup(name); err == nil {
		gid, _ := strconv.ParseInt(g.Gid, 10, 64)
		return newGroup(g.Name, "*", gid, []any{}), nil
	}
	return nil, vinegar.New("KeyError", "getgrnam(): name not found: "+brine.Repr(name))
}

// Getgrgid is grp.getgrgid.
func (grpModule) Getgrgid(gid int64) (*Group, error) {
	for _, g := range groupEntries() {
		if g.GID == gid {
			return g, nil
		}
	}
	if g, err := user.LookupGroupId(strconv.FormatInt(gid, 10)); err == nil {
		return newGroup(g.Name, "*", gid, []any{}), nil
	}
	return nil, vinegar.New("KeyError", fmt.Sprintf("getgrgid(): gid not found: %d", gid))
}

// Getgrall is grp.getgrall.
func (grpModule) Getgrall() []any {
	out := []any{}
	for _, g := range groupEntries() {
		out = append(out, g)
	}
	return out
}

// platformModules are the modules that exist on Unix only.
var platformModules = map[string]func(s *SlaveService) any{
	"pwd": func(*SlaveService) any { return &pwdModule{Module: newModule("pwd")} },
	"grp": func(*SlaveService) any { return &grpModule{Module: newModule("grp")} },
}

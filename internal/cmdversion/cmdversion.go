// Package cmdversion is what the commands print for --version: the
// module's version as the Go toolchain recorded it in the binary, and
// the RPyC protocol versions the commands speak.
package cmdversion

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/rpyc-go/rpyc"
)

// modulePath is this module's path, which the build info names.
const modulePath = "github.com/rpyc-go/rpyc"

// Version is the module version the binary was built from: a release
// tag (v1.2.3) for `go install ...@v1.2.3`, a pseudo-version for a build
// from a checkout (with +dirty for uncommitted changes), or "(devel)"
// when the toolchain recorded none.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := ""
	if info.Main.Path == modulePath {
		v = info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == modulePath {
			v = d.Version
		}
	}
	if v != "" && v != "(devel)" {
		return v
	}
	// A build from a checkout: the commit, when the toolchain stamped it.
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		return fmt.Sprintf("(devel, commit %.12s%s)", rev, modified)
	}
	return "(devel)"
}

// Fprint writes the --version text of the command name.
func Fprint(w io.Writer, name string) {
	goVersion := "unknown Go"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
	}
	fmt.Fprintf(w, "%s %s (%s, %s)\n", name, Version(), modulePath, goVersion)
	fmt.Fprintf(w, "RPyC protocol: the rpyc 5.x and 6.x message layouts; reports its version to peers as %s or %s\n",
		rpyc.VersionV5, rpyc.VersionV6)
}

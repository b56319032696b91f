package rpyc_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestREADMEGoBlocksCompile compiles every ```go block of the README, as
// a user would paste it: in a module of its own that requires this one.
// A block that declares functions or types is a file; any other block is
// the body of a function whose parameters are the names the block uses
// without declaring (readmeGiven below). Unused variables are allowed (a
// snippet shows results it does not use); everything else must compile
// and pass go vet.
func TestREADMEGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of its own")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("no Go blocks found in README.md")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module readmecheck\n\ngo 1.26\n\nrequire github.com/rpyc-go/rpyc v0.0.0\n\nreplace github.com/rpyc-go/rpyc => " + root + "\n"
	write(t, filepath.Join(dir, "go.mod"), goMod)
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	for i, b := range blocks {
		src, err := readmeFile(i, string(b[1]))
		if err != nil {
			t.Fatalf("README Go block %d: %v\n%s", i+1, err, b[1])
		}
		pkg := filepath.Join(dir, fmt.Sprintf("block%02d", i+1))
		write(t, filepath.Join(pkg, "main.go"), src)
	}
	// A snippet may end in a return; the uses appended after it are dead
	// code on purpose. The module resolves as a user's would: through the
	// go command's own proxy settings and this repository's go.sum, so a
	// machine whose module cache was never filled fetches what the blocks'
	// module graph needs (the go.mod files of indirect dependencies that
	// building this repository alone never downloads).
	cmd := exec.Command("go", "vet", "-unreachable=false", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("README Go blocks do not compile (go vet in %s): %v\n%s", dir, err, out)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readmeImports maps the package names README blocks use to their paths.
var readmeImports = map[string]string{
	"rpyc": "github.com/rpyc-go/rpyc", "server": "github.com/rpyc-go/rpyc/server",
	"vinegar": "github.com/rpyc-go/rpyc/vinegar", "channel": "github.com/rpyc-go/rpyc/channel",
	"message": "github.com/rpyc-go/rpyc/message", "stream": "github.com/rpyc-go/rpyc/stream",
	"classic": "github.com/rpyc-go/rpyc/classic", "registry": "github.com/rpyc-go/rpyc/registry",
	"etcd": "github.com/rpyc-go/rpyc/registry/etcd", "clientv3": "go.etcd.io/etcd/client/v3",
	"slave": "github.com/rpyc-go/rpyc/slave", "deploy": "github.com/rpyc-go/rpyc/slave/deploy",
	"reconnect": "github.com/rpyc-go/rpyc/reconnect",
	"context":   "context", "errors": "errors", "fmt": "fmt", "log": "log", "net": "net",
	"os": "os", "time": "time", "slog": "log/slog", "io": "io", "strings": "strings",
	"tls": "crypto/tls", "exec": "os/exec", "http": "net/http",
	"otelrpyc": "github.com/rpyc-go/rpyc/otelrpyc", "sync": "sync",
}

// readmeGiven are the names README snippets use without declaring them,
// with their types; each becomes a parameter of the snippet's function
// when the snippet uses it and does not declare it at its top level.
var readmeGiven = map[string]string{
	"ctx":       "context.Context",
	"c":         "*classic.Conn",
	"root":      "*rpyc.Netref",
	"srv":       "*server.Server",
	"callbacks": "any",
	"r":         "io.ReadCloser",
	"w":         "io.WriteCloser",
	"stream":    "io.ReadWriteCloser",
}

// readmeTypes are service types snippets name without declaring.
var readmeTypes = []string{"EchoService", "WhoService", "GreeterService", "CalcService"}

// readmeFile turns block i into a compilable file.
func readmeFile(i int, block string) (string, error) {
	fset := token.NewFileSet()
	var body bytes.Buffer
	isFile := regexp.MustCompile(`(?m)^(func|type) `).MatchString(block)
	if regexp.MustCompile(`(?m)^package `).MatchString(block) {
		return block, nil
	}
	fnName := fmt.Sprintf("readme%02d", i+1)
	if isFile {
		body.WriteString(block)
	} else {
		// Parse once as a body to learn what it declares and uses.
		probe := "package p\nfunc f() error {\n" + block + "\nreturn nil\n}\n"
		f, err := parser.ParseFile(fset, "probe.go", probe, 0)
		if err != nil {
			return "", err
		}
		declared, used := map[string]bool{}, map[string]bool{}
		fn := f.Decls[0].(*ast.FuncDecl)
		for _, st := range fn.Body.List {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
			if ds, ok := st.(*ast.DeclStmt); ok {
				for _, sp := range ds.Decl.(*ast.GenDecl).Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
		var params []string
		for name, typ := range readmeGiven {
			if used[name] && !declared[name] {
				params = append(params, name+" "+typ)
			}
		}
		sort.Strings(params)
		var uses []string
		for name := range declared {
			if name != "_" {
				uses = append(uses, "_ = "+name)
			}
		}
		sort.Strings(uses)
		// A snippet with a bare return is the body of a func without
		// results; one that returns an error, of a func returning error.
		if regexp.MustCompile(`(?m)\breturn\s*$`).MatchString(block) {
			fmt.Fprintf(&body, "func %s(%s) {\n%s\n%s\n}\n", fnName, strings.Join(params, ", "), block, strings.Join(uses, "\n"))
		} else {
			fmt.Fprintf(&body, "func %s(%s) error {\n%s\n%s\nreturn nil\n}\n", fnName, strings.Join(params, ", "), block, strings.Join(uses, "\n"))
		}
	}
	// Imports: the packages the code names, as far as they are known.
	code := body.String()
	f, err := parser.ParseFile(fset, "block.go", "package main\n"+code, 0)
	if err != nil {
		return "", err
	}
	qualifiers := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				qualifiers[id.Name] = true
			}
		}
		return true
	})
	var imports []string
	for name, path := range readmeImports {
		if qualifiers[name] {
			if strings.HasSuffix(path, "/"+name) || path == name {
				imports = append(imports, fmt.Sprintf("%q", path))
			} else {
				imports = append(imports, fmt.Sprintf("%s %q", name, path))
			}
		}
	}
	sort.Strings(imports)
	var types []string
	for _, ty := range readmeTypes {
		if strings.Contains(code, ty) && !regexp.MustCompile(`type `+ty+`\b`).MatchString(code) {
			types = append(types, "type "+ty+" struct{}")
		}
	}
	mainFn := ""
	if !regexp.MustCompile(`(?m)^func main\(\)`).MatchString(code) {
		mainFn = "func main() {}\n"
	}
	return fmt.Sprintf("package main\n\nimport (\n%s\n)\n\n%s\n%s\n%s", strings.Join(imports, "\n"), strings.Join(types, "\n"), code, mainFn), nil
}

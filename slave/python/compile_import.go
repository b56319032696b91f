package python

import (
	"fmt"
	"strings"
)

// Compiling import statements.

func (c *compiler) importStmt(n *Import) execFn {
	type imp struct {
		name, bind string
		store      storeFn
	}
	var imps []imp
	for _, a := range n.Names {
		var target string
		if a.AsName != "" {
			target = a.Name
		} else {
			target, _, _ = strings.Cut(a.Name, ".")
		}
		imps = append(imps, imp{a.Name, target, c.storeName(importBinding(a))})
	}
	return func(fr *Frame) (ctl, error) {
		for _, im := range imps {
			if _, err := importModule(fr.th, im.name); err != nil {
				return 0, err
			}
			m, err := importModule(fr.th, im.bind)
			if err != nil {
				return 0, err
			}
			if err := im.store(fr, m); err != nil {
				return 0, err
			}
		}
		return ctlNext, nil
	}
}

func (c *compiler) importFrom(n *ImportFrom) execFn {
	if n.Level > 0 {
		return func(fr *Frame) (ctl, error) {
			return 0, fr.th.newError(ErrImportError, "attempted relative import with no known parent package")
		}
	}
	mod := n.Module
	if len(n.Names) == 1 && n.Names[0].Name == "*" {
		return func(fr *Frame) (ctl, error) {
			m, err := importModule(fr.th, mod)
			if err != nil {
				return 0, err
			}
			return ctlNext, importStar(fr, m)
		}
	}
	type imp struct {
		name  string
		store storeFn
	}
	var imps []imp
	for _, a := range n.Names {
		bind := a.Name
		if a.AsName != "" {
			bind = a.AsName
		}
		imps = append(imps, imp{a.Name, c.storeName(bind)})
	}
	return func(fr *Frame) (ctl, error) {
		m, err := importModule(fr.th, mod)
		if err != nil {
			return 0, err
		}
		for _, im := range imps {
			v, err := getAttr(fr.th, m, im.name)
			if err != nil {
				// A submodule not yet imported: from os import path.
				sub, serr := importModule(fr.th, mod+"."+im.name)
				if serr != nil {
					return 0, fr.th.newError(ErrImportError, fmt.Sprintf("cannot import name '%s' from '%s'", im.name, mod))
				}
				v = sub
			}
			if err := im.store(fr, v); err != nil {
				return 0, err
			}
		}
		return ctlNext, nil
	}
}

package python

// Compiling exception handling: try, raise and with.

func (c *compiler) tryStmt(n *Try) execFn {
	body := c.block(n.Body)
	type handler struct {
		typ   evalFn
		store storeFn
		del   execFn
		body  execFn
		line  int
	}
	hs := make([]handler, len(n.Handlers))
	for i, h := range n.Handlers {
		if h.Type != nil {
			hs[i].typ = c.expr(h.Type)
		}
		if h.Name != "" {
			hs[i].store = c.storeName(h.Name)
			hs[i].del = c.delName(h.Name)
		}
		hs[i].body = c.block(h.Body)
		hs[i].line = h.P.Line
	}
	var els, fin execFn
	if len(n.Else) > 0 {
		els = c.block(n.Else)
	}
	if len(n.Finally) > 0 {
		fin = c.block(n.Finally)
	}
	return func(fr *Frame) (ctl, error) {
		th := fr.th
		k, err := body(fr)
		if err != nil {
			exc := asException(th, err)
			addTraceback(fr, exc)
			err = exc
			for _, h := range hs {
				fr.line = h.line
				if h.typ != nil {
					t, terr := h.typ(fr)
					if terr != nil {
						err = chain(terr, exc)
						break
					}
					match, merr := excMatches(th, exc, t)
					if merr != nil {
						err = chain(merr, exc)
						break
					}
					if !match {
						continue
					}
				} else if th.ctx.Err() != nil && exc.class.isSubclass(ErrKeyboardInterrupt) {
					continue // a cancelled request stops, whatever the code catches
				}
				if h.store != nil {
					if serr := h.store(fr, exc); serr != nil {
						err = serr
						break
					}
				}
				saved := th.handling
				th.handling = exc
				k, err = h.body(fr)
				th.handling = saved
				if err != nil {
					err = chain(err, exc)
				}
				if h.del != nil {
					_, _ = h.del(fr)
				}
				break
			}
		} else if k == ctlNext && els != nil {
			k, err = els(fr)
		}
		if fin == nil {
			return k, err
		}
		saved := th.handling
		if e, ok := err.(*Instance); ok {
			addTraceback(fr, e)
			th.handling = e
		}
		k2, err2 := fin(fr)
		th.handling = saved
		if err2 != nil {
			if err != nil {
				err2 = chain(err2, asException(th, err))
			}
			return k2, err2
		}
		if k2 != ctlNext {
			return k2, nil
		}
		return k, err
	}
}

// chain sets the context of a new exception raised while handling old.
func chain(err error, old *Instance) error {
	if e, ok := err.(*Instance); ok && e.exc != nil && e != old && e.exc.context == nil {
		e.exc.context = old
	}
	return err
}

func (c *compiler) raise(n *Raise) execFn {
	if n.Exc == nil {
		return func(fr *Frame) (ctl, error) {
			if fr.th.handling == nil {
				return 0, fr.th.newError(ErrRuntimeError, "No active exception to reraise")
			}
			return 0, fr.th.handling
		}
	}
	exc := c.expr(n.Exc)
	var cause evalFn
	if n.Cause != nil {
		cause = c.expr(n.Cause)
	}
	return func(fr *Frame) (ctl, error) {
		th := fr.th
		v, err := exc(fr)
		if err != nil {
			return 0, err
		}
		e, err := makeException(th, v)
		if err != nil {
			return 0, err
		}
		if cause != nil {
			cv, err := cause(fr)
			if err != nil {
				return 0, err
			}
			if cv == nil {
				e.exc.cause = nil
			} else {
				ce, err := makeException(th, cv)
				if err != nil {
					return 0, th.newError(ErrTypeError, "exception causes must derive from BaseException")
				}
				e.exc.cause = ce
			}
			e.exc.suppress = true
		}
		return 0, th.raise(e)
	}
}

func (c *compiler) with(items []WithItem, body []Stmt) execFn {
	if len(items) > 1 {
		inner := c.with(items[1:], body)
		return c.withOne(items[0], func(fr *Frame) (ctl, error) { return inner(fr) })
	}
	return c.withOne(items[0], c.block(body))
}

func (c *compiler) withOne(item WithItem, body execFn) execFn {
	mgr := c.expr(item.Ctx)
	var target storeFn
	if item.Target != nil {
		target = c.store(item.Target)
	}
	return func(fr *Frame) (ctl, error) {
		th := fr.th
		m, err := mgr(fr)
		if err != nil {
			return 0, err
		}
		exit, err := lookupSpecial(th, m, "__exit__")
		if err != nil {
			return 0, err
		}
		v, err := callSpecial(th, m, "__enter__", nil)
		if err != nil {
			return 0, err
		}
		if target != nil {
			if err := target(fr, v); err != nil {
				_, _ = call(th, exit, []Value{nil, nil, nil}, nil)
				return 0, err
			}
		}
		k, err := body(fr)
		if err != nil {
			exc := asException(th, err)
			addTraceback(fr, exc)
			saved := th.handling
			th.handling = exc
			r, xerr := call(th, exit, []Value{exc.class, exc, nil}, nil)
			th.handling = saved
			if xerr != nil {
				return 0, chain(xerr, exc)
			}
			suppress, terr := truth(th, r)
			if terr != nil {
				return 0, terr
			}
			if suppress {
				return ctlNext, nil
			}
			return 0, exc
		}
		if _, err := call(th, exit, []Value{nil, nil, nil}, nil); err != nil {
			return 0, err
		}
		return k, nil
	}
}

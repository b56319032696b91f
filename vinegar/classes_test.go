package vinegar

import (
	"errors"
	"testing"
)

func TestModuleClassMatchesItsBasesLikeAnExceptClause(t *testing.T) {
	sub, err := NewClass("testmod.SubprocessError", nil)
	if err != nil {
		t.Fatal(err)
	}
	called := MustClass("testmod.CalledProcessError", sub)
	if again := MustClass("testmod.CalledProcessError", sub); again != called {
		t.Fatalf("declaring twice gave a second class")
	}
	if _, err := NewClass("testmod.CalledProcessError", ErrOSError); err == nil {
		t.Fatalf("redeclaring with another base: got nil error")
	}
	for _, bad := range []string{"NoModule", "builtins.ValueError", ".X", "mod."} {
		if _, err := NewClass(bad, nil); err == nil {
			t.Errorf("NewClass(%q): got nil error, want a refusal", bad)
		}
	}
	e := called.New(1, "ls")
	if got, want := e.QualName(), "testmod.CalledProcessError"; got != want {
		t.Fatalf("QualName: got %q, want %q", got, want)
	}
	for _, target := range []error{called, sub, ErrException, ErrBaseException} {
		if !errors.Is(e, target) {
			t.Errorf("errors.Is(%v, %v): got false, want true", e.QualName(), target)
		}
	}
	if errors.Is(e, ErrOSError) {
		t.Errorf("errors.Is(CalledProcessError, OSError): got true")
	}
	if e.IsBuiltin() {
		t.Errorf("IsBuiltin of a module class: got true")
	}
	// An exception that arrives by name finds the declared class too.
	loaded := &Exception{Module: "testmod", Name: "CalledProcessError"}
	if !errors.Is(loaded, sub) {
		t.Errorf("a loaded testmod.CalledProcessError does not match its base")
	}
	if got, want := loaded.Summary(), "testmod.CalledProcessError"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	if c, ok := Lookup("ValueError"); !ok || c != ErrValueError {
		t.Errorf("Lookup(ValueError): got %v %v", c, ok)
	}
	if c, ok := Lookup("builtins.KeyError"); !ok || c != ErrKeyError {
		t.Errorf("Lookup(builtins.KeyError): got %v %v", c, ok)
	}
	if c, ok := Lookup("testmod.SubprocessError"); !ok || c != sub {
		t.Errorf("Lookup(testmod.SubprocessError): got %v %v", c, ok)
	}
}

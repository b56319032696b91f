package rpyc

// Placeholders filled in by kind_list.go, kind_dict.go and kind_file.go.
var listKind = &kindSpec{pyName: "builtins.list", methods: map[string]nativeMethod{}}
var dictKind = &kindSpec{pyName: "builtins.dict", methods: map[string]nativeMethod{}}

func fileKindFor(obj any) *kindSpec { return nil }

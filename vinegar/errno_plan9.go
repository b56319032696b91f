package vinegar

// Plan 9 reports system errors as strings, with no errno numbers.

func errnoClass(int64) *Class { return nil }

func findErrno(error) (int64, string, bool) { return 0, "", false }

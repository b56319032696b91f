package slave

// platformModules are the modules that exist on Windows only: none
// here (pwd and grp are Unix's, as in Python).
var platformModules = map[string]func(s *SlaveService) any{}

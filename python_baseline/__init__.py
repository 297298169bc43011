"""Pure-Python baselines: the same API and the same answers as the native modules, done the
way a plain-ctypes helper library does them. They import nothing from bridgebench."""

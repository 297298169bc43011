"""Pure-Python baselines: the same API and the same answers as the native modules, done the
way the seed project did them. They import nothing from bridgebench."""

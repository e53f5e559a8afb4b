"""The engine's floor: a provider plugin that calls nothing, on the same SDK as `backstop`'s, and a program
declaring N of its resources (bench/engine_floor.py measures them)."""

"""Plain-loop transcriptions of the reference programs, one module per model.

Each restates its reference (the EUM replication's Python, decide-exchange-model, KTAB's
C++) loop by loop in Python floats, independently of tawazun's array kernels: the tests
hold the kernels to them, and ``bench/`` times the kernels against them. Neither imports
the other; both import this folder from the repository root.
"""

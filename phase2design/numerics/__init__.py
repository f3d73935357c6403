"""Numerics: exact binomial and beta-binomial rows and tails (numba kernels on plain arrays, no validation)."""

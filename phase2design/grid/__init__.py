"""Scenario grids: designs for every combination of p0, p1 - p0, alpha, beta and family."""

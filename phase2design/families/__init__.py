"""Design families: the searches that produce designs (single stage, Simon two-stage)."""

"""The design model's exact engine: operating characteristics and inference for any design."""

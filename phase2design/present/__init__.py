"""Presentation: numbers to text, Markdown, CSV and JSON tables."""

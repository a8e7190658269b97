"""Bundled example articles written for kg."""

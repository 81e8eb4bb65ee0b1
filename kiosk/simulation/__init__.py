"""Driving the core as visitors would, without a screen: load tests, crash tests, demos."""

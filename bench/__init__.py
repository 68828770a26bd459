"""Benchmarks and the device simulator (`main.py simular`); nothing here imports Flask."""

"""Monitoring stations: air stations, water sections, noise points."""

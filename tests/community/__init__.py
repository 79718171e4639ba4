"""Tests of the community plugin."""

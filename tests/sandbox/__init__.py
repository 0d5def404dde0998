"""Tests for the embedded Pylon + Linear + GitHub sandbox."""

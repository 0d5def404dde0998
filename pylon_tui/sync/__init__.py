"""Sync layer: keeps the board in step with Pylon. Never imports textual or rich."""

"""HTTP clients for Pylon, Linear and GitHub. httpx only."""

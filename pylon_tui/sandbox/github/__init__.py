"""The GitHub REST emulator (issue state with ETags), one service like the others."""

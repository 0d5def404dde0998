"""The Pylon REST emulator: endpoints, organisation data, filters, JSON shapes."""

"""The Linear GraphQL emulator: a small parser, the served schema slice, resolvers."""

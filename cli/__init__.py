"""The ``policysim`` command line: thin wiring from arguments to the library layers."""

"""The emulator's own control plane under ``/_emulator/``."""

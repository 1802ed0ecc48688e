"""Spreadsheets (XLSX, CSV) read into plain cells, below the model that turns them into
units. This file makes the folder a regular package: setup.py's package discovery skips
a folder without one, and the installed docgen then failed to import it."""
